#!/usr/bin/env bash
# DAG compiler benchmarks as recorded in docs/benchmarks.md.
#
#   bench/dag_compile.sh [build-dir]
#
# 1. All benchmarks in one process (goclaw's compiler next to the textbook baseline).
# 2. Each size of BM_Compile in its own process, so that peak RSS belongs to that size alone
#    (the spec itself is most of it; the plan's own bytes are the plan_B_per_task counter).
set -euo pipefail
build=${1:-build/release}
bin="$build/src/goclaw/dag/dag_benchmark"
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }

echo "== all benchmarks, one process"
"$bin" --benchmark_counters_tabular=true --benchmark_min_time=1

echo "== peak RSS per size, one process each"
for n in 10000 100000 1000000; do
  "$bin" --benchmark_filter="BM_Compile/$n\$" --benchmark_min_time=1 2>/dev/null |
    grep BM_Compile
done
