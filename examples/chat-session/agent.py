#!/usr/bin/env python3
"""A chat agent that replies slowly, word by word, and can be steered or interrupted mid-reply.

    python3 examples/chat-session/agent.py --port 9100 [--host 127.0.0.1] [--delay 0.4]

The protocol goclaw speaks with it (docs/design/signals.md):

POST /reply    {"message", "tone"}, or from a collect-mode session {"inputs": [{"message"}, ...]}.
               goclaw sends Idempotency-Key: <workflow_id>/<task_id>/<attempt>; the job is filed
               under <workflow_id>/<task_id>, which is how its signals find it. The reply is
               built one word every --delay seconds and answered when done:
               {"reply", "tone", "steered": [parameters applied], "interrupted": false, "words"}
POST /signals  {"workflow_id", "task_id", "attempt", "seq", "kind", "payload"}, one at a time in
               seq order, with Idempotency-Key: <workflow>/<task>/signal/<seq>. Delivery is at
               least once, so a seq the job has already seen is dropped (and answered 200).
                 steer      {"parameters": {"tone": ..., "input": {"message": ...}}}: applied at
                            the next word, a new tone for the rest and/or a new topic
                 interrupt  {"graceful": true, "reason"}: stop at the next word and answer with
                            the partial reply, "interrupted": true and the reason. A forced
                            interrupt closes goclaw's connection: the job notices and is dropped.
                 other      logged and ignored
               200 {"ok": true} to a known job, 404 to an unknown one.
GET  /health   {"ok": true}
One line per request goes to stderr. Standard library only.
"""
import argparse
import json
import re
import select
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EARLY_SIGNAL_WAIT = 1.0  # seconds a signal waits for its job: it can overtake the /reply request
ASKING = re.compile(r"^\s*(please\s+)?((tell|talk to) me|talk|say something|what)\s+(about\s+)?", re.I)
PIRATE = {"here": "ahoy,", "is": "be", "what": "wot", "know": "reckon", "about": "'bout",
          "it": "she", "comes": "sails", "now": "avast,", "you": "ye"}
JOBS = {}  # "<workflow_id>/<task_id>" -> Job
JOBS_CHANGED = threading.Condition()


class Job:
    def __init__(self):
        self.cond = threading.Condition()
        self.seen = set()  # seqs already taken
        self.steers = []   # parameters waiting for the next word
        self.stop = None   # the interrupt payload, once asked to stop


def parse_input(value):
    """(messages, tone) of {"message", "tone"}, {"inputs": [...]} or a bare string."""
    if not isinstance(value, dict):
        return [str(value)], None
    items = value["inputs"] if isinstance(value.get("inputs"), list) else [value]
    messages = [str(i.get("message", "")) if isinstance(i, dict) else str(i) for i in items]
    tones = [i.get("tone") for i in [value] + items if isinstance(i, dict) and i.get("tone")]
    return messages, (str(tones[0]) if tones else None)


def compose(messages, opener="Here is what I know about"):
    """The reply's words, in a neutral tone: 10 to 20 of them."""
    topics = [ASKING.sub("", m).strip(" ?!.") for m in messages if m.strip()]
    words = opener.split() + (" and ".join(topics) or "nothing in particular").split()[:6]
    words[-1] += ":"
    return words + "it comes word by word, so steer it.".split()


def style(word, tone):
    if tone == "shout":
        return word.upper()
    if tone == "calm":
        return word.lower()
    if tone == "pirate":
        core = word.rstrip(".:,")
        return PIRATE.get(core.lower(), core) + word[len(core):]
    return word


