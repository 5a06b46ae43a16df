// Internal to the router: one session's state in memory, and a change to it that is written to
// the store before it is applied (session_router.h).
//
// Thread-safety: every field of Session is read and written under the router's mutex; the
// durable part (active, next_seq, waiting) changes only through Apply, from the one item of the
// session's work that is running, so it always equals what is stored.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/core/mutex.h"
#include "goclaw/core/thread_annotations.h"
#include "goclaw/core/unique_function.h"

namespace goclaw::signal {
class SessionRouter;
}  // namespace goclaw::signal

namespace goclaw::signal::internal {

// What a debounce timer reaches the router through: null once the router shuts down, so a
// timer that fires later does nothing.
struct Lifeline {
  Mutex mu;
  SessionRouter* router GOCLAW_GUARDED_BY(mu) = nullptr;
};

struct Waiting {
  std::uint64_t seq = 0;
  boost::json::value input;
  std::int64_t enqueued_at_us = 0;
};

struct Session {
  Session(std::string k, std::size_t kind_index) : key(std::move(k)), kind(kind_index) {}

  const std::string key;
  const std::size_t kind;

  // Durable (as stored in the sessions / session_inputs tables).
  std::string active;  // the active run; empty: none
  std::uint64_t next_seq = 1;
  std::deque<Waiting> waiting;  // in seq order
  std::vector<std::uint64_t> starting;  // waiting inputs of a start not yet confirmed (SessionRecord)

  // In memory only.
  bool interrupted = false;        // the active run was sent an interrupt
  bool debouncing = false;         // a debounce timer is armed (no run is active)
  std::uint64_t debounce_gen = 0;  // which timer counts; older ones find a newer generation
  bool stalled = false;            // starting a waiting input failed for a passing reason

  // The session's work: items run one at a time, in the order they were added.
  std::deque<UniqueFunction<void(std::shared_ptr<Session>, UniqueFunction<void()>)>> ops;
  bool busy = false;     // an item runs (or waits for its backend / store step)
  bool in_op = false;    // the pumping thread is inside the item's first call
  bool op_done = false;  // the item finished while in_op
};

// What an item of work changes; written to the store first, then applied.
struct Change {
  std::optional<std::string> active;   // the new active run ("" for none); unset: unchanged
  std::vector<std::uint64_t> removed;  // waiting entries removed (by seq)
  std::vector<Waiting> added;          // appended to the waiting list (seqs from next_seq on)
  std::optional<std::vector<std::uint64_t>> starting;  // the new unconfirmed start; unset: unchanged
  bool keep_on_failure = false;        // apply even if the write fails (a run did start)
};

}  // namespace goclaw::signal::internal
