"""goclaw.Client against the real `goclaw server` (GOCLAW_BINARY): submit (text, dict, wait),
status, task results, list with filters and pages, cancel, signals, WatchWorkflow with resume,
logs, and errors decoded from ErrorInfo (bad specs with field violations, unknown ids).
"""
import time
import unittest

import grpc

import goclaw
from goclaw import errors
from goclaw.v1 import common_pb2
from goclaw_server import REPO, GoclawServer

HELLO = (REPO / "examples" / "hello.yaml").read_text()
APPROVAL = (REPO / "examples" / "approval.yaml").read_text()
SLEEPY = """
name: py-sleepy
tasks:
  - id: nap
    type: builtin
    config: {op: sleep, duration: 60s}
"""


class _FailedCall(grpc.RpcError):
    """What a failed call raises, for decoding tests without a server."""

    def __init__(self, code, details, trailers):
        self._code, self._details, self._trailers = code, details, trailers

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return self._trailers


class ErrorDecodingTest(unittest.TestCase):
    def test_error_info_in_the_trailer(self):
        info = common_pb2.ErrorInfo(code="NOT_FOUND", reason="UNKNOWN_WORKFLOW",
                                    message="no workflow 'x'")
        err = errors.from_rpc_error(_FailedCall(
            grpc.StatusCode.NOT_FOUND, "no workflow 'x'",
            (("other", "v"), ("grpc-status-details-bin", info.SerializeToString()))))
        self.assertEqual((err.code, err.reason, err.message, err.field_violations),
                         ("NOT_FOUND", "UNKNOWN_WORKFLOW", "no workflow 'x'", []))
        self.assertIs(err.grpc_code, grpc.StatusCode.NOT_FOUND)

    def test_without_or_with_a_garbled_trailer_the_grpc_code_is_used(self):
        for trailers in (None, (), (("grpc-status-details-bin", b"\xff\xff\xff"),)):
            err = errors.from_rpc_error(_FailedCall(grpc.StatusCode.UNAVAILABLE, "down", trailers))
            self.assertEqual((err.code, err.message), ("UNAVAILABLE", "down"))

    def test_str_lists_the_field_violations(self):
        err = goclaw.GoclawError("INVALID_ARGUMENT", "bad spec", "MALFORMED",
                                 [("tasks[0].type", "unknown type")])
        self.assertEqual(str(err), "INVALID_ARGUMENT: bad spec (MALFORMED)\n"
                                   "  tasks[0].type: unknown type")


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = GoclawServer()
        cls.client = cls.server.client

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def assertError(self, code, fn, *args, **kwargs):
        with self.assertRaises(goclaw.GoclawError) as caught:
            result = fn(*args, **kwargs)
            if hasattr(result, "__next__"):
                next(result)  # a stream fails at its first message
        self.assertEqual(caught.exception.code, code, str(caught.exception))
        return caught.exception

    def test_submit_text_and_wait_for_the_result(self):
        wf = self.client.submit_workflow(HELLO, input={"name": "python"}, wait=30)
        self.assertTrue(wf["workflow_id"])
        final = wf["final_status"]
        self.assertIsNotNone(final, wf)
        self.assertEqual(final["status"], "completed")
        tasks = {t["task_id"]: t for t in final["tasks"]}
        self.assertEqual(set(tasks), {"greet", "pause", "shout", "done"})
        self.assertEqual(tasks["greet"]["result"]["message"], "hello, python")
        self.assertEqual(tasks["shout"]["result"]["message"], "hello, python!")
        self.assertTrue(all(t["status"] == "completed" and t["attempts"] == 1
                            for t in tasks.values()))

        status = self.client.get_workflow_status(wf["workflow_id"])
        self.assertEqual((status["name"], status["status"]), ("hello", "completed"))
        self.assertIsNotNone(status["created_at"])
        result = self.client.get_task_result(wf["workflow_id"], "shout")
        self.assertEqual((result["status"], result["result"]["message"]),
                         ("completed", "hello, python!"))

    def test_submit_a_dict_without_waiting(self):
        spec = {"name": "py-dict", "tasks": [
            {"id": "only", "type": "builtin", "config": {"op": "echo", "n": "{{input.n}}"}}]}
        wf = self.client.submit_workflow(spec, input={"n": 7})
        self.assertIsNone(wf["final_status"])
        status = self.server.wait_for(wf["workflow_id"], lambda s: s["status"] == "completed")
        self.assertEqual(status["tasks"][0]["result"]["n"], 7)

    def test_watch_workflow_replays_and_resumes(self):
        wf = self.client.submit_workflow(HELLO)
        updates = list(self.client.watch_workflow(wf["workflow_id"], timeout=60))
        self.assertGreaterEqual(len(updates), 2, updates)
        self.assertEqual(updates[-1]["status"], "completed")
        sequences = [u["sequence"] for u in updates]
        self.assertEqual(sequences, sorted(set(sequences)))
        # The history is stored: watching again from the first update replays the rest.
        again = list(self.client.watch_workflow(wf["workflow_id"], sequences[0], timeout=60))
        self.assertEqual([(u["sequence"], u["status"]) for u in again],
                         [(u["sequence"], u["status"]) for u in updates[1:]])
        self.assertError("NOT_FOUND", self.client.watch_workflow, "no-such-workflow")

    def test_list_filters_and_pages(self):
        ids = {self.client.submit_workflow(HELLO, wait=30)["workflow_id"] for _ in range(3)}
        page = self.client.list_workflows(name="hello", status="completed", page_size=1000)
        listed = {w["workflow_id"] for w in page["workflows"]}
        self.assertLessEqual(ids, listed)
        self.assertTrue(all(w["name"] == "hello" and w["status"] == "completed"
                            for w in page["workflows"]))
        seen, token = [], ""
        for _ in range(100):
            page = self.client.list_workflows(name="hello", page_size=1, page_token=token)
            self.assertLessEqual(len(page["workflows"]), 1)
            seen += [w["workflow_id"] for w in page["workflows"]]
            token = page["next_page_token"]
            if not token:
                break
        self.assertLessEqual(ids, set(seen))
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(self.client.list_workflows(name="no-such-name")["workflows"], [])
        last = self.client.submit_workflow(HELLO, wait=30)["workflow_id"]
        newest = self.client.list_workflows(name="hello", page_size=1, newest_first=True)
        self.assertEqual([w["workflow_id"] for w in newest["workflows"]], [last])
        with self.assertRaises(ValueError):
            self.client.list_workflows(status="sleepy")
        err = self.assertError("INVALID_ARGUMENT", self.client.list_workflows, page_size=-1)
        self.assertEqual([v.field for v in err.field_violations], ["pagination.page_size"])

    def test_cancel_stops_a_running_workflow(self):
        wf = self.client.submit_workflow(SLEEPY)
        self.server.wait_for(wf["workflow_id"], lambda s: s["tasks"][0]["status"] == "running")
        answer = self.client.cancel_workflow(wf["workflow_id"])
        self.assertTrue(answer["success"], answer)
        status = self.server.wait_for(wf["workflow_id"], lambda s: s["status"] == "cancelled")
        self.assertEqual(status["tasks"][0]["status"], "cancelled")

    def test_signal_reaches_a_waiting_task(self):
        wf = self.client.submit_workflow(APPROVAL)
        self.server.wait_for(wf["workflow_id"], lambda s: any(
            t["task_id"] == "approve" and t["status"] == "running" for t in s["tasks"]))
        sent = self.client.signal(wf["workflow_id"], "approve", "approval",
                                  {"by": "alice", "note": "ship it"})
        self.assertEqual((sent["kind"], sent["task_id"]), ("approval", "approve"))
        self.assertGreaterEqual(sent["seq"], 1)
        status = self.server.wait_for(wf["workflow_id"], lambda s: s["status"] == "completed")
        publish = next(t for t in status["tasks"] if t["task_id"] == "publish")
        self.assertEqual(publish["result"]["approved_by"], "alice")

    def test_logs_of_a_finished_workflow(self):
        wf = self.client.submit_workflow(HELLO, wait=30)
        entries = list(self.client.logs(wf["workflow_id"], timeout=30))
        self.assertTrue(all(e["workflow_id"] == wf["workflow_id"] for e in entries))
        self.assertError("NOT_FOUND", self.client.logs, "no-such-workflow")

    def test_a_bad_spec_is_invalid_argument_with_field_violations(self):
        bad = """
name: bad
tasks:
  - id: a
    type: builtin
    config: {op: explode}
"""
        err = self.assertError("INVALID_ARGUMENT", self.client.submit_workflow, bad)
        self.assertEqual([v.field for v in err.field_violations], ["tasks[0].config.op"])
        self.assertIn("explode", err.field_violations[0].description)
        err = self.assertError("INVALID_ARGUMENT", self.client.submit_workflow, "name: [unclosed")
        self.assertEqual(err.reason, "MALFORMED")
        err = self.assertError("INVALID_ARGUMENT", self.client.submit_workflow, "")
        self.assertEqual([v.field for v in err.field_violations], ["tasks"])
        with self.assertRaises(TypeError):
            self.client.submit_workflow(42)

    def test_unknown_ids_are_not_found(self):
        self.assertError("NOT_FOUND", self.client.get_workflow_status, "no-such-workflow")
        self.assertError("NOT_FOUND", self.client.cancel_workflow, "no-such-workflow")
        self.assertError("NOT_FOUND", self.client.get_task_result, "no-such-workflow", "x")
        self.assertError("NOT_FOUND", self.client.signal, "no-such-workflow", "x", "steer",
                         {"parameters": {"a": 1}})
        wf = self.client.submit_workflow(HELLO, wait=30)
        self.assertError("NOT_FOUND", self.client.get_task_result, wf["workflow_id"], "nope")

    def test_an_unreachable_server_is_unavailable(self):
        from goclaw_server import free_port
        with goclaw.Client(f"127.0.0.1:{free_port()}", timeout=5) as client:
            started = time.monotonic()
            self.assertError("UNAVAILABLE", client.get_workflow_status, "x")
            self.assertLess(time.monotonic() - started, 5)


if __name__ == "__main__":
    unittest.main()
