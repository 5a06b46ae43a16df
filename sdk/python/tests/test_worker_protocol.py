"""The worker SDK against a scripted WorkerService peer (worker_peer.py): Hello, heartbeats at
the Welcome's interval, assignments run on the pool with progress, logs and results, signals
handed over once and acknowledged, cancellation, failures (retryable or not), reconnects with
backoff, fatal answers raised from run(), and stop() with a grace period.

The same SDK against the real `goclaw server` is in test_worker.py.
"""
import json
import threading
import time
import unittest

import grpc

import goclaw
from goclaw.v1 import common_pb2, worker_pb2
from worker_peer import WorkerPeer


def assignment(attempt_id, queue="research", config=None, input=None, **extra):
    workflow_id, task_id, attempt = attempt_id.split("/")
    return worker_pb2.Assignment(attempt_id=attempt_id, workflow_id=workflow_id, task_id=task_id,
                                 attempt=int(attempt), queue=queue,
                                 config_json=json.dumps(config or {}),
                                 input_json=json.dumps(input or {}), **extra)


class CountingBackoff(goclaw.Backoff):
    def __init__(self):
        super().__init__(initial=0.01, maximum=0.05)
        self.calls = []

    def delay(self, failures):
        self.calls.append(failures)
        return super().delay(failures)


