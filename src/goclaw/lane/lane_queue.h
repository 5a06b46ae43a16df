// Internal: the state of one queue of a LaneGroup (the only queue of a single lane, or one
// key of a template). Kept small because a template may have a million live keys: items that
// wait live in a WaitState allocated only while something waits.
//
// Thread-safety: guarded by the owning LaneGroup's mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "goclaw/core/clock.h"
#include "goclaw/lane/lane.h"

namespace goclaw::lane::internal {

struct Waiter {
  std::uint64_t seq = 0;  // 0 = free slot
  std::int64_t priority = 0;
  double cost = 1;
  std::optional<Clock::SteadyTime> deadline;
  Clock::SteadyTime enqueued;
  bool blocked = false;  // waiting for room in the queue rather than for a slot
  AcquireCallback done;
};

// Heap entry: higher priority first, then lower sequence number (FIFO).
struct QueueEntry {
  std::int64_t priority;
  std::uint64_t seq;
  std::uint32_t slot;
};

struct DeadlineEntry {
  Clock::SteadyTime when;
  std::uint64_t seq;
  std::uint32_t slot;
};

// Binary heaps with lazy deletion: entries whose slot no longer holds their seq are skipped.
struct WaitState {
  std::vector<Waiter> slots;
  std::vector<std::uint32_t> free_slots;
  std::vector<QueueEntry> waiting;  // heap
  std::vector<QueueEntry> blocked;  // heap
  std::vector<DeadlineEntry> deadlines;  // min-heap
  std::size_t waiting_live = 0;
  std::size_t blocked_live = 0;

  bool Live(const QueueEntry& e) const { return slots[e.slot].seq == e.seq; }
  std::uint32_t Allocate();
  void Free(std::uint32_t slot);
};

bool QueueBefore(const QueueEntry& a, const QueueEntry& b);  // heap comparator
void PushEntry(std::vector<QueueEntry>& heap, QueueEntry e);
void PopEntry(std::vector<QueueEntry>& heap);
void PushDeadline(std::vector<DeadlineEntry>& heap, DeadlineEntry e);
void PopDeadline(std::vector<DeadlineEntry>& heap);

struct LaneQueue {
  const std::string* key = nullptr;  // the map key of a template's queue; "" for a single lane
  std::int64_t running = 0;
  double tokens = 0;
  Clock::SteadyTime refilled{};
  std::optional<Clock::SteadyTime> wake_at;  // a timer is set for this time
  std::unique_ptr<WaitState> wait;

  bool HasWaiters() const { return wait && (wait->waiting_live + wait->blocked_live) > 0; }
};

}  // namespace goclaw::lane::internal
