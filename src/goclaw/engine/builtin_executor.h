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
#include "goclaw/engine/executor.h"

namespace goclaw::engine {

class BuiltinExecutor final : public Executor {
 public:
  BuiltinExecutor(const Clock& clock, TimerQueue& timers) : clock_(clock), timers_(timers) {}
  void Start(Attempt attempt, AttemptDone done) override;

 private:
  const Clock& clock_;
  TimerQueue& timers_;
};

}  // namespace goclaw::engine
