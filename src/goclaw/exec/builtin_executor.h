// `builtin` tasks (config.op):
//   noop                 — succeeds with null
//   echo                 — returns its config without "op" (or the workflow input if that is
//                          all there is)
//   sleep  {duration}    — succeeds after `duration` ("200ms", or seconds), on the shared timer
//                          queue: no thread per sleeper; cancellation ends it early
//   fail   {message, times} — fails (retryable) while attempt <= times (all attempts when
//                          `times` is absent), then succeeds with {"attempts": n}
//   wait_signal {name, timeout} — waits for a signal of kind `name` and outputs its payload
//                          (human approval without code); fails after `timeout` (none: waits)
//   collect {count, timeout} — gathers `collect` signals into {"results": [...], "complete"}:
//                          complete once `count` (default 1) arrived; at `timeout`, with what
//                          arrived (fails if nothing did)
// Other modules add ops of their own (BuiltinOps: memory's memorize and recall), each with its
// config check and how it starts.
//
// Thread-safety: Start may be called from any thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "goclaw/core/clock.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/exec/executor.h"

namespace goclaw::exec {

// An op another module adds to `builtin`. `start` must not block (hand blocking work to a
// thread of the module's own) and must call `done` exactly once.
struct BuiltinOp {
  std::function<void(const boost::json::object& config, const std::string& path, Diagnostics& diag)> check;
  std::function<void(Attempt attempt, AttemptDone done)> start;
  // Called by BuiltinExecutor::Shutdown: no `done` calls once it returns. Optional.
  std::function<void()> shutdown;
};
using BuiltinOps = std::map<std::string, BuiltinOp, std::less<>>;

// `op` must be one of the ops above or of `extra`; `fail` needs `times` a whole number from 0 and `message`
// a string (what Start reads; it would silently ignore anything else). Placeholders ({{...}})
// are resolved, and so checked, when the task starts.
void CheckBuiltinConfig(const boost::json::object& config, const std::string& path, Diagnostics& diag,
                        const BuiltinOps* extra = nullptr);

class BuiltinExecutor final : public Executor {
 public:
  BuiltinExecutor(const Clock& clock, TimerQueue& timers, std::shared_ptr<const BuiltinOps> extra = nullptr)
      : clock_(clock), timers_(timers), extra_(std::move(extra)) {}
  void Start(Attempt attempt, AttemptDone done) override;
  void CheckConfig(const boost::json::object& config, const std::string& path,
                   Diagnostics& diag) const override {
    CheckBuiltinConfig(config, path, diag, extra_.get());
  }
  std::optional<std::string> AwaitedSignal(const boost::json::object& config) const override;
  void Shutdown() override;

 private:
  const Clock& clock_;
  TimerQueue& timers_;
  std::shared_ptr<const BuiltinOps> extra_;
};

}  // namespace goclaw::exec
