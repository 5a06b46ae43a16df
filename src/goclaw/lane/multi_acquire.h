// Acquiring several lanes for one item — a task that needs its session lane, its provider's
// lane and the global lane — without deadlock and all-or-nothing.
//
// Lanes are acquired one after another in one global order (the lane's creation order in the
// registry, then the key), so no two acquisitions can each hold a lane the other waits for:
// the classic resource-ordering argument. If any lane refuses (full with drop, closed,
// deadline, cancelled), the permits already taken are released and the callback gets that
// error, naming the lane. Duplicate claims on the same queue are merged (costs add up).
//
// Thread-safety: may be called from any thread; the callback runs exactly once, on the thread
// that completed the last step.
#pragma once

#include <memory>
#include <vector>

#include "goclaw/lane/lane.h"
#include "goclaw/lane/registry.h"

namespace goclaw::lane {

struct LaneClaim {
  LaneRef lane;
  double cost = 1;
};

using AcquireAllCallback = UniqueFunction<void(Result<PermitSet>)>;

// An acquisition in progress. Cancel() stops it: the callback then gets kCancelled (unless it
// already completed) and nothing stays held.
class MultiAcquisition {
 public:
  virtual ~MultiAcquisition() = default;
  virtual void Cancel() = 0;
};

std::shared_ptr<MultiAcquisition> AcquireAll(std::vector<LaneClaim> claims,
                                             const AcquireRequest& request,
                                             AcquireAllCallback done);

}  // namespace goclaw::lane
