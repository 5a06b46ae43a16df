"""Errors raised by the goclaw SDK, and their decoding from a failed gRPC call.

A failed goclaw call carries, besides its gRPC status code and message, a serialized
``goclaw.v1.ErrorInfo`` in the ``grpc-status-details-bin`` trailer: goclaw's own code name
("INVALID_ARGUMENT", "NOT_FOUND", ...), a finer reason ("MALFORMED", "TOO_LARGE", ...) and, for
validation errors, one violation per offending field ("tasks[2].config.url"). ``GoclawError``
exposes all of it; ``from_rpc_error`` builds one from any ``grpc.RpcError``, falling back to the
gRPC code and details when the trailer is absent (a proxy, or a connection that never opened).

``PermanentError`` is for worker handlers: raising it fails the attempt without retries.
"""
import collections

from google.protobuf.message import DecodeError

__all__ = ["FieldViolation", "GoclawError", "PermanentError", "from_rpc_error"]

_DETAILS_KEY = "grpc-status-details-bin"

FieldViolation = collections.namedtuple("FieldViolation", ["field", "description"])


class GoclawError(Exception):
    """A goclaw call that failed.

    Attributes:
        code: goclaw's code name, e.g. "INVALID_ARGUMENT", "NOT_FOUND", "UNAVAILABLE".
        message: what was wrong, as the server said it.
        reason: a finer reason within the code ("MALFORMED", "TOO_LARGE", ...), or "".
        field_violations: list of FieldViolation(field, description) for bad requests.
        grpc_code: the call's grpc.StatusCode, or None when not from a call.
    """

    def __init__(self, code, message, reason="", field_violations=(), grpc_code=None):
        self.code = code
        self.message = message
        self.reason = reason
        self.field_violations = [FieldViolation(*v) for v in field_violations]
        self.grpc_code = grpc_code
        super().__init__(str(self))

    def __str__(self):
        text = f"{self.code}: {self.message}"
        if self.reason:
            text += f" ({self.reason})"
        for v in self.field_violations:
            text += f"\n  {v.field}: {v.description}"
        return text

    def __repr__(self):
        return (f"GoclawError(code={self.code!r}, message={self.message!r}, "
                f"reason={self.reason!r}, field_violations={self.field_violations!r})")


class PermanentError(Exception):
    """Raised by a worker handler: the attempt fails and the task's retries do not run it again."""


def _error_info(metadata):
    """The decoded ErrorInfo in `metadata` (pairs of key, value), or None."""
    from .v1 import common_pb2  # late: errors.py stays importable for messages without stubs
    for key, value in metadata or ():
        if key != _DETAILS_KEY or not isinstance(value, bytes):
            continue
        info = common_pb2.ErrorInfo()
        try:
            info.ParseFromString(value)
        except DecodeError:
            return None
        return info if info.code else None
    return None


def from_rpc_error(err):
    """A GoclawError for `err` (a grpc.RpcError raised by a call or a stream)."""
    grpc_code = err.code() if hasattr(err, "code") else None
    details = err.details() if hasattr(err, "details") else None
    trailers = err.trailing_metadata() if hasattr(err, "trailing_metadata") else None
    info = _error_info(trailers)
    if info is not None:
        return GoclawError(info.code, info.message or details or "", info.reason,
                           [(v.field, v.description) for v in info.field_violations], grpc_code)
    code = grpc_code.name if grpc_code is not None else "UNKNOWN"
    return GoclawError(code, details or str(err), "", (), grpc_code)
