// goclaw.v1.WorkerService over gRPC's callback API: one reactor per worker stream, no thread
// per worker (100s of workers share gRPC's callback threads). A thin adapter: it converts
// goclaw.v1 messages to the hub's (worker_protocol.h) and back; the hub decides everything.
//
//   stream   first message Hello (anything else: INVALID_ARGUMENT, with a goclaw.v1.ErrorInfo
//            naming the field; nothing within workers.heartbeat_timeout: INVALID_ARGUMENT too,
//            so a connection that never says who it is does not hold a stream), checked by the hub (bad names, queues, capacity:
//            INVALID_ARGUMENT with field violations; too many workers: RESOURCE_EXHAUSTED);
//            then Welcome and assignments flow out, reports flow in, until the worker
//            half-closes or the stream breaks (the hub then loses its attempts) or the hub
//            closes it (missed heartbeats, shutdown: UNAVAILABLE).
//   writes   server messages are queued per stream and written one at a time (a reactor has
//            at most one write outstanding).
//
// Shutdown: WorkerHub::Shutdown finishes every stream (after pushing AttemptCancel
// "shutdown"), so grpc::Server::Shutdown need not wait for them: call it after the engine's
// drain, before the gRPC server's shutdown. The hub must outlive this service and the gRPC
// server running it (grpc::Server::Shutdown returns once every reactor is done).
//
// Thread-safety: gRPC calls it from its threads; open_streams from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_set>

#include <grpcpp/grpcpp.h>

#include "goclaw/v1/worker.grpc.pb.h"
#include "goclaw/worker/worker_hub.h"

namespace goclaw::worker {

class ConnectReactor;

// The streams whose reactor is not done yet (internal).
class OpenStreams {
 public:
  // Returns the stream's serial number (a reactor's address may be reused after it is done).
  std::uint64_t Add(ConnectReactor* r);
  void Remove(ConnectReactor* r);
  std::int64_t size() const;
  void EndAll();
  // Ends stream `serial` if it is still open and has not said hello (its hello deadline).
  void EndIfNoHello(ConnectReactor* r, std::uint64_t serial);

 private:
  mutable std::mutex mu_;
  std::unordered_set<ConnectReactor*> streams_;
  std::uint64_t next_serial_ = 0;
};

class WorkerGrpcService final : public v1::WorkerService::CallbackService {
 public:
  explicit WorkerGrpcService(WorkerHub& hub);
  ~WorkerGrpcService() override;
  WorkerGrpcService(const WorkerGrpcService&) = delete;
  WorkerGrpcService& operator=(const WorkerGrpcService&) = delete;

  grpc::ServerBidiReactor<v1::WorkerMessage, v1::ServerMessage>* Connect(
      grpc::CallbackServerContext* context) override;

  // Streams whose reactor is not done yet.
  std::int64_t open_streams() const;
  // Ends every open stream with UNAVAILABLE, including those that never said hello (the hub
  // does not know them): after WorkerHub::Shutdown, before the gRPC server's Shutdown, which
  // would otherwise wait for them until its deadline.
  void EndStreams();

 private:
  WorkerHub& hub_;
  std::shared_ptr<OpenStreams> open_;  // shared with the hello deadlines' timers
};

}  // namespace goclaw::worker
