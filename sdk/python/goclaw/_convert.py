"""Conversions between goclaw.v1 messages and the plain Python values the SDK returns.

Enums become short lower-case names ("completed", "retrying"; "" for UNSPECIFIED), timestamps
become timezone-aware datetimes (None when unset), and JSON carried as text (``*_json``,
``result_data``) is decoded (None when empty). Pure functions, no state.
"""
import datetime
import json

from .v1 import workflow_pb2

_UTC = datetime.timezone.utc


def dump_json(value):
    """JSON text for `value` ("" for None), compact; raises TypeError if not serializable."""
    if value is None:
        return ""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def load_json(text):
    """The value of JSON `text` (str or bytes); None when empty."""
    if not text:
        return None
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return json.loads(text)


def enum_name(enum_type, value, prefix):
    """"completed" for WORKFLOW_STATUS_COMPLETED (prefix "WORKFLOW_STATUS_"); "" for 0."""
    if value == 0:
        return ""
    try:
        name = enum_type.Name(value)
    except ValueError:
        return str(value)
    return name[len(prefix):].lower() if name.startswith(prefix) else name.lower()


def enum_value(enum_type, name, prefix):
    """The number of short `name` ("completed"); 0 for None or ""; ValueError if unknown."""
    if not name:
        return 0
    try:
        return enum_type.Value(prefix + name.upper())
    except ValueError:
        known = [n[len(prefix):].lower() for n in enum_type.keys() if not n.endswith("UNSPECIFIED")]
        raise ValueError(f"unknown status {name!r}; one of {', '.join(known)}") from None


def workflow_status(value):
    return enum_name(workflow_pb2.WorkflowStatus, value, "WORKFLOW_STATUS_")


def task_status(value):
    return enum_name(workflow_pb2.TaskStatus, value, "TASK_STATUS_")


def timestamp(message, field):
    """The datetime in `message.field` (a google.protobuf.Timestamp), or None when unset."""
    if not message.HasField(field):
        return None
    ts = getattr(message, field)
    return datetime.datetime.fromtimestamp(ts.seconds + ts.nanos / 1e9, tz=_UTC)


def task_detail(t):
    return {
        "task_id": t.task_id,
        "name": t.name,
        "type": t.type,
        "status": task_status(t.status),
        "attempts": t.attempts,
        "error_message": t.error_message,
        "started_at": timestamp(t, "started_at"),
        "completed_at": timestamp(t, "completed_at"),
        "result": load_json(t.result_data),
    }


def workflow_detail(s):
    """A GetWorkflowStatusResponse as a dict (tasks in the server's order)."""
    return {
        "workflow_id": s.workflow_id,
        "name": s.name,
        "status": workflow_status(s.status),
        "error_message": s.error_message,
        "created_at": timestamp(s, "created_at"),
        "updated_at": timestamp(s, "updated_at"),
        "started_at": timestamp(s, "started_at"),
        "completed_at": timestamp(s, "completed_at"),
        "tasks": [task_detail(t) for t in s.tasks],
    }


def workflow_summary(w):
    return {
        "workflow_id": w.workflow_id,
        "name": w.name,
        "status": workflow_status(w.status),
        "created_at": timestamp(w, "created_at"),
        "updated_at": timestamp(w, "updated_at"),
        "task_count": w.task_count,
    }


def workflow_update(u):
    """A WorkflowStatusUpdate of WatchWorkflow as a dict."""
    return {
        "sequence": u.sequence_number,
        "timestamp": timestamp(u, "timestamp"),
        "workflow_id": u.workflow_id,
        "status": workflow_status(u.status),
        "previous_status": workflow_status(u.previous_status),
        "message": u.message,
    }


def task_update(u):
    """A TaskProgressUpdate of WatchTasks as a dict."""
    return {
        "sequence": u.sequence_number,
        "timestamp": timestamp(u, "timestamp"),
        "workflow_id": u.workflow_id,
        "task_id": u.task_id,
        "status": task_status(u.status),
        "previous_status": task_status(u.previous_status),
        "attempt": u.attempt,
        "progress_percent": u.progress_percent,
        "message": u.message,
    }


def log_entry(e, level_name):
    """A LogEntry of StreamLogs as a dict; `level_name` maps its LogLevel to a name."""
    return {
        "timestamp": timestamp(e, "timestamp"),
        "level": level_name(e.level),
        "workflow_id": e.workflow_id,
        "task_id": e.task_id,
        "message": e.message,
        "fields": dict(e.fields),
    }
