// Ordered, all-or-nothing acquisition of several lanes.
#include "goclaw/lane/multi_acquire.h"

#include <algorithm>
#include <mutex>

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
  void Step() {
    std::unique_lock lock(mu_);
    if (cancelled_) {
      Finish(lock, MakeError(ErrorCode::kCancelled, "acquisition cancelled"));
      return;
    }
    if (next_ == claims_.size()) {
      Finish(lock, PermitSet(std::move(permits_)));
      return;
    }
    const std::size_t step = next_;
    const LaneClaim& claim = claims_[step];
    AcquireRequest request = request_;
    request.cost = claim.cost;
    LaneRef lane = claim.lane;
    lock.unlock();
    Ticket ticket = lane.Acquire(request, [self = shared_from_this(), name = lane.name()](
                                              Result<Permit> permit) {
      self->OnPermit(name, std::move(permit));
    });
    lock.lock();
    // Keep the ticket only while this step is still the one waiting (its callback may already
    // have run on another thread and moved on).
    if (!ticket.empty() && !finished_ && next_ == step) ticket_ = std::move(ticket);
    if (cancelled_ && next_ == step && !finished_) {
      Ticket pending = std::move(ticket_);
      lock.unlock();
      pending.Cancel();
    }
  }

  void Cancel() override {
    Ticket ticket;
    {
      std::lock_guard lock(mu_);
      if (finished_) return;
      cancelled_ = true;
      ticket = std::move(ticket_);
    }
    // The waiting step fails with kCancelled and finishes; if no step is waiting, the next
    // step sees `cancelled_`.
    ticket.Cancel();
  }

 private:
  void OnPermit(const std::string& lane, Result<Permit> permit) {
    std::unique_lock lock(mu_);
    ticket_ = Ticket();
    if (!permit) {
      Error error = permit.error();
      Finish(lock, MakeError(error.WithContext("lane \"" + lane + "\"")));
      return;
    }
    permits_.push_back(std::move(*permit));
    ++next_;
    lock.unlock();
    Step();
  }

  // Runs the callback once, outside the lock; on error, releases what was taken first.
  void Finish(std::unique_lock<std::mutex>& lock, Result<PermitSet> result) {
    if (finished_) return;
    finished_ = true;
    std::vector<Permit> taken = std::move(permits_);
    AcquireAllCallback done = std::move(done_);
    lock.unlock();
    taken.clear();  // release (after an error) outside the lock
    done(std::move(result));
  }

  std::mutex mu_;
  std::vector<LaneClaim> claims_;
  AcquireRequest request_;
  AcquireAllCallback done_;
  std::vector<Permit> permits_;
  std::size_t next_ = 0;
  Ticket ticket_;
  bool cancelled_ = false;
  bool finished_ = false;
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
