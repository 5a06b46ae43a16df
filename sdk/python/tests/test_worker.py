"""The example Python worker (examples/workers/python/research_worker.py, written with the SDK)
against the real `goclaw server`: `type: remote` tasks of queue "research" run to completion,
a steer signal sent mid-task reaches the worker, a cancel stops it, and a worker killed with
SIGKILL mid-run and started again leaves every task completed exactly once per attempt id.
Also an in-process goclaw.Worker against the same server: failures and their retries, progress
and log lines in the task's log, and a Hello the server refuses.

The research corpus is generated here so that every result is known: document i of N mentions
"alpha" i times and "beta" 2*i times.
"""
import collections
import pathlib
import shutil
import tempfile
import threading
import unittest

import goclaw
from goclaw_server import GoclawServer, WorkerProcess

DOCUMENTS = 10
ALPHA = sum(range(DOCUMENTS))        # "alpha" mentions in the corpus
BETA = 2 * sum(range(DOCUMENTS))


def research_spec(name, topics, extra=""):
    """Remote research tasks (task id -> topic); the worker's --pace sets their speed."""
    tasks = "".join(f"""
  - id: {task_id}
    type: remote
    config: {{queue: research, topic: {topic}}}
""" for task_id, topic in topics.items())
    return f"name: {name}\ntasks:{tasks}{extra}"


class ResearchWorkerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.corpus = pathlib.Path(tempfile.mkdtemp(prefix="goclaw-py-corpus-"))
        for i in range(DOCUMENTS):
            (cls.corpus / f"doc{i:02d}.md").write_text(
                f"# Document {i}\n" + "alpha\n" * i + "beta beta\n" * i)
        cls.server = GoclawServer()
        cls.client = cls.server.client

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.corpus, ignore_errors=True)

    def worker(self, name, capacity=2, pace=0.0):
        process = WorkerProcess(self.server.target, name, self.corpus, capacity=capacity, pace=pace)
        self.addCleanup(process.stop)
        return process

    def wait_done(self, workflow_id, timeout=60):
        return self.server.wait_for(workflow_id, lambda s: s["status"] in (
            "completed", "failed", "cancelled"), timeout, "a final state")

    def test_remote_tasks_run_to_completion(self):
        worker = self.worker("py-complete", capacity=2)
        extra = """
  - id: report
    type: builtin
    depends_on: [a, b, c]
    config: {op: echo, a: "{{tasks.a.output.summary}}", total: "{{tasks.c.output.mentions}}"}
"""
        wf = self.client.submit_workflow(
            research_spec("py-research", {"a": "alpha", "b": "beta", "c": "Document"}, extra=extra))
        status = self.wait_done(wf["workflow_id"])
        self.assertEqual(status["status"], "completed", status)
        tasks = {t["task_id"]: t for t in status["tasks"]}
        expected = {"a": ("alpha", ALPHA), "b": ("beta", BETA), "c": ("Document", DOCUMENTS)}
        for task_id, (topic, mentions) in expected.items():
            result = tasks[task_id]["result"]
            self.assertEqual(tasks[task_id]["type"], "remote")
            self.assertEqual((result["topic"], result["mentions"], result["documents"]),
                             (topic, mentions, DOCUMENTS))
            self.assertEqual(result["attempt_id"], f"{wf['workflow_id']}/{task_id}/1")
            self.assertEqual(result["worker"], "py-complete")
            self.assertEqual(tasks[task_id]["attempts"], 1)
        self.assertEqual(tasks["a"]["result"]["top"][0], {"document": "doc09.md", "mentions": 9})
        self.assertEqual(tasks["report"]["result"]["a"], tasks["a"]["result"]["summary"])
        self.assertEqual(sorted(worker.completed()),
                         sorted(f"{wf['workflow_id']}/{t}/1" for t in "abc"))
        lines = [e["message"] for e in self.client.logs(wf["workflow_id"], ["a"], timeout=30)]
        self.assertTrue(any("researching 'alpha'" in line for line in lines), lines)

    def test_a_task_without_topic_fails_permanently(self):
        self.worker("py-permanent")
        spec = """
name: py-no-topic
tasks:
  - id: r
    type: remote
    retries: {max: 3, initial: 10ms}
    config: {queue: research}
"""
        status = self.wait_done(self.client.submit_workflow(spec)["workflow_id"])
        self.assertEqual(status["status"], "failed")
        self.assertIn("no topic", status["tasks"][0]["error_message"])
        self.assertEqual(status["tasks"][0]["attempts"], 1)  # PermanentError: no retries

    def test_a_steer_signal_reaches_the_running_task(self):
        worker = self.worker("py-steer", pace=0.2)  # ten documents: about 2 s
        wf = self.client.submit_workflow(research_spec("py-steer", {"r": "alpha"}))
        attempt_id = f"{wf['workflow_id']}/r/1"
        worker.wait_event(lambda e: e["event"] == "started" and e["attempt_id"] == attempt_id)
        sent = self.client.signal(wf["workflow_id"], "r", "steer",
                                  {"parameters": {"topic": "beta"}})
        status = self.wait_done(wf["workflow_id"])
        self.assertEqual(status["status"], "completed", status)
        result = status["tasks"][0]["result"]
        self.assertEqual(result["topic"], "beta")
        self.assertEqual(len(result["steered"]), 1, result)
        self.assertEqual(result["steered"][0]["seq"], sent["seq"])
        self.assertEqual(result["attempt_id"], attempt_id)
        lines = [e["message"] for e in self.client.logs(wf["workflow_id"], timeout=30)]
        self.assertTrue(any(f"steered (signal {sent['seq']})" in line for line in lines), lines)

    def test_cancel_reaches_the_worker(self):
        worker = self.worker("py-cancel", pace=1.0)  # ten documents: about 10 s
        wf = self.client.submit_workflow(research_spec("py-cancel", {"r": "alpha"}))
        worker.wait_event(lambda e: e["event"] == "started")
        self.client.cancel_workflow(wf["workflow_id"])
        event = worker.wait_event(lambda e: e["event"] == "cancelled", timeout=10)
        self.assertEqual(event["attempt_id"], f"{wf['workflow_id']}/r/1")
        self.assertEqual(self.wait_done(wf["workflow_id"])["status"], "cancelled")

    def test_a_killed_worker_is_replaced_and_every_task_completes_once(self):
        topics = {f"t{i}": "alpha" if i % 2 else "beta" for i in range(6)}
        first = self.worker("py-killed", capacity=2, pace=0.1)  # about 1 s per task
        wf = self.client.submit_workflow(research_spec("py-kill", topics))
        workflow_id = wf["workflow_id"]
        # Kill it mid-run: some tasks done, some running on it.
        self.server.wait_for(workflow_id, what="a task completed", predicate=lambda s: any(
            t["status"] == "completed" for t in s["tasks"]))
        first.wait_event(lambda e: e["event"] == "started"
                         and e["attempt_id"] not in first.completed())
        first.kill()
        second = self.worker("py-restarted", capacity=2, pace=0.1)
        status = self.wait_done(workflow_id, timeout=90)
        self.assertEqual(status["status"], "completed", status)

        completed = first.completed() + second.completed()
        twice = [a for a, n in collections.Counter(completed).items() if n > 1]
        self.assertEqual(twice, [], "an attempt completed twice")
        rerun = 0
        for task in status["tasks"]:
            result = task["result"]
            self.assertEqual(task["status"], "completed")
            # The stored result is the last attempt's, reported once by whoever ran it.
            final = f"{workflow_id}/{task['task_id']}/{task['attempts']}"
            self.assertEqual(result["attempt_id"], final)
            self.assertIn(final, completed)
            expected = ALPHA if topics[task["task_id"]] == "alpha" else BETA
            self.assertEqual(result["mentions"], expected)
            if task["attempts"] > 1:
                rerun += 1
                self.assertEqual(result["worker"], "py-restarted")
        self.assertGreaterEqual(rerun, 1, "no attempt was running on the killed worker")