class WorkerProtocolTest(unittest.TestCase):
    def setUp(self):
        self.peer = WorkerPeer()
        self.addCleanup(self.peer.stop)
        self.backoff = CountingBackoff()
        self.worker = goclaw.Worker(self.peer.target, name="t-1", capacity=2,
                                    labels={"zone": "test"}, backoff=self.backoff)
        self.run_error = None
        self.thread = None

    def start(self):
        def run():
            try:
                self.worker.run()
            except Exception as err:  # the test asserts on it
                self.run_error = err
        self.thread = threading.Thread(target=run, name="worker-under-test")
        self.thread.start()
        self.addCleanup(self.join)

    def join(self, timeout=10.0):
        self.worker.stop()
        self.thread.join(timeout)
        self.assertFalse(self.thread.is_alive(), "run() did not return after stop()")

    def connect(self, heartbeat_ms=1000):
        stream = self.peer.next_stream()
        hello = stream.expect("hello")
        stream.send(welcome=worker_pb2.Welcome(worker_id="w-1", heartbeat_interval_ms=heartbeat_ms,
                                               heartbeat_timeout_ms=heartbeat_ms * 5))
        self.assertTrue(self.worker.wait_connected(5))
        return stream, hello

    def test_hello_then_heartbeats_at_the_welcome_interval(self):
        self.worker.register("research", lambda task: None)
        self.worker.register("write", lambda task: None)
        self.start()
        stream, hello = self.connect(heartbeat_ms=50)
        self.assertEqual(hello.name, "t-1")
        self.assertEqual(list(hello.queues), ["research", "write"])
        self.assertEqual(hello.capacity, 2)
        self.assertEqual(dict(hello.labels), {"zone": "test"})
        self.assertEqual(self.worker.worker_id, "w-1")
        started = time.monotonic()
        for _ in range(6):
            stream.expect("heartbeat", timeout=1.0)
        # Six beats at 50 ms take about 0.3 s; at the first interval (0.5 s) they would take 3 s.
        self.assertLess(time.monotonic() - started, 1.5)

    def test_assignment_reports_progress_logs_and_result(self):
        @self.worker.task("research")
        def research(task):
            task.progress(0.5, "half way")
            task.log("line one\nline two")
            return {"double": task.config["n"] * 2, "topic": task.input["topic"],
                    "key": task.idempotency_key, "timeout": task.timeout, "who": task.task_id}
        self.start()
        stream, _ = self.connect()
        stream.send(assignment=assignment("wf-1/r/1", config={"n": 21}, input={"topic": "lanes"},
                                          idempotency_key="k-1", timeout_ms=2500))
        progress = stream.expect("progress")
        self.assertEqual((progress.attempt_id, progress.fraction, progress.message),
                         ("wf-1/r/1", 0.5, "half way"))
        self.assertEqual(stream.expect("log").line, "line one")
        self.assertEqual(stream.expect("log").line, "line two")
        result = stream.expect("result")
        self.assertTrue(result.success)
        self.assertEqual(result.attempt_id, "wf-1/r/1")
        self.assertEqual(json.loads(result.output_json),
                         {"double": 42, "topic": "lanes", "key": "k-1", "timeout": 2.5, "who": "r"})

    def test_bad_progress_fraction_fails_the_attempt(self):
        self.worker.register("research", lambda task: task.progress(1.5))
        self.start()
        stream, _ = self.connect()
        stream.send(assignment=assignment("wf-1/r/1"))
        result = stream.expect("result")
        self.assertFalse(result.success)
        self.assertIn("within 0..1", result.error_message)

    def test_signals_are_handed_over_once_and_acknowledged(self):
        @self.worker.task("research")
        def research(task):
            first = task.wait_signal(5)
            second = task.wait_signal(5)
            return {"seen": [[s.seq, s.kind, s.payload] for s in (first, second)],
                    "more": [s.seq for s in task.signals()]}
        self.start()
        stream, _ = self.connect()
        stream.send(assignment=assignment("wf-1/r/1"))
        steer = worker_pb2.AttemptSignal(attempt_id="wf-1/r/1", seq=1, kind="steer",
                                         payload_json='{"parameters": {"topic": "x"}}')
        stream.send(signal=steer)
        stream.send(signal=steer)  # delivered again (at least once): not handed over twice
        stream.send(signal=worker_pb2.AttemptSignal(attempt_id="wf-1/r/1", seq=2, kind="approve",
                                                    payload_json="not json"))
        stream.send(signal=worker_pb2.AttemptSignal(attempt_id="other/x/1", seq=3, kind="steer"))
        result = stream.expect("result")
        acks = {m.ack.seq for m in stream.received if m.WhichOneof("message") == "ack"}
        self.assertEqual(acks, {1, 2})
        self.assertEqual(json.loads(result.output_json),
                         {"seen": [[1, "steer", {"parameters": {"topic": "x"}}],
                                   [2, "approve", "not json"]], "more": []})

    def test_cancel_sets_the_event_and_wakes_wait_signal(self):
        @self.worker.task("research")
        def research(task):
            signal = task.wait_signal(10)  # returns None at the cancel, long before 10 s
            return {"signal": signal, "cancelled": task.cancelled.is_set(),
                    "reason": task.cancel_reason}
        self.start()
        stream, _ = self.connect()
        stream.send(assignment=assignment("wf-1/r/1"))
        stream.send(cancel=worker_pb2.AttemptCancel(attempt_id="wf-1/r/1", reason="timeout"))
        result = stream.expect("result", timeout=5)
        self.assertEqual(json.loads(result.output_json),
                         {"signal": None, "cancelled": True, "reason": "timeout"})

    def test_failures_say_whether_a_retry_may_help(self):
        @self.worker.task("research")
        def research(task):
            mode = task.config["mode"]
            if mode == "bug":
                raise KeyError("missing")
            if mode == "permanent":
                raise goclaw.PermanentError("topic is forbidden")
            return {"not json": object()}
        self.start()
        stream, _ = self.connect()
        expected = {"wf/bug/1": (True, "KeyError: 'missing'"),
                    "wf/permanent/1": (False, "topic is forbidden"),
                    "wf/object/1": (False, "the handler's output is not JSON"),
                    "wf/bad-config/1": (False, "bad JSON in the assignment"),
                    "wf/no-handler/1": (False, "no handler for queue 'write'")}
        stream.send(assignment=assignment("wf/bug/1", config={"mode": "bug"}))
        stream.send(assignment=assignment("wf/permanent/1", config={"mode": "permanent"}))
        stream.send(assignment=assignment("wf/object/1", config={"mode": "object"}))
        bad = assignment("wf/bad-config/1")
        bad.config_json = "{nope"
        stream.send(assignment=bad)
        stream.send(assignment=assignment("wf/no-handler/1", queue="write"))
        results = {}
        for _ in expected:
            r = stream.expect("result")
            results[r.attempt_id] = r
        for attempt_id, (retryable, message) in expected.items():
            self.assertFalse(results[attempt_id].success, attempt_id)
            self.assertEqual(results[attempt_id].retryable, retryable, attempt_id)
            self.assertIn(message, results[attempt_id].error_message, attempt_id)
        tracebacks = [m.log.line for m in stream.received if m.WhichOneof("message") == "log"
                      and m.log.stream == "stderr" and m.log.attempt_id == "wf/bug/1"]
        self.assertIn("Traceback", tracebacks[0])

    def test_a_broken_stream_cancels_held_attempts_and_reconnects(self):
        started = threading.Event()
        reasons = []

        @self.worker.task("research")
        def research(task):
            started.set()
            task.cancelled.wait(10)
            reasons.append(task.cancel_reason)
            return {"attempt": task.attempt_id}
        self.start()
        first, _ = self.connect()
        first.send(assignment=assignment("wf/r/1"))
        self.assertTrue(started.wait(5))
        first.end()
        second = self.peer.next_stream()
        self.assertEqual(second.expect("hello").name, "t-1")
        self.assertEqual(reasons, ["disconnected"])
        second.send(welcome=worker_pb2.Welcome(worker_id="w-2", heartbeat_interval_ms=1000))
        second.send(assignment=assignment("wf/r/2"))
        started.clear()
        self.assertTrue(started.wait(5))
        second.send(cancel=worker_pb2.AttemptCancel(attempt_id="wf/r/2", reason="cancelled"))
        result = second.expect("result")
        self.assertEqual(json.loads(result.output_json), {"attempt": "wf/r/2"})
        stale = [m for m in second.received
                 if m.WhichOneof("message") == "result" and m.result.attempt_id == "wf/r/1"]
        self.assertEqual(stale, [])  # the first attempt's result is not sent on the new stream
        self.assertEqual(self.backoff.calls, [0])

    def test_unreachable_server_is_retried_with_growing_backoff(self):
        self.peer.stop()
        self.worker.register("research", lambda task: None)
        self.start()
        deadline = time.monotonic() + 5
        while len(self.backoff.calls) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        self.join()
        self.assertEqual(self.backoff.calls[:4], [0, 1, 2, 3])
        self.assertIsNone(self.run_error)

    def test_a_refused_hello_is_raised_from_run(self):
        self.worker.register("research", lambda task: None)
        self.start()
        stream = self.peer.next_stream()
        stream.expect("hello")
        info = common_pb2.ErrorInfo(code="INVALID_ARGUMENT", reason="MALFORMED",
                                    message="queue 'a b' has a space")
        info.field_violations.add(field="hello.queues[0]", description="bad characters")
        stream.abort(grpc.StatusCode.INVALID_ARGUMENT, "queue 'a b' has a space",
                     [("grpc-status-details-bin", info.SerializeToString())])
        self.thread.join(5)
        self.assertFalse(self.thread.is_alive())
        self.assertIsInstance(self.run_error, goclaw.GoclawError)
        self.assertEqual(self.run_error.code, "INVALID_ARGUMENT")
        self.assertEqual(self.run_error.reason, "MALFORMED")
        self.assertEqual(self.run_error.field_violations,
                         [goclaw.FieldViolation("hello.queues[0]", "bad characters")])

    def test_stop_with_grace_lets_the_attempt_report_first(self):
        started = threading.Event()

        @self.worker.task("research")
        def research(task):
            started.set()
            cancelled = task.cancelled.wait(0.3)
            return {"cancelled": cancelled}
        self.start()
        stream, _ = self.connect()
        stream.send(assignment=assignment("wf/r/1"))
        self.assertTrue(started.wait(5))
        self.worker.stop(grace=5)
        result = stream.expect("result")
        self.assertEqual(json.loads(result.output_json), {"cancelled": False})
        self.thread.join(5)
        self.assertFalse(self.thread.is_alive())
        self.assertEqual(stream.inbox.get(timeout=5), None)  # the worker half-closed


