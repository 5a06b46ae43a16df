// `builtin` tasks (config.op):
//   noop                 — succeeds with null
//   echo                 — returns its config without "op" (or the workflow input if that is
//                          all there is)
//   sleep  {duration}    — succeeds after `duration` ("200ms", or seconds), on the shared timer
//                          queue: no thread per sleeper; cancellation ends it early
//   fail   {message, times} — fails (retryable) while attempt <= times (all attempts when
//                          `times` is absent), then succeeds with {"attempts": n}
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

 private:
  const Clock& clock_;
  TimerQueue& timers_;
};

}  // namespace goclaw::exec
