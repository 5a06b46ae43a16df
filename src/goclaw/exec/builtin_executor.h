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
//
// Thread-safety: Start may be called from any thread.
#pragma once

#include "goclaw/core/clock.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/exec/executor.h"

namespace goclaw::exec {

// `op` must be one of the ops above; `fail` needs `times` a whole number from 0 and `message`
// a string (what Start reads; it would silently ignore anything else). Placeholders ({{...}})
// are resolved, and so checked, when the task starts.
void CheckBuiltinConfig(const boost::json::object& config, const std::string& path, Diagnostics& diag);

class BuiltinExecutor final : public Executor {
 public:
  BuiltinExecutor(const Clock& clock, TimerQueue& timers) : clock_(clock), timers_(timers) {}
  void Start(Attempt attempt, AttemptDone done) override;
  void CheckConfig(const boost::json::object& config, const std::string& path,
                   Diagnostics& diag) const override {
    CheckBuiltinConfig(config, path, diag);
  }
  std::optional<std::string> AwaitedSignal(const boost::json::object& config) const override;

 private:
  const Clock& clock_;
  TimerQueue& timers_;
};

}  // namespace goclaw::exec
