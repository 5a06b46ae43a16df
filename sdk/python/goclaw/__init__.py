"""goclaw: the Python SDK of the goclaw orchestration engine (gRPC API and pull workers).

    import goclaw
    client = goclaw.Client("127.0.0.1:9090")        # submit, inspect, watch, signal, cancel
    worker = goclaw.Worker("127.0.0.1:9090", name="w1", capacity=4)

    @worker.task("research")                        # serves `type: remote` tasks of a queue
    def research(task):
        return {"summary": f"about {task.config['topic']}"}

    worker.run()

The generated goclaw.v1 messages and stubs live in goclaw/v1/ next to these modules: the build
(CMake target goclaw_python_proto) puts both in build/<preset>/python/. Needs Debian's
python3-grpcio and python3-protobuf (run with /usr/bin/python3). See sdk/python/README.md.
"""
try:
    from .v1 import common_pb2 as _probe  # noqa: F401  (the generated stubs are here)
except ImportError as _err:  # pragma: no cover - a packaging mistake, reported clearly
    raise ImportError(
        "goclaw.v1 (the generated gRPC stubs) is missing: build the CMake target "
        "goclaw_python_proto and put build/release/python on PYTHONPATH "
        f"({_err})") from _err

from ._backoff import Backoff
from .client import Client
from .errors import FieldViolation, GoclawError, PermanentError
from .task import Signal, Task
from .worker import Worker

__version__ = "0.1.0"
__all__ = ["Backoff", "Client", "FieldViolation", "GoclawError", "PermanentError", "Signal",
           "Task", "Worker"]
