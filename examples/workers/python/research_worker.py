#!/usr/bin/python3
"""A goclaw pull worker, written with the Python SDK, that runs "research" steps.

    PYTHONPATH=build/release/python /usr/bin/python3 examples/workers/python/research_worker.py \
        --target 127.0.0.1:9090 --name researcher-1 --queue research --capacity 2

It serves the `type: remote` tasks of its queue. A task's `config.topic` (or else the
workflow input's `topic`) is what to research; the worker reads every Markdown document of its
corpus (--corpus, default: this repository's docs/), counts where the topic is mentioned, and
returns {"topic", "summary", "mentions", "documents", "top": [{"document", "mentions"}],
"steered": [...], "attempt_id", "worker"}. Along the way it reports progress per document and
log lines, takes `steer` signals ({"parameters": {"topic": "..."}}; "focus" is taken as well)
to change the topic mid-run, and stops at once when goclaw cancels the attempt. `config.pace`
(seconds per document; else `config.step_ms`, as the C++ example's specs say; else --pace)
slows it down for demos and tests.

Each finished attempt is also printed to stdout as one JSON line
({"event": "started"|"completed"|"cancelled", "attempt_id", ...}), flushed at once, so that a
supervisor (or a test) can count what this process did even if it is killed. SIGTERM or
SIGINT: in-flight attempts get --grace seconds to finish, then the worker disconnects.
"""
import argparse
import json
import logging
import os
import pathlib
import signal
import socket
import sys
import threading

import goclaw

_DEFAULT_CORPUS = pathlib.Path(__file__).resolve().parents[3] / "docs"
_print_lock = threading.Lock()


def emit(event, task, **fields):
    with _print_lock:
        print(json.dumps({"event": event, "attempt_id": task.attempt_id, **fields}), flush=True)


def mentions(path, topic):
    """How many times `topic` (case-insensitive) occurs in the document at `path`."""
    text = path.read_text(encoding="utf-8", errors="replace").lower()
    return text.count(topic.lower())


def steer(topic, sig):
    """The topic after a steer signal: payload {"parameters": {"topic"|"focus"}} or without
    "parameters"."""
    payload = sig.payload if isinstance(sig.payload, dict) else {}
    params = payload.get("parameters", payload)
    if not isinstance(params, dict):
        return topic
    new = params.get("topic") or params.get("focus")
    return new.strip() if isinstance(new, str) and new.strip() else topic


def pace_of(config, default):
    """Seconds to spend per document: config.pace, else config.step_ms / 1000, else default."""
    if "pace" in config:
        return float(config["pace"])
    if "step_ms" in config:
        return float(config["step_ms"]) / 1000.0
    return default


def make_handler(args, documents):
    def research(task):
        topic = str(task.config.get("topic") or task.input.get("topic") or "").strip()
        if not topic:
            raise goclaw.PermanentError("no topic: set config.topic or the workflow input's topic")
        try:
            pace = pace_of(task.config, args.pace)
        except (TypeError, ValueError):
            pace = -1.0
        if not 0.0 <= pace <= 600.0:
            raise goclaw.PermanentError("config.pace: 0 to 600 s (config.step_ms: 0 to 600000)")
        counts, steered = {}, []
        task.log(f"researching {topic!r} in {len(documents)} documents (attempt {task.attempt})")
        emit("started", task, task_id=task.task_id, workflow_id=task.workflow_id)
        for i, path in enumerate(documents):
            for sig in task.signals():
                if sig.kind == "steer":
                    topic = steer(topic, sig)
                    steered.append({"seq": sig.seq, "topic": topic, "at_document": i})
                    task.log(f"steered (signal {sig.seq}): now researching {topic!r}")
            if task.cancelled.wait(pace):
                emit("cancelled", task, reason=task.cancel_reason)
                return None  # goclaw has let go of the attempt: the result would be refused
            counts[path.name] = mentions(path, topic)
            task.progress((i + 1) / len(documents), f"{path.name}: {counts[path.name]} mentions")
        top = sorted((c, n) for n, c in counts.items() if c)[::-1][:5]
        total = sum(counts.values())
        where = ", ".join(f"{n} ({c})" for c, n in top) or "nowhere"
        summary = (f"{topic!r} is mentioned {total} times in {len(documents)} documents; "
                   f"most in {where}.")
        task.log(summary)
        emit("completed", task, task_id=task.task_id, workflow_id=task.workflow_id)
        return {"topic": topic, "summary": summary, "mentions": total, "documents": len(documents),
                "top": [{"document": n, "mentions": c} for c, n in top], "steered": steered,
                "attempt_id": task.attempt_id, "worker": args.name}
    return research


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="127.0.0.1:9090", help="goclaw's gRPC host:port")
    parser.add_argument("--name", default=f"research-{socket.gethostname()}-{os.getpid()}")
    parser.add_argument("--queue", default="research")
    parser.add_argument("--capacity", type=int, default=2, help="attempts run at once")
    parser.add_argument("--corpus", type=pathlib.Path, default=_DEFAULT_CORPUS,
                        help="directory of Markdown documents to research")
    parser.add_argument("--pace", type=float, default=0.0, help="seconds per document")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds to finish on SIGTERM")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")

    documents = sorted(args.corpus.rglob("*.md"))
    if not documents:
        parser.error(f"no Markdown documents under {args.corpus}")
    worker = goclaw.Worker(args.target, name=args.name, capacity=args.capacity,
                           labels={"example": "research", "pid": str(os.getpid())})
    worker.register(args.queue, make_handler(args, documents))
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: worker.stop(grace=args.grace))
    try:
        worker.run()
    except goclaw.GoclawError as err:
        print(f"research_worker: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
