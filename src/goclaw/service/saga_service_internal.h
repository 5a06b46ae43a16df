// The saga service's private parts shared by its two source files (saga_service.cc: requests,
// persistence, views; saga_transitions.cc: the state machine). Not for other modules.
#pragma once

#include <deque>
#include <mutex>

#include "goclaw/service/saga_service.h"

namespace goclaw::service {

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

}  // namespace goclaw::service
