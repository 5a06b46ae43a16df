"""One WorkerService.Connect stream of a worker: the connection between a Welcome and a break.

The stream's requests come from a generator that gRPC drains on its own thread: Hello first,
then whatever the session queues (progress, log lines, signal acks, results) and a Heartbeat
every heartbeat interval (the Welcome's; 0.5 s until it arrives). The caller's thread reads the
server's messages in run(): each Assignment becomes a Task handed to a thread pool of
`capacity` threads, signals and cancellations go to the Task they name, ResultAcks are logged.

When the stream ends, for whatever reason, every attempt still held is cancelled (reason
"disconnected"): goclaw gives them to another worker, so their results would be refused.

Thread-safety: send(), close() and drain() may be called from any thread; run() from one.
"""
import json
import queue
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor


from . import _convert
from .errors import PermanentError
from .task import Signal, Task
from .v1 import worker_pb2, worker_pb2_grpc

_CLOSE = object()  # ends the request stream (half-close)
_WAKE = object()   # makes the request generator re-read the heartbeat interval
_FIRST_HEARTBEAT_INTERVAL = 0.5
_CANCEL_AFTER_CLOSE = 2.0  # seconds queued reports get before a closed stream is cancelled
_TRACEBACK_LINES = 20


class Session:
    def __init__(self, *, target, hello, handlers, capacity, channel_factory, metadata, log,
                 on_welcome=None):
        self._target = target
        self._hello = hello
        self._handlers = handlers
        self._channel_factory = channel_factory
        self._metadata = metadata
        self._log = log
        self._on_welcome = on_welcome
        self._outbox = queue.Queue()
        self._closed = threading.Event()
        self._lock = threading.Condition()
        self._attempts = {}  # attempt id -> Task, while its handler runs
        self._draining = False
        self._call = None
        self._heartbeat_interval = _FIRST_HEARTBEAT_INTERVAL
        self._pool = ThreadPoolExecutor(max_workers=capacity,
                                        thread_name_prefix=f"goclaw-{hello.name}")
        self.worker_id = ""
        self.welcomed = threading.Event()

    # --- the stream ------------------------------------------------------------------------

    def run(self):
        """Holds the stream until it ends; raises grpc.RpcError when it breaks."""
        channel = self._channel_factory(self._target)
        try:
            stub = worker_pb2_grpc.WorkerServiceStub(channel)
            call = stub.Connect(self._requests(), metadata=self._metadata)
            with self._lock:
                self._call = call
            if self._closed.is_set():
                call.cancel()
            for message in call:
                self._dispatch(message)
        finally:
            self._shutdown()
            channel.close()

    def _requests(self):
        yield worker_pb2.WorkerMessage(hello=self._hello)
        last_beat = time.monotonic()
        while True:
            due = last_beat + self._heartbeat_interval
            try:
                item = self._outbox.get(timeout=max(0.0, due - time.monotonic()))
            except queue.Empty:
                item = None
            if item is _CLOSE:
                return
            if item is not None and item is not _WAKE:
                yield item
            if time.monotonic() >= last_beat + self._heartbeat_interval:
                yield worker_pb2.WorkerMessage(heartbeat=worker_pb2.Heartbeat())
                last_beat = time.monotonic()

    def send(self, message):
        if not self._closed.is_set():
            self._outbox.put(message)

    def close(self):
        """Ends the stream: queued reports go first, then it half-closes (cancelled if the
        server has not ended it within a moment)."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._outbox.put(_CLOSE)
        with self._lock:
            call = self._call
        if call is not None:
            timer = threading.Timer(_CANCEL_AFTER_CLOSE, call.cancel)
            timer.daemon = True
            timer.start()

    def drain(self, timeout):
        """Takes no new attempts, waits up to `timeout` s for the held ones, then closes."""
        with self._lock:
            self._draining = True
            self._lock.wait_for(lambda: not self._attempts, timeout)
            left = list(self._attempts.values())
        for task in left:
            task._cancel("shutdown")
        self.close()

    def _shutdown(self):
        self.close()
        with self._lock:
            left = list(self._attempts.values())
            self._attempts.clear()
            self._lock.notify_all()
        for task in left:
            task._cancel("disconnected")
        self._pool.shutdown(wait=False, cancel_futures=True)

    # --- the server's messages -------------------------------------------------------------

    def _dispatch(self, message):
        kind = message.WhichOneof("message")
        if kind == "welcome":
            w = message.welcome
            self.worker_id = w.worker_id
            if w.heartbeat_interval_ms > 0:
                self._heartbeat_interval = w.heartbeat_interval_ms / 1000.0
                self._outbox.put(_WAKE)
            self._log.info("connected to %s as %s (heartbeat every %d ms)", self._target,
                           w.worker_id, w.heartbeat_interval_ms)
            self.welcomed.set()
            if self._on_welcome is not None:
                self._on_welcome()
        elif kind == "assignment":
            self._start(message.assignment)
        elif kind == "signal":
            s = message.signal
            task = self._task(s.attempt_id)
            if task is not None:
                task._deliver(Signal(s.seq, s.kind, _payload(s.payload_json)))
        elif kind == "cancel":
            task = self._task(message.cancel.attempt_id)
            if task is not None:
                task._cancel(message.cancel.reason or "cancelled")
        elif kind == "result_ack":
            ack = message.result_ack
            if not ack.accepted:
                self._log.warning("result of %s refused: %s", ack.attempt_id, ack.reason)

    def _task(self, attempt_id):
        with self._lock:
            return self._attempts.get(attempt_id)

    def _start(self, assignment):
        with self._lock:
            if self._draining or self._closed.is_set():
                return  # goclaw gives it to another worker once this stream ends
        try:
            config = _convert.load_json(assignment.config_json)
            task_input = _convert.load_json(assignment.input_json)
        except ValueError as err:
            self._fail(assignment.attempt_id, f"bad JSON in the assignment: {err}", False)
            return
        task = Task(assignment, config, task_input, self.send)
        handler = self._handlers.get(assignment.queue)
        if handler is None:
            self._fail(assignment.attempt_id, f"no handler for queue {assignment.queue!r}", False)
            return
        with self._lock:
            self._attempts[task.attempt_id] = task
        self._pool.submit(self._run, handler, task)

    def _run(self, handler, task):
        try:
            result = self._success(task, handler(task))
        except PermanentError as err:
            result = self._failure(task, err, retryable=False)
        except Exception as err:  # a handler's failure is the attempt's, not the worker's
            result = self._failure(task, err, retryable=True)
        task._finish()
        with self._lock:
            self._attempts.pop(task.attempt_id, None)
            self._lock.notify_all()
        self.send(worker_pb2.WorkerMessage(result=result))

    def _success(self, task, output):
        try:
            text = _convert.dump_json(output)
        except (TypeError, ValueError) as err:  # retrying would not make it JSON
            raise PermanentError(f"the handler's output is not JSON: {err}") from err
        return worker_pb2.AttemptResult(attempt_id=task.attempt_id, success=True, output_json=text)

    def _failure(self, task, err, retryable):
        lines = traceback.format_exception(type(err), err, err.__traceback__)
        text = "".join(lines).rstrip().splitlines()[-_TRACEBACK_LINES:]
        task.log("\n".join(text), stream="stderr")
        self._log.info("attempt %s failed: %s", task.attempt_id, err)
        message = str(err) or type(err).__name__
        if not isinstance(err, PermanentError):
            message = f"{type(err).__name__}: {message}"
        return worker_pb2.AttemptResult(attempt_id=task.attempt_id, success=False,
                                        error_message=message, retryable=retryable)

    def _fail(self, attempt_id, message, retryable):
        self.send(worker_pb2.WorkerMessage(result=worker_pb2.AttemptResult(
            attempt_id=attempt_id, success=False, error_message=message, retryable=retryable)))


def _payload(text):
    """A signal's payload: decoded JSON, or the raw text if it is not JSON."""
    try:
        return _convert.load_json(text)
    except json.JSONDecodeError:
        return text
