"""goclaw.Task: what a worker handler receives for one attempt of a `remote` task.

    @worker.task("research")
    def research(task):
        task.log(f"researching {task.config['topic']}")
        for signal in task.signals():        # steer, approve, ... (acknowledged when returned)
            ...
        if task.cancelled.wait(1.0):         # goclaw cancelled the attempt (or the worker stopped)
            return None
        task.progress(0.5, "half way")
        return {"summary": "..."}            # the task's output (JSON)

Identity (attempt_id, workflow_id, task_id, attempt, queue, idempotency_key), the task's config
and the workflow's input (decoded JSON), the timeout, and the reporting calls. Reports made
after the handler returned, or after the connection that brought the attempt broke, are dropped:
goclaw no longer counts the attempt as this worker's.

Thread-safety: every method may be called from any thread (the handler may start its own).
"""
import collections
import math
import threading

from .v1 import worker_pb2

__all__ = ["Signal", "Task"]

Signal = collections.namedtuple("Signal", ["seq", "kind", "payload"])
Signal.__doc__ = "A signal sent to the attempt: seq (per workflow), kind, payload (decoded JSON)."


class Task:
    """One attempt assigned to this worker. Created by the worker, not by handlers."""

    def __init__(self, assignment, config, input, send):
        self.attempt_id = assignment.attempt_id
        self.workflow_id = assignment.workflow_id
        self.task_id = assignment.task_id
        self.attempt = assignment.attempt
        self.queue = assignment.queue
        self.idempotency_key = assignment.idempotency_key
        self.config = config if config is not None else {}
        self.input = input if input is not None else {}
        self.timeout = assignment.timeout_ms / 1000.0 if assignment.timeout_ms > 0 else None
        self.trace = dict(assignment.trace)
        #: Set when goclaw cancels the attempt (cancel, timeout, shutdown) or the worker loses
        #: its connection or stops; the handler should return soon after.
        self.cancelled = threading.Event()
        self.cancel_reason = ""
        self._send = send
        self._cond = threading.Condition()
        self._pending = collections.deque()
        self._seen = set()
        self._acked = set()
        self._done = False

    def __repr__(self):
        return f"Task({self.attempt_id!r}, queue={self.queue!r})"

    # --- reports ---------------------------------------------------------------------------

    def progress(self, fraction, message=""):
        """Reports how far the attempt is (0.0 .. 1.0) with an optional message."""
        fraction = float(fraction)
        if math.isnan(fraction) or not 0.0 <= fraction <= 1.0:
            raise ValueError(f"progress fraction must be within 0..1, not {fraction}")
        self._report(worker_pb2.WorkerMessage(progress=worker_pb2.AttemptProgress(
            attempt_id=self.attempt_id, fraction=fraction, message=str(message))))

    def log(self, line, stream="log"):
        """Adds a line (each line of a multi-line text) to the task's log."""
        for part in str(line).splitlines() or [""]:
            self._report(worker_pb2.WorkerMessage(log=worker_pb2.AttemptLog(
                attempt_id=self.attempt_id, stream=stream, line=part)))

    def _report(self, message):
        with self._cond:
            if self._done:
                return
        self._send(message)

    # --- signals ---------------------------------------------------------------------------

    def signals(self):
        """The signals received and not yet handed over (oldest first), without waiting.

        Each returned signal is acknowledged to goclaw.
        """
        with self._cond:
            taken = list(self._pending)
            self._pending.clear()
        for signal in taken:
            self._ack(signal)
        return taken

    def wait_signal(self, timeout=None):
        """The next signal (acknowledged), or None after `timeout` seconds or on cancellation."""
        with self._cond:
            self._cond.wait_for(lambda: self._pending or self.cancelled.is_set(), timeout)
            signal = self._pending.popleft() if self._pending else None
        if signal is not None:
            self._ack(signal)
        return signal

    def _ack(self, signal):
        with self._cond:
            self._acked.add(signal.seq)
        self._report(worker_pb2.WorkerMessage(ack=worker_pb2.SignalAck(
            attempt_id=self.attempt_id, seq=signal.seq)))

    # --- called by the worker --------------------------------------------------------------

    def _deliver(self, signal):
        """Queues `signal` unless its seq was seen (delivery is at least once); a signal
        already handed over is acknowledged again (goclaw may have missed the first ack)."""
        with self._cond:
            again = signal.seq in self._acked
            if signal.seq not in self._seen:
                self._seen.add(signal.seq)
                self._pending.append(signal)
                self._cond.notify_all()
        if again:
            self._ack(signal)

    def _cancel(self, reason):
        with self._cond:
            if not self.cancelled.is_set():
                self.cancel_reason = reason
                self.cancelled.set()
            self._cond.notify_all()

    def _finish(self):
        """No more reports: the result is being sent."""
        with self._cond:
            self._done = True
