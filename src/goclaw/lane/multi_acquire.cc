// Ordered, all-or-nothing acquisition of several lanes.
#include "goclaw/lane/multi_acquire.h"

#include <algorithm>
#include <optional>

#include "goclaw/core/mutex.h"

namespace goclaw::lane {
namespace {

class Acquisition final : public MultiAcquisition,
                          public std::enable_shared_from_this<Acquisition> {
 public:
  Acquisition(std::vector<LaneClaim> claims, const AcquireRequest& request,
              AcquireAllCallback done)
      : claims_(std::move(claims)), request_(request), done_(std::move(done)) {
    permits_.reserve(claims_.size());
  }

  // Takes the next lane, or finishes. Each step's callback calls Step again.
  void Step() GOCLAW_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    if (cancelled_ || next_ == claims_.size()) {
      Finished finished = cancelled_
                              ? Finish(MakeError(ErrorCode::kCancelled, "acquisition cancelled"))
                              : Finish(PermitSet(std::move(permits_)));
      lock.Unlock();
      finished.Run();
      return;
    }
    const std::size_t step = next_;
    const LaneClaim& claim = claims_[step];
    AcquireRequest request = request_;
    request.cost = claim.cost;
    LaneRef lane = claim.lane;
    lock.Unlock();
    Ticket ticket = lane.Acquire(request, [self = shared_from_this(), name = lane.name()](
                                              Result<Permit> permit) {
      self->OnPermit(name, std::move(permit));
    });
    lock.Lock();
    // Keep the ticket only while this step is still the one waiting (its callback may already
    // have run on another thread and moved on).
    if (!ticket.empty() && !finished_ && next_ == step) ticket_ = std::move(ticket);
    if (cancelled_ && next_ == step && !finished_) {
      Ticket pending = std::move(ticket_);
      lock.Unlock();
      pending.Cancel();
    }
  }

  void Cancel() GOCLAW_EXCLUDES(mu_) override {
    Ticket ticket;
    {
      MutexLock lock(mu_);
      if (finished_) return;
      cancelled_ = true;
      ticket = std::move(ticket_);
    }
    // The waiting step fails with kCancelled and finishes; if no step is waiting, the next
    // step sees `cancelled_`.
    ticket.Cancel();
  }

 private:
  // What finishing leaves to do once the lock is released: give back what was taken (after an
  // error), then run the callback. Empty when the acquisition had finished already.
  struct Finished {
    std::vector<Permit> taken;
    AcquireAllCallback done;
    std::optional<Result<PermitSet>> result;
    void Run() {
      taken.clear();  // release (after an error) before the callback
      if (done) done(std::move(*result));
    }
  };

  void OnPermit(const std::string& lane, Result<Permit> permit) GOCLAW_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    ticket_ = Ticket();
    if (!permit) {
      Error error = permit.error();
      Finished finished = Finish(MakeError(error.WithContext("lane \"" + lane + "\"")));
      lock.Unlock();
      finished.Run();
      return;
    }
    permits_.push_back(std::move(*permit));
    ++next_;
    lock.Unlock();
    Step();
  }

  // Marks the acquisition finished (once); the caller unlocks, then runs the result.
  Finished Finish(Result<PermitSet> result) GOCLAW_REQUIRES(mu_) {
    if (finished_) return {};
    finished_ = true;
    return Finished{std::move(permits_), std::move(done_), std::move(result)};
  }

  Mutex mu_;
  const std::vector<LaneClaim> claims_;
  const AcquireRequest request_;
  AcquireAllCallback done_ GOCLAW_GUARDED_BY(mu_);
  std::vector<Permit> permits_ GOCLAW_GUARDED_BY(mu_);
  std::size_t next_ GOCLAW_GUARDED_BY(mu_) = 0;
  Ticket ticket_ GOCLAW_GUARDED_BY(mu_);
  bool cancelled_ GOCLAW_GUARDED_BY(mu_) = false;
  bool finished_ GOCLAW_GUARDED_BY(mu_) = false;
};

}  // namespace

std::shared_ptr<MultiAcquisition> AcquireAll(std::vector<LaneClaim> claims,
                                             const AcquireRequest& request,
                                             AcquireAllCallback done) {
  std::sort(claims.begin(), claims.end(), [](const LaneClaim& a, const LaneClaim& b) {
    if (a.lane.group->order() != b.lane.group->order()) {
      return a.lane.group->order() < b.lane.group->order();
    }
    return a.lane.key < b.lane.key;
  });
  // Merge claims on the same queue: one slot, costs added.
  std::vector<LaneClaim> merged;
  for (LaneClaim& c : claims) {
    if (!merged.empty() && merged.back().lane.group == c.lane.group &&
        merged.back().lane.key == c.lane.key) {
      merged.back().cost += c.cost;
    } else {
      merged.push_back(std::move(c));
    }
  }
  auto acquisition = std::make_shared<Acquisition>(std::move(merged), request, std::move(done));
  acquisition->Step();
  return acquisition;
}

}  // namespace goclaw::lane
