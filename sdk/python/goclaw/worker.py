"""goclaw.Worker: a pull worker that serves the `remote` tasks of its queues.

    worker = goclaw.Worker("127.0.0.1:9090", name="gpu-box-1", capacity=4)

    @worker.task("research")
    def research(task):
        task.progress(0.5, "reading")
        return {"summary": "..."}

    worker.run()  # blocks until worker.stop()

run() connects out to goclaw (WorkerService.Connect), says Hello with the worker's name, queues,
capacity and labels, and then runs each assigned attempt's handler on a pool of `capacity`
threads: goclaw never assigns more than that at once. What the handler returns is the task's
output (JSON); an exception fails the attempt, which the task's retries may run again, unless
it is a goclaw.PermanentError. When the connection breaks, the attempts in flight are cancelled
(goclaw runs them again elsewhere) and the worker reconnects after an exponential backoff with
jitter. An INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED or UNIMPLEMENTED answer is
raised from run() instead: retrying would not change it.

Thread-safety: stop() may be called from any thread (or a signal handler); register handlers
before run().
"""
import logging
import re
import threading

import grpc

from ._backoff import Backoff
from ._session import Session
from .errors import from_rpc_error
from .v1 import worker_pb2

__all__ = ["Worker"]

_NAME = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_MAX_CAPACITY = 10000
_FATAL = {"INVALID_ARGUMENT", "PERMISSION_DENIED", "UNAUTHENTICATED", "UNIMPLEMENTED"}


def _check_name(what, value):
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValueError(f"{what} {value!r}: 1 to 128 of A-Z a-z 0-9 . _ : -")


class Worker:
    """A worker process's connection to goclaw and its handlers, one per queue.

    Args:
        target: "host:port" of goclaw's gRPC listener.
        name: this worker's name (shown in goclaw's status), [A-Za-z0-9._:-]{1,128}.
        capacity: attempts run at once (1..10000), each on its own thread.
        labels: str -> str, told to goclaw with the Hello.
        backoff: a goclaw Backoff for reconnects (default 0.1 s doubling up to 10 s).
        credentials: grpc.ChannelCredentials for TLS; None: plaintext.
        options, metadata: gRPC channel options and call metadata.
        logger: a logging.Logger (default "goclaw.worker").
    """

    def __init__(self, target="127.0.0.1:9090", name="worker", capacity=1, labels=None, *,
                 backoff=None, credentials=None, options=(), metadata=(), logger=None):
        _check_name("worker name", name)
        if not isinstance(capacity, int) or not 1 <= capacity <= _MAX_CAPACITY:
            raise ValueError(f"capacity {capacity!r}: an integer within 1..{_MAX_CAPACITY}")
        labels = dict(labels or {})
        for key, value in labels.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise ValueError("labels map strings to strings")
        self.target = target
        self.name = name
        self.capacity = capacity
        self.labels = labels
        self._backoff = backoff or Backoff()
        self._credentials = credentials
        self._options = list(options)
        self._metadata = tuple(metadata)
        self._log = logger or logging.getLogger("goclaw.worker")
        self._handlers = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._session = None
        self._connected = threading.Event()

    # --- handlers --------------------------------------------------------------------------

    def task(self, queue):
        """Decorator: `fn(task)` handles the attempts of `queue`."""
        _check_name("queue", queue)

        def register(fn):
            self.register(queue, fn)
            return fn
        return register

    def register(self, queue, fn):
        _check_name("queue", queue)
        if not callable(fn):
            raise TypeError("a handler is a callable taking the task")
        if queue in self._handlers:
            raise ValueError(f"queue {queue!r} already has a handler")
        self._handlers[queue] = fn

    @property
    def queues(self):
        return sorted(self._handlers)

    # --- running ---------------------------------------------------------------------------

    @property
    def worker_id(self):
        """The id goclaw gave the current connection ("" while disconnected)."""
        with self._lock:
            return self._session.worker_id if self._session is not None else ""

    def wait_connected(self, timeout=None):
        """True once goclaw welcomed the worker (within `timeout` seconds)."""
        return self._connected.wait(timeout)

    def run(self):
        """Connects and serves until stop(); reconnects after failures (see the module doc)."""
        if not self._handlers:
            raise ValueError("no handlers: register one with @worker.task(queue)")
        hello = worker_pb2.Hello(name=self.name, queues=self.queues, capacity=self.capacity,
                                 labels=self.labels)
        failures = 0
        try:
            while not self._stop.is_set():
                session = Session(target=self.target, hello=hello, handlers=dict(self._handlers),
                                  capacity=self.capacity, channel_factory=self._channel,
                                  metadata=self._metadata, log=self._log,
                                  on_welcome=self._connected.set)
                error = self._hold(session)
                if self._stop.is_set():
                    break
                if session.welcomed.is_set():
                    failures = 0
                if error is not None and error.code in _FATAL:
                    raise error
                delay = self._backoff.delay(failures)
                failures += 1
                self._log.warning("connection to %s ended (%s); again in %.2f s", self.target,
                                  error or "closed by the server", delay)
                self._stop.wait(delay)
        finally:
            self._stop.clear()

    def _hold(self, session):
        """Runs one session; returns the GoclawError that ended it, or None."""
        with self._lock:
            if self._stop.is_set():
                return None
            self._session = session
        try:
            session.run()
            return None
        except grpc.RpcError as err:
            return from_rpc_error(err)
        finally:
            with self._lock:
                self._session = None
            self._connected.clear()

    def _channel(self, target):
        if self._credentials is None:
            return grpc.insecure_channel(target, options=self._options)
        return grpc.secure_channel(target, self._credentials, options=self._options)

    def stop(self, grace=0.0):
        """Makes run() return. With `grace` seconds, attempts in flight may finish and report
        first (no new ones start); the rest are cancelled and run again elsewhere."""
        self._stop.set()
        with self._lock:
            session = self._session
        if session is None:
            return
        if grace > 0:
            threading.Thread(target=session.drain, args=(grace,), daemon=True,
                             name=f"goclaw-{self.name}-stop").start()
        else:
            session.close()