class WorkerArgumentsTest(unittest.TestCase):
    def test_bad_arguments_are_refused(self):
        with self.assertRaises(ValueError):
            goclaw.Worker(name="has space")
        with self.assertRaises(ValueError):
            goclaw.Worker(name="x" * 129)
        for capacity in (0, 10001, 1.5):
            with self.assertRaises(ValueError):
                goclaw.Worker(name="w", capacity=capacity)
        with self.assertRaises(ValueError):
            goclaw.Worker(name="w", labels={"k": 1})
        worker = goclaw.Worker(name="w")
        with self.assertRaises(ValueError):
            worker.task("no/slash")
        with self.assertRaises(ValueError):
            worker.run()  # no handlers
        worker.register("q", lambda task: None)
        with self.assertRaises(ValueError):
            worker.register("q", lambda task: None)
        with self.assertRaises(TypeError):
            worker.register("r", "not callable")

    def test_backoff_grows_to_its_ceiling_with_jitter(self):
        import random
        backoff = goclaw.Backoff(initial=0.1, maximum=1.0, rng=random.Random(7))
        for failures, ceiling in [(0, 0.1), (1, 0.2), (2, 0.4), (3, 0.8), (4, 1.0), (50, 1.0)]:
            delays = [backoff.delay(failures) for _ in range(20)]
            self.assertTrue(all(ceiling / 2 <= d <= ceiling for d in delays), (failures, delays))
            self.assertGreater(len(set(delays)), 1)
        with self.assertRaises(ValueError):
            goclaw.Backoff(initial=0)
        with self.assertRaises(ValueError):
            goclaw.Backoff(initial=2, maximum=1)


if __name__ == "__main__":
    unittest.main()
