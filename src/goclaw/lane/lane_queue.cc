// Heaps and slot allocation for lane queues.
#include "goclaw/lane/lane_queue.h"

#include <algorithm>

namespace goclaw::lane::internal {

std::uint32_t WaitState::Allocate() {
  if (!free_slots.empty()) {
    std::uint32_t slot = free_slots.back();
    free_slots.pop_back();
    return slot;
  }
  slots.emplace_back();
  return static_cast<std::uint32_t>(slots.size() - 1);
}

void WaitState::Free(std::uint32_t slot) {
  slots[slot].seq = 0;
  slots[slot].done = nullptr;
  free_slots.push_back(slot);
}

// std heaps are max-heaps on "less": the top is the entry no other entry comes before.
bool QueueBefore(const QueueEntry& a, const QueueEntry& b) {
  return a.priority != b.priority ? a.priority < b.priority : a.seq > b.seq;
}

void PushEntry(std::vector<QueueEntry>& heap, QueueEntry e) {
  heap.push_back(e);
  std::push_heap(heap.begin(), heap.end(), &QueueBefore);
}

void PopEntry(std::vector<QueueEntry>& heap) {
  std::pop_heap(heap.begin(), heap.end(), &QueueBefore);
  heap.pop_back();
}

namespace {
bool DeadlineLater(const DeadlineEntry& a, const DeadlineEntry& b) {
  return a.when != b.when ? a.when > b.when : a.seq > b.seq;
}
}  // namespace

void PushDeadline(std::vector<DeadlineEntry>& heap, DeadlineEntry e) {
  heap.push_back(e);
  std::push_heap(heap.begin(), heap.end(), &DeadlineLater);
}

void PopDeadline(std::vector<DeadlineEntry>& heap) {
  std::pop_heap(heap.begin(), heap.end(), &DeadlineLater);
  heap.pop_back();
}

}  // namespace goclaw::lane::internal
