// The builtin ops that wait for signals (docs/design/signals.md): `wait_signal` (one signal of
// a kind: approval as a workflow, not a program) and `collect` (gathers `collect` signals into
// the task's output). Both read the attempt's channel (attempt_channel.h), acknowledge what they
// take, and end on their timeout or on cancel. builtin_executor.h dispatches to them.
//
// Thread-safety: Start* may be called from any thread; the state they create is locked.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "goclaw/core/clock.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/exec/executor.h"

namespace goclaw::exec {

// Calls `done` exactly once, whichever of a timer, a message or a cancel comes first.
struct OnceDone {
  std::mutex mu;
  AttemptDone done;
  void Finish(AttemptResult result) {
    AttemptDone d;
    {
      std::lock_guard lock(mu);
      d = std::move(done);
    }
    if (d) d(std::move(result));
  }
};

// wait_signal: `name` a signal kind (required), `timeout` a duration; collect: `count` a whole
// number from 1, `timeout` a duration. Placeholders ({{...}}) are checked once resolved.
void CheckSignalOpConfig(std::string_view op, const boost::json::object& config, const std::string& path,
                         Diagnostics& diag);

void StartWaitSignal(Attempt attempt, AttemptDone done, const Clock& clock, TimerQueue& timers);
void StartCollect(Attempt attempt, AttemptDone done, const Clock& clock, TimerQueue& timers);

}  // namespace goclaw::exec
