// The lanes of one engine, built from config: single lanes by name and templates of keyed
// lanes ("session:*"). Resolve("session:user-42") finds the template by the longest prefix and
// names its key. The set of lanes is fixed at creation, so lookups take no lock; each lane's
// own settings can still change at runtime (LaneGroup::Set*).
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "goclaw/config/config.h"
#include "goclaw/core/clock.h"
#include "goclaw/core/status.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/lane/lane.h"

namespace goclaw::lane {

// One queue to acquire from: a single lane, or a key of a template.
struct LaneRef {
  std::shared_ptr<LaneGroup> group;
  std::string key;

  std::string name() const { return group->DisplayName(key); }
  Ticket Acquire(const AcquireRequest& request, AcquireCallback done) const {
    return group->Acquire(key, request, std::move(done));
  }
  std::optional<Permit> TryAcquire(const AcquireRequest& request) const {
    return group->TryAcquire(key, request);
  }
};

class LaneRegistry {
 public:
  // `lanes` as validated by the config schema (unique names, known redirect targets, no
  // loops); checked again here so a registry never holds an inconsistent set. The clock and
  // timers must outlive the registry and every permit.
  static Result<std::unique_ptr<LaneRegistry>> Create(const std::vector<config::LaneConfig>& lanes,
                                                      const Clock& clock, TimerQueue& timers);

  // "web" -> the lane; "session:abc" -> key "abc" of "session:*". kNotFound otherwise, with
  // the nearest lane name as a suggestion.
  Result<LaneRef> Resolve(std::string_view name) const;
  // A lane or template by its configured name ("web", "session:*"), or nullptr.
  std::shared_ptr<LaneGroup> Find(std::string_view name) const;

  // Statistics of every lane and template, by name.
  std::vector<LaneStats> Snapshot() const;
  void CloseAll(CloseMode mode);

 private:
  LaneRegistry() = default;
  std::map<std::string, std::shared_ptr<LaneGroup>, std::less<>> lanes_;
  // Template prefixes ("session:"), longest first.
  std::vector<std::pair<std::string, std::shared_ptr<LaneGroup>>> templates_;
};

}  // namespace goclaw::lane
