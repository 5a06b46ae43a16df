#!/usr/bin/env python3
"""Tests of the travel agent over HTTP, the way goclaw's sagas call it.

    python3 -m unittest examples/saga-booking/agent_test.py     (from the repository root)
    python3 agent_test.py                                        (in this directory)

Each test starts agent.py's server in this process on a free port, in a thread, with the flags
it needs, and talks to it with urllib: bookings, cancels with goclaw's Idempotency-Key and
Goclaw-Attempt headers, the failure flags, /calls and the --log file. Standard library only.
"""
import concurrent.futures
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("saga_booking_agent", os.path.join(HERE, "agent.py"))
agent = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(agent)

KEY = "saga-1/hotel/compensate"  # the key goclaw sends with every try of one compensation


class AgentTest(unittest.TestCase):
    def start(self, **options):
        """Starts an agent with make_server's options; it is stopped when the test ends."""
        server = agent.make_server(0, **options)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="agent", daemon=True)
        thread.start()

        def stop():
            server.shutdown()
            server.server_close()
            server.agency.close()
            thread.join(10)

        self.addCleanup(stop)
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        return server

    def request(self, method, path, body=None, headers=None):
        """(status, parsed answer); `body` is JSON-encoded unless it is bytes already."""
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                return res.status, json.load(res)
        except urllib.error.HTTPError as e:
            with e:
                return e.code, json.load(e)

    def book(self, kind, body=None):
        return self.request("POST", f"/{kind}/book", {"trip": "lisbon", "who": "ada"} if body is None else body)

    def cancel(self, kind, booking_id, key=None, attempt=None):
        headers = {"Idempotency-Key": key} if key else {}
        if attempt is not None:
            headers["Goclaw-Attempt"] = str(attempt)
        return self.request("POST", f"/{kind}/cancel", {"booking_id": booking_id}, headers)

    def calls(self):
        status, body = self.request("GET", "/calls")
        self.assertEqual(status, 200)
        return body["calls"]

    def test_health(self):
        self.start()
        self.assertEqual(self.request("GET", "/health"), (200, {"ok": True}))

    def test_book_then_cancel(self):
        self.start()
        self.assertEqual(self.book("flight"), (200, {"booking_id": "flight-1", "kind": "flight", "status": "booked"}))
        self.assertEqual(self.book("flight")[1]["booking_id"], "flight-2")
        self.assertEqual(self.book("car")[1]["booking_id"], "car-1")  # numbered per kind
        self.assertEqual(self.cancel("flight", "flight-1"),
                         (200, {"booking_id": "flight-1", "kind": "flight", "status": "cancelled",
                                "duplicate": False}))
        calls = self.calls()
        self.assertEqual([(c["action"], c["kind"], c["status"]) for c in calls],
                         [("book", "flight", 200), ("book", "flight", 200), ("book", "car", 200),
                          ("cancel", "flight", 200)])
        self.assertEqual(calls[0]["body"], {"trip": "lisbon", "who": "ada"})
        self.assertEqual((calls[0]["method"], calls[0]["path"]), ("POST", "/flight/book"))
        self.assertEqual(calls[3]["body"], {"booking_id": "flight-1"})
        self.assertEqual(calls[3]["answer"]["status"], "cancelled")
        self.assertEqual((calls[0]["idempotency_key"], calls[0]["attempt"]), (None, None))
        self.assertTrue(all(c["time"] for c in calls))

    def test_empty_body_books(self):
        self.start()
        self.assertEqual(self.request("POST", "/hotel/book", b"")[0], 200)

    def test_fail_flag_and_fail_field(self):
        self.start(fail=["car"])
        self.assertEqual(self.book("car"), (422, {"error": "no car available"}))
        self.assertEqual(self.book("flight")[0], 200)
        self.assertEqual(self.book("hotel", {"trip": "lisbon", "fail": True}), (422, {"error": "no hotel available"}))
        self.assertEqual(self.book("hotel", {"fail": "yes"})[0], 200)  # only true fails
        self.assertEqual([c["status"] for c in self.calls()], [422, 200, 422, 200])
        # A failed booking takes no number.
        self.assertEqual(self.book("hotel")[1]["booking_id"], "hotel-2")

    def test_cancel_is_idempotent_by_key(self):
        self.start()
        self.book("hotel")
        first = self.cancel("hotel", "hotel-1", KEY, attempt=1)
        again = self.cancel("hotel", "hotel-1", KEY, attempt=2)
        self.assertEqual(first, (200, {"booking_id": "hotel-1", "kind": "hotel", "status": "cancelled",
                                       "duplicate": False}))
        self.assertEqual(again, (200, {**first[1], "duplicate": True}))
        calls = self.calls()
        self.assertEqual([(c["idempotency_key"], c["attempt"], c["answer"]["duplicate"]) for c in calls[1:]],
                         [(KEY, 1, False), (KEY, 2, True)])
        # Another key finds the booking cancelled already and says so.
        self.assertEqual(self.cancel("hotel", "hotel-1", "other/key")[1].get("already_cancelled"), True)
        self.assertNotIn("already_cancelled", again[1])

    def test_fail_cancel_answers_503_n_times_then_cancels(self):
        self.start(fail_cancel={"hotel": 2})
        self.book("hotel")
        self.book("flight")
        self.assertEqual(self.cancel("flight", "flight-1")[0], 200)  # other kinds are not affected
        answers = [self.cancel("hotel", "hotel-1", KEY, attempt=n) for n in (1, 2, 3, 4)]
        self.assertEqual([status for status, _ in answers], [503, 503, 200, 200])
        self.assertIn("unavailable", answers[0][1]["error"])
        self.assertEqual((answers[2][1]["duplicate"], answers[3][1]["duplicate"]), (False, True))
        hotel_cancels = [c for c in self.calls() if (c["kind"], c["action"]) == ("hotel", "cancel")]
        self.assertEqual([(c["attempt"], c["status"]) for c in hotel_cancels], [(1, 503), (2, 503), (3, 200), (4, 200)])
        # The count is spent: a new key cancels at once.
        self.book("hotel")
        self.assertEqual(self.cancel("hotel", "hotel-2", "saga-2/hotel/compensate")[0], 200)

    def test_cancel_of_an_unknown_booking_is_404(self):
        self.start()
        self.book("hotel")
        status, body = self.cancel("flight", "flight-42", "saga-9/flight/compensate")
        self.assertEqual(status, 404)
        self.assertIn("flight-42", body["error"])
        self.assertEqual(self.cancel("car", "hotel-1")[0], 404)  # the wrong kind's path
        # The 404 is the key's answer; a repeat gets it again, marked duplicate.
        self.assertEqual(self.cancel("flight", "flight-42", "saga-9/flight/compensate"),
                         (404, {**body, "duplicate": True}))

    def test_bad_requests_are_400_and_recorded(self):
        self.start()
        self.assertEqual(self.request("POST", "/flight/book", b"{nope")[0], 400)
        self.assertEqual(self.request("POST", "/flight/cancel", [1, 2]), (400, {"error": "expected a JSON object"}))
        status, body = self.request("POST", "/flight/cancel", {"id": "flight-1"})
        self.assertEqual(status, 400)
        self.assertIn("booking_id", body["error"])
        calls = self.calls()
        self.assertEqual([(c["action"], c["status"]) for c in calls], [("book", 400), ("cancel", 400), ("cancel", 400)])
        self.assertEqual(calls[0]["body"], "{nope")  # what was sent, as text, when it is not JSON

    def test_unknown_routes_are_404_and_not_recorded(self):
        self.start()
        self.assertEqual(self.request("POST", "/boat/book", {})[0], 404)
        self.assertEqual(self.request("POST", "/flight/upgrade", {})[0], 404)
        self.assertEqual(self.request("GET", "/flight/book")[0], 404)
        self.assertEqual(self.calls(), [])

    def test_concurrent_bookings_get_distinct_ids(self):
        self.start()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: self.book("car"), range(40)))
        ids = sorted(int(body["booking_id"].split("-")[1]) for _, body in answers)
        self.assertEqual(ids, list(range(1, 41)))
        self.assertEqual(len(self.calls()), 40)

    def test_reset_forgets_everything(self):
        self.start()
        self.book("flight")
        self.cancel("flight", "flight-1", KEY)
        self.assertEqual(self.request("POST", "/reset", {}), (200, {"ok": True}))
        self.assertEqual(self.calls(), [])
        self.assertEqual(self.cancel("flight", "flight-1", KEY)[0], 404)  # neither booking nor key
        self.assertEqual(self.book("flight")[1]["booking_id"], "flight-1")

    def test_delay_ms_delays_the_answer(self):
        self.start(delay_ms=100)
        started = time.monotonic()
        self.assertEqual(self.book("flight")[0], 200)
        self.assertGreaterEqual(time.monotonic() - started, 0.1)

    def test_log_file_has_one_line_per_call_and_is_read_back(self):
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "calls.jsonl")
            self.start(log_path=log, fail_cancel={"flight": 1})
            self.book("flight")
            self.cancel("flight", "flight-1", "saga-1/flight/compensate", attempt=1)
            self.cancel("flight", "flight-1", "saga-1/flight/compensate", attempt=2)
            self.book("car", {"fail": True})
            with open(log, encoding="utf-8") as f:
                lines = [json.loads(line) for line in f]
            self.assertEqual(lines, self.calls())
            self.assertEqual([(c["action"], c["kind"], c["status"], c["attempt"]) for c in lines],
                             [("book", "flight", 200, None), ("cancel", "flight", 503, 1),
                              ("cancel", "flight", 200, 2), ("book", "car", 422, None)])
            self.assertEqual(lines[1]["idempotency_key"], "saga-1/flight/compensate")

            # A second agent on the same log (a restart) knows the bookings and answered keys.
            self.start(log_path=log)
            self.assertEqual(len(self.calls()), 4)
            self.assertEqual(self.cancel("flight", "flight-1", "saga-1/flight/compensate")[1]["duplicate"], True)
            self.assertEqual(self.book("flight")[1]["booking_id"], "flight-2")
            self.book("hotel")
            self.assertEqual(self.cancel("hotel", "hotel-1", KEY)[0], 200)
            with open(log, encoding="utf-8") as f:
                self.assertEqual(len(f.readlines()), 8)

            self.request("POST", "/reset", {})
            self.assertEqual(os.path.getsize(log), 0)

    def test_log_replay_skips_a_torn_last_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "calls.jsonl")
            self.start(log_path=log)
            self.book("hotel")
            with open(log, "a", encoding="utf-8") as f:
                f.write('{"kind": "hotel", "act')
            self.start(log_path=log)
            self.assertEqual(self.cancel("hotel", "hotel-1")[0], 200)

    def test_command_line(self):
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "agent.py"), "--port", "0",
                                 "--fail", "car", "--fail", "hotel", "--fail-cancel", "flight:1",
                                 "--delay-ms", "1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline().strip()
            self.assertRegex(line, r"^listening on http://127\.0\.0\.1:\d+$")
            self.base = line.split()[-1]
            self.assertEqual(self.book("car")[0], 422)
            self.assertEqual(self.book("hotel")[0], 422)
            self.assertEqual(self.book("flight")[0], 200)
            self.assertEqual(self.cancel("flight", "flight-1")[0], 503)
            self.assertEqual(self.cancel("flight", "flight-1")[0], 200)
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=10)
        self.assertIn("cancel flight -> 200 flight-1", err)  # one line per call on stderr

    def test_command_line_refuses_a_bad_fail_cancel(self):
        done = subprocess.run([sys.executable, os.path.join(HERE, "agent.py"), "--fail-cancel", "boat:2"],
                              capture_output=True, text=True, timeout=10)
        self.assertEqual(done.returncode, 2)
        self.assertIn("<kind>:<n>", done.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
