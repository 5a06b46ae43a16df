// Internal to the worker: one WorkerService.Connect stream. The worker's run thread writes
// Hello and reads what goclaw pushes; a writer thread owned by the session sends everything
// else in order (results, progress, logs, signal acks, queued by any thread with Send) plus a
// Heartbeat every heartbeat interval once welcomed, and cancels the call when no Welcome
// arrived within the welcome timeout.
//
// Life cycle: construct -> Start(hello) (starts the call) -> Read() until false -> Finish()
// (once, on the reading thread).
// Send and Cancel may be called from any thread at any time, also after Finish (Send then
// drops the message and returns false): tasks keep their session alive and may outlive it.
//
// Thread-safety: Read/Start/Finish on one thread; Send/Cancel/Welcomed from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include "goclaw/v1/worker.grpc.pb.h"

namespace goclaw::sdk::internal {

class Session {
 public:
  using Clock = std::chrono::steady_clock;
  // At most this many messages wait for the writer; past it, progress and log messages are
  // dropped (results and acks never are).
  static constexpr std::size_t kMaxQueued = 10000;

  Session(v1::WorkerService::Stub& stub, std::chrono::milliseconds welcome_timeout);
  ~Session();  // cancels and finishes the call if Finish was not called
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Writes Hello and starts the writer thread.
  void Start(const v1::Hello& hello);
  bool Read(v1::ServerMessage* message);
  // Welcome arrived: heartbeats every `interval` from now on.
  void Welcomed(std::chrono::milliseconds interval);
  // Queues `message` for the writer; false once the session is closing.
  bool Send(v1::WorkerMessage message, bool droppable = false);
  // Ends the call (Read returns false soon).
  void Cancel();
  // After Read returned false: stops the writer and returns the call's status.
  grpc::Status Finish();

  bool welcome_timed_out() const;
  std::size_t dropped() const;

 private:
  void WriterLoop();

  v1::WorkerService::Stub& stub_;
  const std::chrono::milliseconds welcome_timeout_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::WorkerMessage, v1::ServerMessage>> stream_;
  std::thread writer_;
  bool finished_ = false;  // run thread only

  mutable std::mutex mu_;  // guards what follows
  std::condition_variable cv_;
  std::deque<v1::WorkerMessage> queue_;
  bool closing_ = false;
  bool welcomed_ = false;
  bool welcome_timed_out_ = false;
  std::chrono::milliseconds heartbeat_interval_{0};
  Clock::time_point welcome_deadline_;
  Clock::time_point next_heartbeat_;
  std::size_t dropped_ = 0;
};

}  // namespace goclaw::sdk::internal
