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
  # the web UI's browser tests (web/e2e): headless Chromium, and a font with Chinese glyphs
  chromium fonts-wqy-microhei
)

# The web UI (web/) builds with Node.js and npm. A machine that has them (CI's image has Node 20
# from another source, whose nodejs package brings npm) keeps them; only a machine without
# them gets Debian's. Vite needs Node >= 20.19 (web/package.json "engines").
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

node_check() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "${major}" -lt 20 ]; then
    echo "bootstrap: node $(node --version 2>/dev/null) is too old for the web UI (web/ needs Node >= 20.19)" >&2
  fi
}

if [ ${#missing[@]} -eq 0 ]; then
  node_check
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
node_check
echo "bootstrap: done" >&2
