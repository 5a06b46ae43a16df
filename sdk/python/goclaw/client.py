"""goclaw.Client: the workflow, streaming and signal RPCs of a goclaw server over gRPC.

    client = goclaw.Client("127.0.0.1:9090")
    wf = client.submit_workflow(open("flow.yaml").read(), input={"topic": "lanes"}, wait=60)
    print(wf["final_status"]["status"])           # "completed"
    for update in client.watch_workflow(wf["workflow_id"]):
        print(update["sequence"], update["status"])

Every method returns plain Python values (dicts, lists, decoded JSON, datetimes; see
_convert.py) and raises goclaw.GoclawError on failure, decoded from the call's ErrorInfo.
Streams are generators: closing one (or leaving its loop) cancels its call.

Thread-safety: a Client may be shared by threads (gRPC channels and stubs are thread-safe).
"""
import grpc

from . import _convert
from .errors import GoclawError, from_rpc_error
from .v1 import signal_pb2, signal_pb2_grpc, streaming_pb2, streaming_pb2_grpc
from .v1 import workflow_pb2, workflow_pb2_grpc

__all__ = ["Client"]

# A submit that waits for the workflow gets this much longer than the wait, so that the
# server's answer ("not finished yet") arrives before the client's deadline.
_WAIT_MARGIN_SECONDS = 10.0


