// The saga service's private parts shared by its two source files (saga_service.cc: requests,
// persistence, views; saga_transitions.cc: the state machine). Not for other modules.
#pragma once

#include <deque>
#include <mutex>

#include "goclaw/engine/status_json.h"
#include "goclaw/service/saga_service.h"

namespace goclaw::service {

// The service's thread, behind a lock: engine and store callbacks hold it (shared) and post to
// it; once closed (Shutdown), what they post is dropped, never run — so a callback that
// arrives after the service stopped, or is gone, touches nothing of it.
class SagaService::Inbox {
 public:
  Inbox() : worker_(std::make_unique<SerialWorker>()) {}
  // False (and `fn` dropped) once closed.
  bool Post(UniqueFunction<void()> fn) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!worker_) return false;
    worker_->Post(std::move(fn));
    return true;
  }
  // Runs what is queued (its own posts are dropped), then joins.
  void Close() {
    std::unique_ptr<SerialWorker> worker;
    {
      std::lock_guard<std::mutex> lock(mu_);
      worker = std::move(worker_);
    }
    worker.reset();
  }

 private:
  std::mutex mu_;
  std::unique_ptr<SerialWorker> worker_;
};

struct SagaService::Live {
  saga::SagaRecord record;
  std::shared_ptr<const saga::SagaDefinition> definition;
  boost::json::object input;  // the forward workflow's merged input
  bool writing = false;       // a Persist is in flight: later operations wait
  std::deque<UniqueFunction<void(Live&)>> waiting;
  std::optional<saga::SagaState> published;  // the state last sent to the listener
};

struct SagaService::Metrics {
  std::atomic<std::uint64_t> submitted{0};
  std::atomic<std::uint64_t> completed{0};
  std::atomic<std::uint64_t> compensated{0};
  std::atomic<std::uint64_t> compensation_failed{0};
  std::atomic<std::uint64_t> pending{0};  // entered pending-compensation
  std::atomic<std::uint64_t> steps_compensated{0};
  std::atomic<std::uint64_t> steps_failed{0};
  std::atomic<std::uint64_t> retries{0};
  std::mutex mu;
  metrics::Histogram latency;  // compensation start -> compensated, seconds
};

// Wall time <-> the records' microseconds.
inline std::int64_t ToUs(Clock::WallTime t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
inline Clock::WallTime FromUs(std::int64_t us) { return Clock::WallTime(std::chrono::microseconds(us)); }
// A time for the API: RFC 3339, or null when unset (0).
inline boost::json::value TimeOrNull(std::int64_t us) {
  return us == 0 ? boost::json::value(nullptr) : boost::json::value(engine::FormatTime(FromUs(us)));
}

}  // namespace goclaw::service