class InProcessWorkerTest(unittest.TestCase):
    """goclaw.Worker in this process, on its own queue, against the real server."""

    @classmethod
    def setUpClass(cls):
        cls.server = GoclawServer(workers_config="max_capacity: 8")
        cls.client = cls.server.client

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def run_worker(self, worker):
        errors = []

        def run():
            try:
                worker.run()
            except goclaw.GoclawError as err:
                errors.append(err)
        thread = threading.Thread(target=run, name="in-process-worker")
        thread.start()

        def stop():
            worker.stop()
            thread.join(10)
            self.assertFalse(thread.is_alive())
        self.addCleanup(stop)
        return thread, errors

    def test_failures_are_retried_and_reported_in_the_log(self):
        worker = goclaw.Worker(self.server.target, name="in-proc", capacity=2)

        @worker.task("flaky")
        def flaky(task):
            task.progress(0.5, "trying")
            task.log(f"attempt {task.attempt} of {task.task_id}")
            if task.attempt < 2:
                raise RuntimeError("first attempts fail")
            if task.config.get("fatal"):
                raise goclaw.PermanentError("cannot ever work")
            return {"attempt": task.attempt, "key": task.idempotency_key}
        self.run_worker(worker)
        self.assertTrue(worker.wait_connected(10))
        spec = """
name: py-flaky
tasks:
  - id: ok
    type: remote
    retries: {max: 2, initial: 10ms}
    config: {queue: flaky}
  - id: fatal
    type: remote
    retries: {max: 5, initial: 10ms}
    config: {queue: flaky, fatal: true}
"""
        wf = self.client.submit_workflow(spec)
        status = self.server.wait_for(wf["workflow_id"], lambda s: s["status"] in (
            "completed", "failed", "cancelled"), what="a final state")
        tasks = {t["task_id"]: t for t in status["tasks"]}
        self.assertEqual((tasks["ok"]["status"], tasks["ok"]["attempts"]), ("completed", 2))
        self.assertEqual(tasks["ok"]["result"]["attempt"], 2)
        self.assertEqual((tasks["fatal"]["status"], tasks["fatal"]["attempts"]), ("failed", 2))
        self.assertIn("cannot ever work", tasks["fatal"]["error_message"])
        lines = [e["message"] for e in self.client.logs(wf["workflow_id"], ["ok"], timeout=30)]
        self.assertIn("attempt 1 of ok", lines)
        self.assertIn("attempt 2 of ok", lines)
        self.assertTrue(any("RuntimeError: first attempts fail" in line for line in lines), lines)

    def test_a_hello_the_server_refuses_is_raised_from_run(self):
        worker = goclaw.Worker(self.server.target, name="too-big", capacity=9)  # max_capacity: 8
        worker.register("flaky", lambda task: None)
        thread, errors = self.run_worker(worker)
        thread.join(10)
        self.assertFalse(thread.is_alive(), "run() kept retrying a refused Hello")
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0].code, "INVALID_ARGUMENT")
        self.assertIn("hello.capacity", [v.field for v in errors[0].field_violations])


if __name__ == "__main__":
    unittest.main()
