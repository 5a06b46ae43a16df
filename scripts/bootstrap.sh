#!/usr/bin/env bash
# Installs every Debian package that goclaw's build and tests need.
#
# Idempotent: when everything is already installed it only runs dpkg queries (well under a
# second). Otherwise it runs `apt-get update` once and installs just the missing packages.
# Later capabilities add their packages to PACKAGES below; nothing else installs software.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache git
  # libraries
  libboost1.81-dev libboost-json1.81-dev
  libyaml-cpp-dev libspdlog-dev libfmt-dev libexpected-dev libcli11-dev librocksdb-dev
  libicu-dev libhnswlib-dev  # memory hub: word segmentation, vector index
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc  # gRPC API, pull workers
  python3-grpcio python3-protobuf  # the Python worker SDK and its tests (/usr/bin/python3)
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 libssl-dev openssl
  prometheus  # promtool validates the /metrics output
  # fuzzing: clang-14 with libFuzzer and the sanitizer runtimes (make fuzz)
  clang-14 libclang-rt-14-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "bootstrap: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "bootstrap: done" >&2
