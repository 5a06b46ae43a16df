#!/usr/bin/env python3
"""Tests of the chat agent over HTTP, as goclaw talks to it: python3 examples/chat-session/agent_test.py

Starts agent.py on a free port with a short delay per word, then plays goclaw's part: a /reply
request with its Idempotency-Key, and signals POSTed to /signals while the reply streams.
Standard library only.
"""
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request
import uuid

AGENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "agent.py")
DELAY = 0.1  # seconds per word: a reply takes about 1.5 s


class ChatAgentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen([sys.executable, AGENT, "--port", "0", "--delay", str(DELAY)],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = cls.proc.stdout.readline()  # "chat agent listening on http://127.0.0.1:PORT"
        if not line:
            raise RuntimeError("the agent did not start")
        cls.port = int(line.rsplit(":", 1)[1])

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=10)
        cls.proc.stdout.close()

    def post(self, path, body, headers=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return res.status, json.load(res)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    def start_reply(self, body, workflow=None):
        """Starts POST /reply in a thread, as goclaw would; returns (workflow id, a join function)."""
        workflow = workflow or "wf-" + uuid.uuid4().hex[:8]
        box = {}

        def run():
            box["started"] = time.monotonic()
            box["status"], box["body"] = self.post("/reply", body, {"Idempotency-Key": f"{workflow}/reply/1"})
            box["took"] = time.monotonic() - box["started"]

        thread = threading.Thread(target=run)
        thread.start()

        def join():
            thread.join(30)
            self.assertEqual(box.get("status"), 200, box)
            return box["body"], box["took"]

        return workflow, join

    def signal(self, workflow, seq, kind, payload):
        body = {"workflow_id": workflow, "task_id": "reply", "attempt": 1, "seq": seq, "kind": kind,
                "payload": payload}
        return self.post("/signals", body, {"Idempotency-Key": f"{workflow}/reply/signal/{seq}"})

    def test_health(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=10) as res:
            self.assertEqual(res.status, 200)

    def test_reply(self):
        status, body = self.post("/reply", {"message": "tell me about lanes", "tone": "calm"},
                                 {"Idempotency-Key": "wf-plain/reply/1"})
        self.assertEqual(status, 200)
        self.assertIn("lanes", body["reply"])
        self.assertEqual(body["tone"], "calm")
        self.assertEqual(body["reply"], body["reply"].lower())
        self.assertEqual((body["steered"], body["interrupted"]), ([], False))
        self.assertTrue(10 <= body["words"] <= 20, body)
        self.assertEqual(body["words"], len(body["reply"].split()))

    def test_collect_inputs(self):
        status, body = self.post("/reply", {"inputs": [{"message": "tell me about lanes"},
                                                      {"message": "what about signals?"}]})
        self.assertEqual(status, 200)
        self.assertIn("lanes and signals", body["reply"])

    def test_steer_mid_reply_changes_the_tone_of_later_words(self):
        workflow, join = self.start_reply({"message": "tell me about lanes"})
        time.sleep(5 * DELAY)
        self.assertEqual(self.signal(workflow, 1, "steer", {"parameters": {"tone": "shout"}}),
                         (200, {"ok": True, "duplicate": False}))
        body, _ = join()
        words = body["reply"].split()
        self.assertEqual(words[0], "Here")  # said before the steer
        self.assertTrue(words[-1].isupper(), words)  # said after it
        self.assertEqual((body["tone"], body["steered"]), ("shout", [{"tone": "shout"}]))
        self.assertFalse(body["interrupted"])

    def test_steer_with_a_new_input_switches_topic(self):
        workflow, join = self.start_reply({"message": "tell me about lanes"})
        time.sleep(5 * DELAY)
        new_input = {"input": {"message": "tell me about signals"}}
        self.assertEqual(self.signal(workflow, 1, "steer", {"parameters": new_input})[0], 200)
        body, _ = join()
        self.assertIn("Now about signals:", body["reply"])
        self.assertTrue(body["reply"].startswith("Here is"))
        self.assertEqual(body["steered"], [new_input])

    def test_duplicate_seq_is_ignored(self):
        workflow, join = self.start_reply({"message": "tell me about lanes"})
        time.sleep(3 * DELAY)
        steer = {"parameters": {"tone": "pirate"}}
        self.assertEqual(self.signal(workflow, 1, "steer", steer), (200, {"ok": True, "duplicate": False}))
        self.assertEqual(self.signal(workflow, 1, "steer", steer), (200, {"ok": True, "duplicate": True}))
        # A redelivered seq is dropped even if it carried something else.
        self.assertEqual(self.signal(workflow, 1, "steer", {"parameters": {"tone": "shout"}})[1]["duplicate"], True)
        self.assertEqual(self.signal(workflow, 2, "note", {"text": "ignored"}), (200, {"ok": True, "duplicate": False}))
        body, _ = join()
        self.assertEqual((body["tone"], body["steered"]), ("pirate", [{"tone": "pirate"}]))
        self.assertIn("she sails", body["reply"])

    def test_graceful_interrupt_returns_a_partial_reply(self):
        workflow, join = self.start_reply({"message": "tell me about lanes"})
        time.sleep(4 * DELAY)
        status, _ = self.signal(workflow, 1, "interrupt", {"graceful": True, "reason": "user left"})
        self.assertEqual(status, 200)
        body, took = join()
        self.assertTrue(body["interrupted"])
        self.assertEqual(body["reason"], "user left")
        self.assertTrue(0 < body["words"] < 15, body)  # the full reply has 15 words
        self.assertEqual(body["words"], len(body["reply"].split()))
        self.assertTrue(body["reply"].startswith("Here is"))
        self.assertLess(took, 14 * DELAY)

    def test_signal_for_an_unknown_job_is_404(self):
        status, body = self.signal("wf-nobody", 1, "steer", {"parameters": {"tone": "calm"}})
        self.assertEqual(status, 404)
        self.assertIn("wf-nobody/reply", body["error"])

    def test_signal_that_overtakes_its_reply_still_applies(self):
        workflow = "wf-" + uuid.uuid4().hex[:8]
        box = {}
        early = threading.Thread(target=lambda: box.update(
            answer=self.signal(workflow, 1, "steer", {"parameters": {"tone": "shout"}})))
        early.start()
        time.sleep(0.2)
        _, join = self.start_reply({"message": "tell me about lanes"}, workflow)
        body, _ = join()
        early.join(10)
        self.assertEqual(box["answer"][0], 200)
        self.assertEqual(body["steered"], [{"tone": "shout"}])

    def test_closed_connection_drops_the_job(self):
        # A forced interrupt: goclaw cancels the attempt and closes the connection.
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("POST", "/reply", body=json.dumps({"message": "tell me about lanes"}),
                     headers={"Content-Type": "application/json", "Idempotency-Key": "wf-gone/reply/1"})
        time.sleep(3 * DELAY)
        self.assertEqual(self.signal("wf-gone", 1, "note", {})[0], 200)  # the job is there
        conn.close()
        time.sleep(3 * DELAY)
        self.assertEqual(self.signal("wf-gone", 2, "note", {})[0], 404)  # and now it is not


if __name__ == "__main__":
    unittest.main(verbosity=2)
