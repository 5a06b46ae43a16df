// Waiting for a workflow to finish on events and a timer (finish_waiter.h).
#include "goclaw/api/grpc/finish_waiter.h"

#include <atomic>
#include <mutex>

namespace goclaw::api::grpc {
namespace {

class Waiter final : public RunFeed::Listener, public std::enable_shared_from_this<Waiter> {
 public:
  Waiter(const GrpcContext& ctx, std::string id, UniqueFunction<void()> done)
      : ctx_(ctx), id_(std::move(id)), done_(std::move(done)) {}

  void OnFinished(engine::WorkflowState) override { Fire(); }

  // The first caller wins; the rest (the timer, the feed, a shutdown) find it fired.
  void Fire() {
    if (fired_.exchange(true)) return;
    auto self = shared_from_this();
    // Not here: this may be a feed callback, which must not Remove itself or block.
    if (!ctx_.pool->Post([self] { self->Finish(); })) {
      // The pool stopped (the server is going): answer from here without touching the feed.
      {
        std::lock_guard lock(mu_);
        cleaned_ = true;
      }
      done_();
    }
  }

  void SetHandles(std::uint64_t feed, std::uint64_t registry) {
    std::unique_lock lock(mu_);
    if (!cleaned_) {
      feed_handle_ = feed;
      registry_handle_ = registry;
      return;
    }
    lock.unlock();  // it fired and cleaned up before the handles were known
    if (feed != 0) ctx_.feed->Remove(id_, feed);
    if (registry != 0) ctx_.streams->Release(registry);
  }

 private:
  void Finish() {
    std::uint64_t feed = 0, registry = 0;
    {
      std::lock_guard lock(mu_);
      cleaned_ = true;
      std::swap(feed, feed_handle_);
      std::swap(registry, registry_handle_);
    }
    if (feed != 0) ctx_.feed->Remove(id_, feed);
    if (registry != 0) ctx_.streams->Release(registry);
    done_();
  }

  const GrpcContext& ctx_;
  const std::string id_;
  UniqueFunction<void()> done_;
  std::atomic<bool> fired_{false};
  std::mutex mu_;
  bool cleaned_ = false;
  std::uint64_t feed_handle_ = 0;
  std::uint64_t registry_handle_ = 0;
};

}  // namespace

void AwaitWorkflow(const GrpcContext& ctx, const std::string& workflow_id, Millis wait, UniqueFunction<void()> done) {
  auto waiter = std::make_shared<Waiter>(ctx, workflow_id, std::move(done));
  std::weak_ptr<Waiter> weak = waiter;
  StreamRegistry::Refusal why = StreamRegistry::Refusal::kNone;
  const std::uint64_t registry = ctx.streams->Open(
      [weak] {
        if (auto w = weak.lock()) w->Fire();
      },
      /*counted=*/false, &why);
  if (registry == 0) {  // shutting down: answer with what there is
    waiter->Fire();
    return;
  }
  const std::uint64_t feed = ctx.feed->Add(workflow_id, waiter);
  waiter->SetHandles(feed, registry);
  // Weak (the feed holds the waiter until it fires): a workflow that finishes at once must not
  // keep its waiter (and the call's answer) alive until the wait would have run out.
  ctx.timers->At(std::chrono::steady_clock::now() + wait, [weak] {
    if (auto w = weak.lock()) w->Fire();
  });
  // It may have finished before the feed listened: the index knows (no trip to a shard).
  if (ctx.services.engine->Wait(workflow_id, Millis(0))) waiter->Fire();
}

}  // namespace goclaw::api::grpc
