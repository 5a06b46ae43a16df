// A Permit is the right to run one item in one lane. It is move-only; destroying it (or calling
// Release) frees the slot exactly once and may admit the next waiting item. A PermitSet holds
// the permits of several lanes acquired together (multi_acquire.h) and releases them all.
//
// A Permit points at its lane without owning it: the lane (normally owned by the registry for
// the engine's lifetime) must outlive its permits, which LaneGroup's destructor checks. Not
// sharing ownership keeps a contended reference count off the admit/release path.
//
// Thread-safety: a Permit may be released from any thread; one Permit is not to be used from
// two threads at once.
#pragma once

#include <utility>
#include <vector>

namespace goclaw::lane {

class LaneGroup;
namespace internal {
struct LaneQueue;
}

class Permit {
 public:
  Permit() = default;
  Permit(Permit&& other) noexcept
      : group_(other.group_), queue_(std::exchange(other.queue_, nullptr)) {}
  Permit& operator=(Permit&& other) noexcept {
    if (this != &other) {
      Release();
      group_ = other.group_;
      queue_ = std::exchange(other.queue_, nullptr);
    }
    return *this;
  }
  Permit(const Permit&) = delete;
  Permit& operator=(const Permit&) = delete;
  ~Permit() { Release(); }

  bool valid() const { return queue_ != nullptr; }
  // Frees the slot; does nothing if already released or moved from.
  void Release();

 private:
  friend class LaneGroup;
  Permit(LaneGroup* group, internal::LaneQueue* queue) : group_(group), queue_(queue) {}

  LaneGroup* group_ = nullptr;
  internal::LaneQueue* queue_ = nullptr;
};

class PermitSet {
 public:
  PermitSet() = default;
  explicit PermitSet(std::vector<Permit> permits) : permits_(std::move(permits)) {}
  std::size_t size() const { return permits_.size(); }
  // Releases in reverse order of acquisition.
  void Release() {
    while (!permits_.empty()) permits_.pop_back();
  }
  ~PermitSet() { Release(); }
  PermitSet(PermitSet&&) noexcept = default;
  PermitSet& operator=(PermitSet&& other) noexcept {
    if (this != &other) {
      Release();
      permits_ = std::move(other.permits_);
    }
    return *this;
  }

 private:
  std::vector<Permit> permits_;
};

}  // namespace goclaw::lane
