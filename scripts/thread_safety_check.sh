#!/usr/bin/env bash
# Clang's thread-safety analysis over the library sources (core/thread_annotations.h).
#
#   scripts/thread_safety_check.sh [BUILD_DIR [REGEX]]   (`make thread-safety`)
#
# BUILD_DIR defaults to build/release; REGEX (Python syntax) limits the check to the sources
# whose path it matches, e.g. 'lane/|journal' while working on those.
#
# Reads BUILD_DIR/compile_commands.json (any preset's; the GCC flags are translated), runs
# clang++-14 -fsyntax-only on every source of a goclaw library (src/goclaw/*, not tests or
# benchmarks) with -Wthread-safety as an error and every other warning off, JOBS at a time.
# Fails on the first file that does not pass. Nothing is written to the build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build/release}
FILTER=${2:-}
CLANG=${CLANG:-clang++-14}
JOBS=${JOBS:-2}
DB="$BUILD_DIR/compile_commands.json"
if [ ! -f "$DB" ]; then
  echo "thread-safety: $DB not found; configure first (cmake --preset release)" >&2
  exit 1
fi
if ! command -v "$CLANG" >/dev/null; then
  echo "thread-safety: $CLANG not found (scripts/bootstrap.sh installs clang-14)" >&2
  exit 1
fi

# One NUL-terminated shell command per library source: the include paths, definitions and
# language flags of the real build, the analysis as the only diagnostic.
python3 - "$DB" "$PWD/src/goclaw/" "$CLANG" "$FILTER" <<'PY' > "${TMPDIR:-/tmp}/goclaw_thread_safety.$$"
import json, re, shlex, sys
db, src, clang, pattern = sys.argv[1:5]
seen = set()
for entry in json.load(open(db)):
    f = entry["file"]
    args = entry.get("arguments") or shlex.split(entry["command"])
    out = args[args.index("-o") + 1] if "-o" in args else ""
    # Library objects only: CMakeFiles/goclaw_<module>.dir/ (tests and benchmarks have other names).
    if not f.startswith(src) or "/CMakeFiles/goclaw_" not in "/" + out or f in seen:
        continue
    if pattern and not re.search(pattern, f):
        continue
    seen.add(f)
    keep, skip = [], False
    # Drop the launcher and compiler (everything before the first flag), the output, warnings.
    first = next(i for i, a in enumerate(args) if a.startswith("-"))
    for a in args[first:]:
        if skip:
            skip = False
            continue
        if a in ("-o", "-c", "-MF", "-MT", "-MQ"):
            skip = a != "-c"
            continue
        if a.startswith("-W") or a.startswith("-f") and "sanitize" in a or a in ("-MD", "-MMD"):
            continue
        if a == f:
            continue
        keep.append(a)
    cmd = [clang, "-fsyntax-only", "-Wno-everything", "-Wthread-safety", "-Werror=thread-safety"]
    cmd += keep + [f]
    sys.stdout.write("cd %s && %s\0" % (shlex.quote(entry["directory"]), shlex.join(cmd)))
PY
list="${TMPDIR:-/tmp}/goclaw_thread_safety.$$"
trap 'rm -f "$list"' EXIT
count=$(tr -cd '\0' < "$list" | wc -c)
if [ "$count" -eq 0 ]; then
  echo "thread-safety: no library sources in $DB" >&2
  exit 1
fi
echo "thread-safety: $CLANG -Wthread-safety over $count library sources ($JOBS at a time)"
xargs -0 -P "$JOBS" -n 1 sh -c 'eval "$1" || exit 255' sh < "$list"
echo "thread-safety: ok"
