#!/usr/bin/env python3
"""A travel agent that books and cancels flights, hotels and cars: the far side of a saga.

    python3 examples/saga-booking/agent.py --port 8765 [--fail car] [--fail-cancel hotel:2]
                                           [--log calls.jsonl] [--delay-ms N]

POST /<kind>/book    kind is flight, hotel or car; the body is any JSON object ({"trip", "who"}).
                     200 {"booking_id": "<kind>-<n>", "kind", "status": "booked"}, or 422
                     {"error": "no <kind> available"} with --fail <kind> or "fail": true in the
                     body (a 4xx: goclaw does not retry it). Idempotent by the Idempotency-Key
                     header (a saga's steps carry <saga_id>/<step>, the same on every attempt):
                     a key already booked gets the same booking again with "duplicate": true.
POST /<kind>/cancel  {"booking_id"}: 200 {"booking_id", "kind", "status": "cancelled",
                     "duplicate": false}; 400 without a booking_id, 404 for a booking of that kind
                     this agent never made. Idempotent by the Idempotency-Key header (goclaw sends
                     <saga_id>/<step>/compensate, the same on every retry): a key already answered
                     200 or 404 gets that answer again with "duplicate": true, and nothing is
                     cancelled twice. --fail-cancel <kind>:<n> makes the first n cancels of that
                     kind answer 503 (goclaw retries 5xx), as a briefly broken service would.
GET  /calls          {"calls": [...]}: every book and cancel call, failures and duplicates too:
                     {time, method, path, kind, action, idempotency_key, attempt (the
                     Goclaw-Attempt header), body, status, answer}
POST /reset          forgets bookings, calls and answered keys, and empties the --log file
GET  /health         {"ok": true}

--log FILE appends each call to FILE as one JSON line, on disk (flushed and fsynced) before the
call is answered, so a test that kills goclaw can still read what happened. On start the agent
reads FILE back: restarted with the same --log, it still knows its bookings and the keys it
answered (the --fail flags are not kept). --delay-ms N waits N ms before each book or cancel.
One line per call goes to stderr. Listens on 127.0.0.1 only. Standard library only.
"""
import argparse
import datetime
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

KINDS = ("flight", "hotel", "car")
ACTIONS = ("book", "cancel")
REMEMBERED = (200, 404)  # final answers to a cancel; a 503 is not, so its retry is tried again


