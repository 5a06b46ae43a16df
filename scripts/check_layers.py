#!/usr/bin/env python3
"""Checks the module rules of DESIGN.md §3 over src/goclaw (run by ctest as layering_test).

1. Direction: a module includes only modules listed before it (service/ and api/ may use every
   capability module; server/ wires everything). Test code (files named *_test.cc, test_*.h,
   *test_fixture*.h, *_benchmark*.cc) is exempt: a test may build a whole server.
2. Foreign types stay in their adapter: RocksDB only in store/rocksdb_*, gRPC and the generated
   protos only in api/grpc/, worker/*grpc*, server/grpc_endpoint*.
3. The public headers of the core modules name no foreign library (RocksDB, gRPC, yaml-cpp,
   Beast).

Usage: check_layers.py [SRC_ROOT]   (default: src/goclaw next to this script's parent)
Prints each violation as file:line: what, and exits 1 if there is any.
"""
import pathlib
import re
import sys

# DESIGN.md §3, top to bottom. A module may include the modules before it.
ORDER = [
    "core", "config", "log", "metrics", "net", "dag", "lane", "store", "exec", "engine",
    "worker", "signal", "saga", "memory", "cluster", "service", "api", "client", "server",
]
# Exceptions DESIGN.md allows explicitly, as (module, included module) pairs: none today.
ALLOWED: set[tuple[str, str]] = set()
FOREIGN_OWNERS = {
    "rocksdb/": ("store/rocksdb_",),
    "grpcpp/": ("api/grpc/", "worker/worker_grpc", "server/grpc_endpoint"),
    "grpc/": ("api/grpc/", "worker/worker_grpc", "server/grpc_endpoint"),
    "goclaw/v1/": ("api/grpc/", "worker/worker_grpc", "server/grpc_endpoint"),
}
CORE_MODULES = {"core", "dag", "lane", "store", "exec", "engine", "signal", "saga", "memory"}
FOREIGN_IN_HEADERS = ("rocksdb/", "grpcpp/", "grpc/", "yaml-cpp/", "boost/beast")

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def is_test_code(path: pathlib.Path) -> bool:
    name = path.name
    return (name.endswith("_test.cc") or name.startswith("test_") or "test_fixture" in name
            or "benchmark" in name or name.endswith("_fuzzer.cc"))


def check(root: pathlib.Path) -> list[str]:
    problems = []
    rank = {m: i for i, m in enumerate(ORDER)}
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".h", ".cc") or is_test_code(path):
            continue
        rel = path.relative_to(root).as_posix()
        module = rel.split("/", 1)[0]
        if module not in rank:
            problems.append(f"{rel}: module '{module}' is not in DESIGN.md §3's list "
                            f"(scripts/check_layers.py ORDER)")
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = match.group(1)
            where = f"{rel}:{number}"
            if target.startswith("goclaw/") and not target.startswith("goclaw/v1/"):
                other = target.split("/")[1]
                if other in rank and other != module and rank[other] > rank[module] \
                        and (module, other) not in ALLOWED:
                    problems.append(f"{where}: {module}/ includes {target}, but {other}/ comes "
                                    f"after {module}/ in DESIGN.md §3 (a module uses only the "
                                    f"ones above it)")
            for prefix, owners in FOREIGN_OWNERS.items():
                if target.startswith(prefix) and not rel.startswith(owners):
                    problems.append(f"{where}: includes {target}; {prefix} belongs only in "
                                    f"{', '.join(owners)}")
            if path.suffix == ".h" and module in CORE_MODULES and \
                    target.startswith(FOREIGN_IN_HEADERS) and not rel.startswith(
                        tuple(o for owners in FOREIGN_OWNERS.values() for o in owners)):
                problems.append(f"{where}: a public header of {module}/ names a foreign "
                                f"library ({target}); keep it in the .cc")
    return problems


def main() -> int:
    default = pathlib.Path(__file__).resolve().parent.parent / "src" / "goclaw"
    root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else default
    if not root.is_dir():
        print(f"check_layers: {root} is not a directory", file=sys.stderr)
        return 2
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"check_layers: {len(problems)} violation(s) of the module rules", file=sys.stderr)
        return 1
    print(f"check_layers: {root}: the module rules hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
