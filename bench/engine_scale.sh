#!/usr/bin/env bash
# Runs each engine scale benchmark in its own process (peak RSS is per process), each next to
# its baseline. Usage: bench/engine_scale.sh [build dir, default build/release]
set -euo pipefail
build="${1:-build/release}"
bin="$build/src/goclaw/engine/engine_scale_benchmark"
for b in BM_SleepingTasks BM_BaselineSleepingTimers BM_PendingTasks BM_BaselinePendingDeque \
         BM_HttpTasks BM_BaselineBareHttp; do
  "$bin" --benchmark_filter="^$b/" --benchmark_counters_tabular=true | grep -E "^(Benchmark|BM_)"
done
