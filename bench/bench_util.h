// Helpers shared by the benchmarks: process memory readings, the random layered DAGs that the
// compiler and engine benchmarks both use (so their numbers are comparable), and the lane they run in.
#pragma once

#include <cstdint>
#include <memory>

#include "goclaw/config/config.h"
#include "goclaw/dag/spec.h"

namespace goclaw::bench {

// From /proc/self/status, in MiB: VmRSS now, and VmHWM (the peak).
double RssMb();
double PeakRssMb();

// `n` tasks in layers of about sqrt(n); each task depends on up to 3 distinct tasks of the
// previous three layers (about 3 on average). Ids are "task-<i>".
std::shared_ptr<dag::WorkflowSpec> RandomLayeredDag(std::size_t n, std::uint64_t seed = 42);

// A lane that admits everything at once (about a million running, four million waiting): the
// engine benchmarks measure the engine, not admission.
config::LaneConfig UnboundedLane(std::string name = "default");

}  // namespace goclaw::bench
