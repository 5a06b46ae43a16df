// The example worker's handler for the "research" queue (examples/workers/research-remote.yaml):
// a few steps on the config's `topic` (`steps`, `step_ms` between them), each reported with
// Progress and Log. A "steer" signal ({"parameters": {"focus": "..."}} or {"focus": "..."})
// changes the focus of the steps that follow; a cancel stops it between steps. Its output:
//   {"topic", "focus", "findings": [...], "steps_done", "steered": [...], "worker", "attempt"}
//
// Thread-safety: Research may run on many pool threads at once (it shares only `out`, whose
// writes are serialized).
#pragma once

#include <iosfwd>
#include <mutex>
#include <string>

#include "goclaw/sdk/task.h"

namespace goclaw::examples {

struct ResearchOptions {
  std::string worker_name;
  std::ostream* out = nullptr;  // what the worker prints (steps, steering, cancels)
  std::mutex* out_mu = nullptr;
};

sdk::Outcome Research(sdk::Task& task, const ResearchOptions& options);

}  // namespace goclaw::examples