class Client:
    """A connection to one goclaw server.

    Args:
        target: "host:port" of the server's gRPC listener (config grpc.port, default 9090).
        timeout: deadline in seconds of each unary call (None: no deadline).
        credentials: grpc.ChannelCredentials for TLS; None: a plaintext channel.
        options: extra gRPC channel options, as (name, value) pairs.
        metadata: (key, value) pairs sent with every call (e.g. an authorization header).
    """

    def __init__(self, target="127.0.0.1:9090", *, timeout=30.0, credentials=None,
                 options=(), metadata=()):
        self.target = target
        self.timeout = timeout
        self._metadata = tuple(metadata)
        if credentials is None:
            self._channel = grpc.insecure_channel(target, options=list(options))
        else:
            self._channel = grpc.secure_channel(target, credentials, options=list(options))
        self._workflows = workflow_pb2_grpc.WorkflowServiceStub(self._channel)
        self._streaming = streaming_pb2_grpc.StreamingServiceStub(self._channel)
        self._signals = signal_pb2_grpc.SignalServiceStub(self._channel)

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def wait_ready(self, timeout=10.0):
        """Blocks until the channel is connected; GoclawError UNAVAILABLE after `timeout` s."""
        try:
            grpc.channel_ready_future(self._channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            raise GoclawError("UNAVAILABLE", f"no goclaw server at {self.target} "
                              f"after {timeout}s") from None

    def _unary(self, method, request, timeout=None):
        try:
            return method(request, timeout=self.timeout if timeout is None else timeout,
                          metadata=self._metadata)
        except grpc.RpcError as err:
            raise from_rpc_error(err) from None

    # --- WorkflowService -------------------------------------------------------------------

    def submit_workflow(self, spec, input=None, *, wait=False):
        """Submits a workflow and returns {"workflow_id", "status", "final_status"}.

        Args:
            spec: a goclaw spec as YAML or JSON text, or as a dict.
            input: the workflow's input (a dict; None: {}).
            wait: False: answer once it is durable. True, or a number of seconds: wait (the
                server's default, or that long) for it to finish; "final_status" is then its
                status dict (as get_workflow_status) if it finished in time, else None.
        """
        if isinstance(spec, dict):
            spec = _convert.dump_json(spec)
        elif not isinstance(spec, str):
            raise TypeError("spec must be YAML/JSON text or a dict")
        request = workflow_pb2.SubmitWorkflowRequest(spec=spec,
                                                     input_json=_convert.dump_json(input))
        timeout = None
        if wait:
            request.wait = True
            if wait is not True:
                request.wait_ms = int(float(wait) * 1000)
                timeout = float(wait) + _WAIT_MARGIN_SECONDS
            elif self.timeout is not None:
                timeout = max(self.timeout, 300.0 + _WAIT_MARGIN_SECONDS)
        answer = self._unary(self._workflows.SubmitWorkflow, request, timeout)
        final = answer.final_status if answer.HasField("final_status") else None
        return {
            "workflow_id": answer.workflow_id,
            "status": _convert.workflow_status(answer.status),
            "final_status": _convert.workflow_detail(final) if final is not None else None,
        }

    def get_workflow_status(self, workflow_id):
        """The workflow's state and its tasks' ({"status", "tasks": [{"task_id", "status",
        "attempts", "result", "error_message", ...}], ...})."""
        request = workflow_pb2.GetWorkflowStatusRequest(workflow_id=workflow_id)
        return _convert.workflow_detail(self._unary(self._workflows.GetWorkflowStatus, request))

    def list_workflows(self, *, status=None, name=None, page_size=0, page_token="",
                       newest_first=False):
        """One page of workflows: {"workflows": [...], "next_page_token", "total_count"}.

        status filters by state ("running", "completed", ...), name by exact name; oldest
        first unless newest_first.
        """
        request = workflow_pb2.ListWorkflowsRequest(
            status_filter=_convert.enum_value(workflow_pb2.WorkflowStatus, status,
                                              "WORKFLOW_STATUS_"),
            name_filter=name or "",
            newest_first=bool(newest_first))
        request.pagination.page_size = page_size
        request.pagination.page_token = page_token
        answer = self._unary(self._workflows.ListWorkflows, request)
        return {
            "workflows": [_convert.workflow_summary(w) for w in answer.workflows],
            "next_page_token": answer.pagination.next_page_token,
            "total_count": answer.pagination.total_count,
        }

    def cancel_workflow(self, workflow_id, *, force=False):
        """Cancels a workflow (running attempts are stopped): {"success", "status"}."""
        request = workflow_pb2.CancelWorkflowRequest(workflow_id=workflow_id, force=force)
        answer = self._unary(self._workflows.CancelWorkflow, request)
        return {"success": answer.success, "status": _convert.workflow_status(answer.status)}

    def get_task_result(self, workflow_id, task_id):
        """One task's outcome: {"task_id", "status", "result", "error_message"}."""
        request = workflow_pb2.GetTaskResultRequest(workflow_id=workflow_id, task_id=task_id)
        answer = self._unary(self._workflows.GetTaskResult, request)
        return {
            "task_id": answer.task_id,
            "status": _convert.task_status(answer.status),
            "result": _convert.load_json(answer.result_data),
            "error_message": answer.error_message,
        }

    # --- SignalService ---------------------------------------------------------------------

    def signal(self, workflow_id, task_id, kind, payload=None):
        """Sends a durable signal to a task ("" or None: the whole workflow).

        Returns {"workflow_id", "task_id", "seq", "kind", "state"} once it is stored.
        """
        request = signal_pb2.SignalTaskRequest(workflow_id=workflow_id, task_id=task_id or "",
                                               kind=kind, payload_json=_convert.dump_json(payload))
        answer = self._unary(self._signals.SignalTask, request)
        return {"workflow_id": answer.workflow_id, "task_id": answer.task_id, "seq": answer.seq,
                "kind": answer.kind, "state": answer.state}

    # --- StreamingService ------------------------------------------------------------------

    def _stream(self, call, convert):
        try:
            for message in call:
                yield convert(message)
        except grpc.RpcError as err:
            raise from_rpc_error(err) from None
        finally:
            call.cancel()

    def watch_workflow(self, workflow_id, resume_from_sequence=0, *, timeout=None):
        """Yields the workflow's state changes with a sequence above `resume_from_sequence`
        ({"sequence", "status", "previous_status", "message", "timestamp"}): the stored ones,
        then live ones; ends after the terminal state."""
        request = streaming_pb2.WatchWorkflowRequest(workflow_id=workflow_id,
                                                     resume_from_sequence=resume_from_sequence)
        call = self._streaming.WatchWorkflow(request, timeout=timeout, metadata=self._metadata)
        return self._stream(call, _convert.workflow_update)

    def watch_tasks(self, workflow_id, task_ids=(), *, terminal_only=False,
                    resume_from_sequence=0, timeout=None):
        """Yields the tasks' state changes ({"sequence", "task_id", "status", "attempt", ...})."""
        request = streaming_pb2.WatchTasksRequest(workflow_id=workflow_id, task_ids=list(task_ids),
                                                  terminal_only=terminal_only,
                                                  resume_from_sequence=resume_from_sequence)
        call = self._streaming.WatchTasks(request, timeout=timeout, metadata=self._metadata)
        return self._stream(call, _convert.task_update)

    def logs(self, workflow_id, task_ids=(), *, follow=False, timeout=None):
        """Yields the tasks' log lines ({"task_id", "level", "message", "fields", ...}): what
        is stored, then with `follow` new lines until the workflow ends."""
        request = streaming_pb2.LogStreamRequest(workflow_id=workflow_id, task_ids=list(task_ids),
                                                 follow=follow)
        call = self._streaming.StreamLogs(iter([request]), timeout=timeout, metadata=self._metadata)

        def level(value):
            return _convert.enum_name(streaming_pb2.LogLevel, value, "LOG_LEVEL_")

        def entries():
            for response in self._stream(call, lambda r: r):
                for entry in response.entries:
                    yield _convert.log_entry(entry, level)
        return entries()
