"""A scripted WorkerService peer for the worker SDK's protocol tests.

It plays goclaw's side of WorkerService.Connect in-process, on a free loopback port, so a test
can drive exact message sequences (duplicate signals, refused results, a stream that ends, a
Hello that is refused) that are hard to provoke from the real server at a chosen instant. Each
Connect becomes a PeerStream: `expect(kind)` returns the worker's next message of that kind
(skipping heartbeats unless asked for), `send(message)` pushes a ServerMessage, `end()` ends
the stream, `abort(code, details)` fails it. The real server is exercised in test_worker.py's
end-to-end tests.
"""
import queue
import time
from concurrent import futures

import grpc

from goclaw.v1 import worker_pb2, worker_pb2_grpc

_END = object()


class PeerStream:
    def __init__(self):
        self.inbox = queue.Queue()   # WorkerMessage from the worker, then None at its end
        self.outbox = queue.Queue()  # ServerMessage to the worker, _END or (code, details)
        self.received = []           # every WorkerMessage taken by expect()

    def send(self, **fields):
        self.outbox.put(worker_pb2.ServerMessage(**fields))

    def end(self):
        self.outbox.put(_END)

    def abort(self, code, details, trailers=()):
        self.outbox.put((code, details, tuple(trailers)))

    def expect(self, kind, timeout=5.0):
        """The worker's next message of `kind` ("hello", "result", ...); others are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {kind} from the worker within {timeout}s")
            try:
                message = self.inbox.get(timeout=left)
            except queue.Empty:
                continue
            if message is None:
                raise AssertionError(f"the worker's stream ended while waiting for {kind}")
            self.received.append(message)
            if message.WhichOneof("message") == kind:
                return getattr(message, kind)


class WorkerPeer(worker_pb2_grpc.WorkerServiceServicer):
    """Serves WorkerService on 127.0.0.1:<free port>; `streams` yields a PeerStream per Connect."""

    def __init__(self):
        self.streams = queue.Queue()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        worker_pb2_grpc.add_WorkerServiceServicer_to_server(self, self._server)
        self.port = self._server.add_insecure_port("127.0.0.1:0")
        self.target = f"127.0.0.1:{self.port}"
        self._server.start()

    def stop(self):
        self._server.stop(grace=None)

    def next_stream(self, timeout=5.0):
        try:
            return self.streams.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the worker did not connect within {timeout}s") from None

    def Connect(self, request_iterator, context):
        stream = PeerStream()

        def read():
            try:
                for message in request_iterator:
                    stream.inbox.put(message)
            except grpc.RpcError:
                pass  # the call ended under the reader: same as the end of the stream
            stream.inbox.put(None)
            stream.outbox.put(_END)  # the worker half-closed: end the call, as goclaw does

        reader = futures.ThreadPoolExecutor(max_workers=1)
        reader.submit(read)
        self.streams.put(stream)
        try:
            while context.is_active():
                try:
                    item = stream.outbox.get(timeout=0.05)
                except queue.Empty:
                    continue
                if item is _END:
                    return
                if isinstance(item, tuple):
                    code, details, trailers = item
                    if trailers:
                        context.set_trailing_metadata(trailers)
                    context.abort(code, details)
                yield item
        finally:
            reader.shutdown(wait=False)
