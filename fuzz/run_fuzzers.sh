#!/usr/bin/env bash
# Runs every fuzzer of a fuzz build for FUZZ_SECONDS each (default 20), one after the other,
# over a working copy of its seed corpus. Used by `make fuzz` (fuzz/README.md).
#
#   fuzz/run_fuzzers.sh BUILD_DIR [NAME...]     e.g. fuzz/run_fuzzers.sh build/fuzz dag_loader
#
# The committed seeds (fuzz/corpus/<name>/) are read, never written: new inputs go to
# BUILD_DIR/corpus/<name>/, which is kept between runs so that later runs start further on.
# A crash, leak, timeout or out-of-memory stops that fuzzer; the input is saved as
# BUILD_DIR/artifacts/<name>/crash-… (or leak-, timeout-, oom-) and the script exits 1 after
# running the others.
set -uo pipefail
cd "$(dirname "$0")/.."

build_dir=${1:?usage: fuzz/run_fuzzers.sh BUILD_DIR [NAME...]}
shift
seconds=${FUZZ_SECONDS:-20}
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(dag_loader config_loader store_codec json_values templating request_parsing http_request)
fi

failed=()
for name in "${names[@]}"; do
  bin="$build_dir/fuzz/${name}_fuzzer"
  seeds="fuzz/corpus/$name"
  work="$build_dir/corpus/$name"
  artifacts="$build_dir/artifacts/$name"
  log="$build_dir/logs/$name.log"
  if [ ! -x "$bin" ]; then
    echo "fuzz: $bin is missing (cmake --build $build_dir --target goclaw_fuzzers)" >&2
    failed+=("$name")
    continue
  fi
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  # -rss_limit_mb: ASan and libFuzzer's own bookkeeping need a few hundred MB over a long run.
  "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$work" "$seeds" > "$log" 2>&1
  rc=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  execs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log" | tail -1)
  printf 'fuzz: %-16s %s s  %s execs  %s\n' "$name" "$seconds" "${execs:-?}" \
    "$(sed -E 's/^#[0-9]+[[:space:]]+DONE[[:space:]]+//; s/ lim:.*//' <<< "$done_line")"
  if [ $rc -ne 0 ]; then
    failed+=("$name")
    echo "fuzz: $name FAILED (exit $rc); log: $log" >&2
    grep -E 'ERROR: |runtime error|fuzz invariant failed|SUMMARY' "$log" | head -5 >&2
    grep -E 'Test unit written to' "$log" | sed 's/^.*Test unit written to /fuzz: input saved to /' >&2
    echo "fuzz: reproduce with $bin <input>" >&2
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: failures in ${failed[*]}" >&2
  exit 1
fi
