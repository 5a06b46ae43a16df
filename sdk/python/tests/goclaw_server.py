"""Real processes for the SDK's end-to-end tests: `goclaw server` and the example worker.

GoclawServer starts the binary named by $GOCLAW_BINARY with a config file in a fresh temp dir
(its store there, HTTP and gRPC on port 0: free ports the server picks), waits for the line
"goclaw server listening on ..." (as tests/e2e/server_process.cc does), learns the gRPC port
from the grpc module's log line "gRPC listening on HOST:PORT" before it, waits until the gRPC
channel connects, and stops it with SIGTERM (SIGKILL after 30 s). Worker heartbeats are short (200 ms, lost after 1 s) so that a
killed worker's attempts move on quickly.

WorkerProcess runs examples/workers/python/research_worker.py with the same interpreter and
collects the JSON lines it prints per finished attempt.
"""
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import goclaw

REPO = pathlib.Path(__file__).resolve().parents[3]
EXAMPLE_WORKER = REPO / "examples" / "workers" / "python" / "research_worker.py"
_HTTP_LINE = re.compile(r"goclaw server listening on http://[^\s]*:(\d+)")
_GRPC_LINE = re.compile(r"gRPC listening on [^\s\"]*:(\d+)")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binary():
    path = os.environ.get("GOCLAW_BINARY")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError("set GOCLAW_BINARY to the goclaw binary (ctest does)")
    return path


class GoclawServer:
    def __init__(self, extra_config="", workers_config=""):
        self.dir = tempfile.mkdtemp(prefix="goclaw-py-e2e-")
        self.grpc_port = 0
        config = pathlib.Path(self.dir, "goclaw.yaml")
        config.write_text(
            "server: {host: 127.0.0.1, port: 0}\n"
            f"storage: {{path: {self.dir}/data}}\n"
            "grpc: {host: 127.0.0.1, port: 0}\n"
            "workers: {heartbeat_interval: 200ms, heartbeat_timeout: 1s"
            + (", " + workers_config if workers_config else "") + "}\n" + extra_config)
        self._err = []
        self._lock = threading.Condition()
        # --set: flags win over GOCLAW_* variables, and the gRPC port is read from an info line.
        self.process = subprocess.Popen([binary(), "--config", str(config), "--set",
                                         "log.level=info", "server"],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True, name="goclaw-stderr")
        self._reader.start()
        try:
            self._wait_listening()
            self.target = f"127.0.0.1:{self.grpc_port}"
            self.client = goclaw.Client(self.target, timeout=30)
            self.client.wait_ready(timeout=15)
        except BaseException:
            self.stop()
            raise

    def _read(self):
        for line in self.process.stderr:
            with self._lock:
                self._err.append(line)
                self._lock.notify_all()
        with self._lock:
            self._err.append(None)
            self._lock.notify_all()

    def _wait_listening(self):
        with self._lock:
            ok = self._lock.wait_for(lambda: None in self._err or any(
                _HTTP_LINE.search(line) for line in self._err if line), 30)
            text = "".join(line for line in self._err if line)
        if not ok or None in self._err:
            raise RuntimeError(f"goclaw server did not start:\n{text}")
        grpc_line = _GRPC_LINE.search(text)
        if not grpc_line:
            raise RuntimeError(f"goclaw server did not say where gRPC listens:\n{text}")
        self.grpc_port = int(grpc_line.group(1))

    def stderr(self):
        with self._lock:
            return "".join(line for line in self._err if line)

    def stop(self):
        if getattr(self, "client", None) is not None:
            self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(5)
        self.process.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def wait_for(self, workflow_id, predicate, timeout=60.0, what="the expected state"):
        """Polls the workflow's status until predicate(status) holds; returns that status."""
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            status = self.client.get_workflow_status(workflow_id)
            if predicate(status):
                return status
            time.sleep(0.05)
        raise AssertionError(f"{workflow_id} did not reach {what} in {timeout}s: {status}\n"
                             f"server stderr:\n{self.stderr()[-4000:]}")


class WorkerProcess:
    """The example research worker as a child process."""

    def __init__(self, target, name, corpus, queue="research", capacity=2, pace=0.0):
        self.name = name
        self.events = []
        self._lock = threading.Condition()
        self._log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, str(EXAMPLE_WORKER), "--target", target, "--name", name,
             "--queue", queue, "--capacity", str(capacity), "--corpus", str(corpus),
             "--pace", str(pace), "--grace", "2"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True, name=f"{name}-stdout")
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            line = line.strip()
            if line:
                with self._lock:
                    self.events.append(json.loads(line))
                    self._lock.notify_all()

    def wait_event(self, predicate, timeout=30.0):
        with self._lock:
            if not self._lock.wait_for(lambda: any(predicate(e) for e in self.events), timeout):
                raise AssertionError(f"{self.name}: no such event in {timeout}s: {self.events}\n"
                                     f"{self.stderr()[-3000:]}")
            return next(e for e in self.events if predicate(e))

    def completed(self):
        with self._lock:
            return [e["attempt_id"] for e in self.events if e["event"] == "completed"]

    def stderr(self):
        if self._log.closed:
            return ""
        self._log.seek(0)
        return self._log.read()

    def kill(self):
        self.process.kill()  # SIGKILL: no goodbye, the stream just breaks
        self.process.wait(10)
        self._reader.join(5)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(5)
        self.process.stdout.close()
        self._log.close()
        return self.process.returncode
