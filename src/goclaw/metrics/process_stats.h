// What the operating system says about this process (Linux /proc): memory, CPU time, threads,
// open file descriptors, start time. For the goclaw_process_* metrics.
//
// Thread-safety: ReadProcessStats may be called from any thread.
#pragma once

#include <cstdint>

#include "goclaw/core/status.h"

namespace goclaw::metrics {

struct ProcessStats {
  std::uint64_t resident_bytes = 0;
  std::uint64_t virtual_bytes = 0;
  double cpu_seconds = 0;  // user + system
  std::int64_t threads = 0;
  std::int64_t open_fds = 0;
  double start_time_seconds = 0;  // Unix time
};

// kUnavailable when /proc cannot be read (not Linux, or /proc not mounted).
Result<ProcessStats> ReadProcessStats();

}  // namespace goclaw::metrics
