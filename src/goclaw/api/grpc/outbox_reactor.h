// Internal to the gRPC API: the write side of a server stream (a ServerWriteReactor or a
// ServerBidiReactor) as a queue that any thread may push to. gRPC allows one write in flight;
// the outbox writes its messages one after the other as each write completes, and finishes the
// stream once what was queued before End is written. A client that reads too slowly (more than
// `max_queued_bytes` of live messages waiting) gets RESOURCE_EXHAUSTED instead of growing the
// queue. A stream's catch-up (the stored history it replays when it opens, already in memory)
// is queued whatever its size and does not count against the budget.
//
// Ownership: the stream owns itself (Own) until gRPC calls OnDone; listeners and pool tasks
// hold shared_ptrs, so nothing they call is freed under them, and after OnDone their Sends
// are dropped. Registered streams (Register) count toward grpc.max_streams and are ended with
// UNAVAILABLE when the server shuts down.
//
// Thread-safety: Send and End from any thread. Subclasses implement Stopped() (called once,
// from OnDone, without locks) to unregister what they listen to. A subclass lock is always
// taken before the outbox's (the outbox never calls the subclass while holding its own).
#pragma once

#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "goclaw/api/grpc/stream_registry.h"

namespace goclaw::api::grpc {

template <typename Base, typename Resp>
class OutboxReactor : public Base {
 public:
  explicit OutboxReactor(std::size_t max_queued_bytes = std::size_t{32} << 20) : max_queued_bytes_(max_queued_bytes) {}

  // Queues a message; false once the stream is ending (the message is dropped). `catch_up`:
  // part of the replay of what is stored, exempt from the budget.
  bool Send(Resp message, bool catch_up = false) {
    std::lock_guard lock(outbox_mu_);
    if (ending_ || finished_) return false;
    const std::size_t size = message.ByteSizeLong();
    if (!catch_up && live_bytes_ + size > max_queued_bytes_) {
      queue_.clear();
      live_bytes_ = 0;
      ending_ = ::grpc::Status(::grpc::StatusCode::RESOURCE_EXHAUSTED,
                               "the client reads too slowly: " + std::to_string(max_queued_bytes_ >> 20) +
                                   " MiB were waiting; reconnect (with resume_from_sequence to resume)");
      if (!writing_) FinishLocked();
      return false;
    }
    if (!catch_up) live_bytes_ += size;
    queue_.push_back({std::move(message), catch_up ? 0 : size});
    if (!writing_) WriteNextLocked();
    return true;
  }

  // Ends the stream with `status` once what is queued is written. The first End wins.
  void End(::grpc::Status status) {
    std::lock_guard lock(outbox_mu_);
    if (ending_ || finished_) return;
    ending_ = std::move(status);
    if (!writing_ && queue_.empty()) FinishLocked();
  }

  bool ending() {
    std::lock_guard lock(outbox_mu_);
    return ending_.has_value() || finished_;
  }

 protected:
  // Keeps the stream alive until OnDone.
  void Own(std::shared_ptr<OutboxReactor> self) {
    weak_self_ = self;
    self_ = std::move(self);
  }

  // Counts the stream (or wait) in the registry; false (and the stream ended with
  // RESOURCE_EXHAUSTED or UNAVAILABLE) when refused.
  bool Register(StreamRegistry& registry, bool counted) {
    std::weak_ptr<OutboxReactor> weak = weak_self_;
    StreamRegistry::Refusal why = StreamRegistry::Refusal::kNone;
    const std::uint64_t handle = registry.Open(
        [weak] {
          if (auto self = weak.lock()) {
            self->End(::grpc::Status(::grpc::StatusCode::UNAVAILABLE,
                                     "the server is shutting down; reconnect (with resume_from_sequence to resume)"));
          }
        },
        counted, &why);
    if (handle == 0) {
      End(why == StreamRegistry::Refusal::kFull
              ? ::grpc::Status(::grpc::StatusCode::RESOURCE_EXHAUSTED,
                               "too many open streams (grpc.max_streams); try again later")
              : ::grpc::Status(::grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
      return false;
    }
    std::lock_guard lock(outbox_mu_);
    registry_ = &registry;
    handle_ = handle;
    return true;
  }

  // Once, from OnDone: stop listening to whatever feeds the stream.
  virtual void Stopped() {}

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(outbox_mu_);
    writing_ = false;
    if (!ok) {  // the stream broke (the client went away)
      queue_.clear();
      live_bytes_ = 0;
      if (!ending_) ending_ = ::grpc::Status(::grpc::StatusCode::CANCELLED, "the stream broke");
    }
    if (!queue_.empty()) {
      WriteNextLocked();
    } else if (ending_ && !finished_) {
      FinishLocked();
    }
  }

  void OnCancel() override {
    std::lock_guard lock(outbox_mu_);
    queue_.clear();
    live_bytes_ = 0;
    if (!ending_) ending_ = ::grpc::Status(::grpc::StatusCode::CANCELLED, "cancelled");
    if (!writing_ && !finished_) FinishLocked();
  }

  void OnDone() override {
    Stopped();
    StreamRegistry* registry = nullptr;
    std::uint64_t handle = 0;
    {
      std::lock_guard lock(outbox_mu_);
      std::swap(registry, registry_);
      std::swap(handle, handle_);
    }
    if (registry != nullptr) registry->Release(handle);
    std::shared_ptr<OutboxReactor> keep = std::move(self_);  // may free this on return
  }

 private:
  void WriteNextLocked() {
    current_ = std::move(queue_.front().message);
    live_bytes_ -= queue_.front().counted_bytes;
    queue_.pop_front();
    writing_ = true;
    this->StartWrite(&current_);
  }
  void FinishLocked() {
    finished_ = true;
    this->Finish(*ending_);
  }

  struct Queued {
    Resp message;
    std::size_t counted_bytes = 0;  // against the budget (0 for catch-up)
  };
  const std::size_t max_queued_bytes_;
  std::mutex outbox_mu_;
  std::deque<Queued> queue_;
  std::size_t live_bytes_ = 0;  // queued live messages' bytes
  Resp current_;  // the message being written (gRPC reads it until OnWriteDone)
  bool writing_ = false;
  std::optional<::grpc::Status> ending_;
  bool finished_ = false;
  StreamRegistry* registry_ = nullptr;
  std::uint64_t handle_ = 0;
  std::shared_ptr<OutboxReactor> self_;
  std::weak_ptr<OutboxReactor> weak_self_;
};

}  // namespace goclaw::api::grpc