class Agency:
    """The bookings, the calls and the answered idempotency keys of one agent.

    Thread-safe: the public methods (handle, list_calls, reset, close) take one lock, and a call
    is recorded and written to the log under the same lock that changes the bookings, so the
    order of the records is the order of the effects.
    """

    def __init__(self, fail=(), fail_cancel=None, log_path=None, trace=None):
        self.fail = set(fail)  # kinds whose bookings answer 422
        self.cancel_failures = dict(fail_cancel or {})  # kind -> 503s still to answer
        self.trace = trace  # a stream for one line per call, or None
        self.lock = threading.Lock()
        self._clear()
        self.log = None
        if log_path:
            self._replay(log_path)
            self.log = open(log_path, "a", encoding="utf-8")

    def _clear(self):
        self.bookings = {}  # booking_id -> {"kind", "status", "body"}
        self.counts = {kind: 0 for kind in KINDS}
        self.answered = {}  # Idempotency-Key -> (status, answer)
        self.calls = []

    def _replay(self, path):
        """Rebuilds the state from an earlier run's log; a torn last line is skipped."""
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.readlines()
        except FileNotFoundError:
            return
        for line in lines:
            try:
                call = json.loads(line)
            except ValueError:
                continue
            if isinstance(call, dict) and call.get("kind") in KINDS and isinstance(call.get("answer"), dict):
                self._apply(call)

    def _apply(self, call):
        """Applies one recorded call's effect (what handle() decided) to the state."""
        self.calls.append(call)
        status, answer, kind = call.get("status"), call["answer"], call["kind"]
        booking_id = answer.get("booking_id")
        if not isinstance(booking_id, str):
            return
        if call.get("action") == "book" and status == 200 and not answer.get("duplicate"):
            number = booking_id.rpartition("-")[2]
            self.counts[kind] = max(self.counts[kind], int(number) if number.isdigit() else 0)
            self.bookings[booking_id] = {"kind": kind, "status": "booked", "body": call.get("body")}
            key = call.get("idempotency_key")
            if key:
                self.answered[key] = (status, answer)
        elif call.get("action") == "cancel" and not answer.get("duplicate"):
            if status == 200 and booking_id in self.bookings:
                self.bookings[booking_id]["status"] = "cancelled"
            key = call.get("idempotency_key")
            if key and status in REMEMBERED:
                self.answered[key] = (status, answer)

    def handle(self, kind, action, body, call):
        """Books or cancels; records the call and returns (status, answer).

        `body` is the parsed request (a dict) or a string saying why it is not one; `call` holds
        what the request carried (time, method, path, headers, body) and is completed here.
        """
        with self.lock:
            if isinstance(body, str):
                status, answer = 400, {"error": body}
            elif action == "book":
                status, answer = self._book(kind, body, call["idempotency_key"])
            else:
                status, answer = self._cancel(kind, body, call["idempotency_key"])
            call.update(kind=kind, action=action, status=status, answer=answer)
            self._apply(call)
            if self.log:
                self.log.write(json.dumps(call) + "\n")
                self.log.flush()
                os.fsync(self.log.fileno())
            if self.trace:
                self._print_trace(call)
        return status, answer

    def _book(self, kind, body, key):
        if key in self.answered:
            status, answer = self.answered[key]
            return status, {**answer, "duplicate": True}
        if kind in self.fail or body.get("fail") is True:
            return 422, {"error": f"no {kind} available"}
        return 200, {"booking_id": f"{kind}-{self.counts[kind] + 1}", "kind": kind, "status": "booked"}

    def _cancel(self, kind, body, key):
        booking_id = body.get("booking_id")
        if not isinstance(booking_id, str) or not booking_id:
            return 400, {"error": "booking_id (a string) is required"}
        if key in self.answered:
            status, answer = self.answered[key]
            return status, {**answer, "duplicate": True}
        if self.cancel_failures.get(kind, 0) > 0:
            self.cancel_failures[kind] -= 1
            return 503, {"error": f"{kind} cancellations are unavailable, try again"}
        booking = self.bookings.get(booking_id)
        if booking is None or booking["kind"] != kind:
            return 404, {"error": f"no {kind} booking {booking_id}", "booking_id": booking_id,
                         "duplicate": False}
        answer = {"booking_id": booking_id, "kind": kind, "status": "cancelled", "duplicate": False}
        if booking["status"] == "cancelled":  # cancelled before, under another key or none
            answer["already_cancelled"] = True
        return 200, answer

    def _print_trace(self, call):
        answer = call["answer"]
        what = answer.get("error") or answer.get("booking_id", "")
        if answer.get("duplicate"):
            what += " (duplicate)"
        extra = "".join(f" {name}={call[field]}" for name, field in
                        (("key", "idempotency_key"), ("attempt", "attempt")) if call[field] is not None)
        print(f"{time.strftime('%H:%M:%S')} {call['action']:<6} {call['kind']:<6} -> "
              f"{call['status']} {what}{extra}", file=self.trace, flush=True)

    def list_calls(self):
        with self.lock:
            return [dict(c) for c in self.calls]

    def reset(self):
        with self.lock:
            self._clear()
            if self.log:
                self.log.seek(0)
                self.log.truncate()
                self.log.flush()
                os.fsync(self.log.fileno())

    def close(self):
        with self.lock:
            if self.log:
                self.log.close()
                self.log = None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as goclaw's client expects

    def answer(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):  # http.server's own lines: the agency traces calls
        pass

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == "/health":
            self.answer(200, {"ok": True})
        elif path == "/calls":
            self.answer(200, {"calls": self.server.agency.list_calls()})
        else:
            self.answer(404, {"error": "no route"})

    def do_POST(self):
        try:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        except ValueError:
            self.close_connection = True
            return self.answer(400, {"error": "bad Content-Length"})
        path = urlsplit(self.path).path
        if path == "/reset":
            self.server.agency.reset()
            return self.answer(200, {"ok": True})
        parts = path.strip("/").split("/")
        if len(parts) != 2 or parts[0] not in KINDS or parts[1] not in ACTIONS:
            return self.answer(404, {"error": "no route; try POST /flight|hotel|car/book|cancel"})
        if self.server.delay_ms:
            time.sleep(self.server.delay_ms / 1000)
        body = parse_object(raw)
        attempt = self.headers.get("Goclaw-Attempt")
        call = {"time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
                "method": self.command, "path": self.path,
                "idempotency_key": self.headers.get("Idempotency-Key"),
                "attempt": int(attempt) if attempt and attempt.isdigit() else attempt,
                "body": body if isinstance(body, dict) else raw.decode("utf-8", "replace")}
        self.answer(*self.server.agency.handle(parts[0], parts[1], body, call))


def parse_object(raw):
    """The body as a dict (an empty body is {}); otherwise a string saying what is wrong."""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as e:
        return f"the body is not JSON: {e}"
    return body if isinstance(body, dict) else "expected a JSON object"


def make_server(port=0, fail=(), fail_cancel=None, log_path=None, delay_ms=0, trace=None):
    """A server on 127.0.0.1:<port> (0: a free one) with its Agency at .agency; not yet serving."""
    agency = Agency(fail, fail_cancel, log_path, trace)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.agency, server.delay_ms = agency, delay_ms
    return server


def fail_cancel_arg(text):
    kind, _, count = text.partition(":")
    if kind not in KINDS or not count.isdigit():
        raise argparse.ArgumentTypeError(f"expected <kind>:<n> with kind in {'|'.join(KINDS)}, got {text!r}")
    return kind, int(count)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--fail", action="append", default=[], choices=KINDS, metavar="KIND",
                        help="bookings of KIND answer 422 (repeatable)")
    parser.add_argument("--fail-cancel", action="append", default=[], type=fail_cancel_arg,
                        metavar="KIND:N", help="the first N cancels of KIND answer 503 (repeatable)")
    parser.add_argument("--log", metavar="FILE", help="append each call to FILE as a JSON line, "
                        "fsynced before answering; read back on start")
    parser.add_argument("--delay-ms", type=int, default=0, metavar="N",
                        help="wait N ms before each book or cancel")
    args = parser.parse_args()
    server = make_server(args.port, args.fail, dict(args.fail_cancel), args.log, args.delay_ms,
                         sys.stderr)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.agency.close()


if __name__ == "__main__":
    main()
