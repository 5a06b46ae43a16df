#!/usr/bin/env python3
"""A tiny HTTP agent for trying goclaw's http tasks, using only the Python standard library.

    python3 examples/agents/echo_agent.py --port 9000
    goclaw run examples/http-agent.yaml --input agent=http://127.0.0.1:9000

POST /echo       -> {"echo": <request JSON>}
POST /summarize  -> {"summary": <the first 60 characters of "text">, "words": <word count>}
GET  /health     -> {"ok": true}
Anything else is a 404. Listens on 127.0.0.1 only.
"""
import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Agent(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as goclaw's client expects

    def _reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"null")
        except ValueError:
            return None

    def do_GET(self):
        if self.path == "/health":
            self._reply(200, {"ok": True})
        else:
            self._reply(404, {"error": "no route " + self.path})

    def do_POST(self):
        data = self._json_body()
        if self.path == "/echo":
            self._reply(200, {"echo": data})
        elif self.path == "/summarize":
            text = str((data or {}).get("text", ""))
            self._reply(200, {"summary": text[:60], "words": len(text.split())})
        else:
            self._reply(404, {"error": "no route " + self.path})

    def log_message(self, fmt, *args):  # quiet
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9000, help="0 picks a free port")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Agent)
    print(f"echo agent listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