class Agent(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as goclaw's client expects
    delay = 0.4

    def answer(self, status, payload, note=""):
        body = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            note += " (the caller hung up)"
        self.log(f"-> {status} {note}")

    def log(self, text):
        print(f"{time.strftime('%H:%M:%S')} {self.command} {self.path} {text}", file=sys.stderr, flush=True)

    def log_message(self, fmt, *args):  # http.server's own lines: replaced by log()
        pass

    def do_GET(self):
        self.answer(*((200, {"ok": True}) if self.path == "/health" else (404, {"error": "no route"})))

    def do_POST(self):
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self.answer(400, {"error": "expected a JSON object"})
        elif self.path == "/reply":
            self.reply(body)
        elif self.path == "/signals":
            self.signal(body)
        else:
            self.answer(404, {"error": "no route"})

    def reply(self, body):
        key = self.headers.get("Idempotency-Key") or f"local/{threading.get_ident()}/1"
        key = key.rsplit("/", 1)[0]  # <workflow_id>/<task_id>: the attempt number is not needed
        job = Job()
        with JOBS_CHANGED:
            JOBS[key] = job  # a new attempt replaces the previous one's job
            JOBS_CHANGED.notify_all()
        try:
            result = self.stream(job, *parse_input(body))
        finally:
            with JOBS_CHANGED:
                if JOBS.get(key) is job:
                    del JOBS[key]
        if result is None:  # the caller is gone (a forced interrupt, a timeout): nobody to answer
            self.close_connection = True
            return self.log(f"{key}: dropped, the connection closed")
        self.answer(200, result, f"{key}: {result['words']} words" +
                    (f", interrupted ({result['reason']})" if result["interrupted"] else ""))

    def stream(self, job, messages, tone):
        plan, out, steered, tone = compose(messages), [], [], tone or "neutral"
        while len(out) < len(plan):
            with job.cond:  # the pause between words; an interrupt cuts it short
                job.cond.wait_for(lambda: job.stop is not None, timeout=self.delay)
                for params in job.steers:
                    steered.append(params)
                    tone = str(params.get("tone", tone))
                    if "input" in params:  # a new message from the session: switch topics
                        new_messages, new_tone = parse_input(params["input"])
                        tone = new_tone or tone
                        plan = plan[:len(out)] + compose(new_messages, "Now about")
                job.steers.clear()
                stop = job.stop
            if self.caller_gone() or (stop is not None and not stop.get("graceful")):
                return None
            if stop is not None:
                break
            out.append(style(plan[len(out)], tone))
        result = {"reply": " ".join(out), "tone": tone, "steered": steered,
                  "interrupted": stop is not None, "words": len(out)}
        if stop is not None:
            result["reason"] = str(stop.get("reason", ""))
        return result

    def caller_gone(self):
        """True once the caller closed the connection (it sends nothing while it waits)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def signal(self, body):
        key = f"{body.get('workflow_id')}/{body.get('task_id')}"
        seq, kind = body.get("seq"), body.get("kind")
        payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
        if not isinstance(seq, int):
            return self.answer(400, {"error": "seq must be an integer"})
        with JOBS_CHANGED:
            JOBS_CHANGED.wait_for(lambda: key in JOBS, timeout=EARLY_SIGNAL_WAIT)
            job = JOBS.get(key)
        if job is None:
            # Not acknowledged: goclaw keeps the signal delivered but unacknowledged and hands it
            # to the task's next attempt, if there is one.
            return self.answer(404, {"error": f"no reply in progress for {key}"}, f"{key} seq {seq} ({kind})")
        with job.cond:
            # Seen already: delivered again after a retry or a lost 200. Acknowledge, do not apply.
            duplicate = seq in job.seen
            job.seen.add(seq)
            params = payload.get("parameters")
            if not duplicate and kind == "steer" and isinstance(params, dict):
                job.steers.append(params)
            elif not duplicate and kind == "interrupt":
                job.stop = payload
                job.cond.notify_all()
        note = "duplicate, dropped" if duplicate else (
            json.dumps(payload) if kind in ("steer", "interrupt") else "ignored")
        self.answer(200, {"ok": True, "duplicate": duplicate}, f"{key} seq {seq} ({kind}) {note}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100, help="0 picks a free port")
    parser.add_argument("--delay", type=float, default=0.4, help="seconds per word")
    args = parser.parse_args()
    Agent.delay = args.delay
    server = ThreadingHTTPServer((args.host, args.port), Agent)
    print(f"chat agent listening on http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
