# goclaw — the two commands a new machine needs are `make run` and `make test`.
# Both install missing Debian packages first (scripts/bootstrap.sh, a fast no-op when
# everything is present), then configure and build with CMake presets (CMakePresets.json).
#
#   make run        build, then run the server (REST API and the web UI at /ui/)
#   make test       build (Release) and run every test: unit, integration, e2e
#   make test-asan  unit and integration suites under AddressSanitizer + UndefinedBehaviorSanitizer
#   make test-tsan  unit and integration suites under ThreadSanitizer
#   make fuzz       build the libFuzzer targets (clang, ASan+UBSan) and run each for FUZZ_SECONDS
#   make thread-safety  clang's -Wthread-safety over the libraries (GOCLAW_GUARDED_BY & co.)
#   make crash-test kill -9 the real server 200 times while it works; check nothing was lost
#   make bench      run the benchmarks (BENCH_ARGS=... passes flags to Google Benchmark)
#   make ui         build the web UI (web/ -> web/dist: npm ci when needed, then vite build)
#   make build | fmt | clean

JOBS ?= 2
PRESET ?= release
BUILD_DIR = build/$(PRESET)
GOCLAW = $(BUILD_DIR)/apps/goclaw/goclaw
# CI builds treat warnings as errors.
ifeq ($(CI),true)
CMAKE_FLAGS += -DGOCLAW_WERROR=ON
else
CMAKE_FLAGS += -DGOCLAW_WERROR=OFF
endif

.PHONY: all bootstrap configure ui build run test test-asan test-tsan fuzz thread-safety crash-test bench bench-scale fmt clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

configure: bootstrap
	@mkdir -p build
	@cmake --preset $(PRESET) $(CMAKE_FLAGS) > build/$(PRESET).configure.log 2>&1 \
		|| { cat build/$(PRESET).configure.log; exit 1; }

# The web UI (web/, docs/ui.md), which `goclaw server` serves from web/dist at /ui: `npm ci`
# when node_modules is missing or older than package-lock.json (a stamp in node_modules), then
# `npm run build` when a source is newer than web/dist/index.html. Nothing without web/package.json.
WEB = web
WEB_STAMP = $(WEB)/node_modules/.goclaw-npm-ci
WEB_SOURCES = $(WEB)/src $(WEB)/public $(WEB)/index.html $(WEB)/package.json $(WEB)/package-lock.json \
              $(WEB)/vite.config.ts $(wildcard $(WEB)/tsconfig*.json)

ui: bootstrap
	@if [ -f $(WEB)/package.json ]; then \
	  mkdir -p build; \
	  if [ ! -f $(WEB_STAMP) ] || [ $(WEB)/package-lock.json -nt $(WEB_STAMP) ]; then \
	    echo "ui: npm ci (web/)"; \
	    (cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error) > build/ui-npm-ci.log 2>&1 \
	      || { cat build/ui-npm-ci.log; exit 1; }; \
	    touch $(WEB_STAMP); \
	  fi; \
	  if [ ! -f $(WEB)/dist/index.html ] || [ $(WEB_STAMP) -nt $(WEB)/dist/index.html ] || \
	     [ -n "$$(find $(WEB_SOURCES) -newer $(WEB)/dist/index.html 2>/dev/null | head -n 1)" ]; then \
	    echo "ui: npm run build (web/ -> web/dist)"; \
	    (cd $(WEB) && npm run build) > build/ui-build.log 2>&1 || { cat build/ui-build.log; exit 1; }; \
	  fi; \
	fi

build: configure ui
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@echo "goclaw: REST API on http://127.0.0.1:8080, web UI on http://127.0.0.1:8080/ui/, gRPC on 127.0.0.1:9090 (Ctrl-C stops it). In another terminal:"
	@echo "  curl -s -X POST localhost:8080/api/v1/workflows -H 'Content-Type: application/yaml' --data-binary @examples/hello.yaml"
	@$(GOCLAW) server

test: build
	@ctest --test-dir $(BUILD_DIR) -L 'unit|integration|e2e' -j $(JOBS) --output-on-failure

# The sanitizers run the in-process suites (CONVENTIONS.md); e2e runs the real binary in Release.
test-asan: bootstrap
	@$(MAKE) --no-print-directory build PRESET=asan
	@ctest --test-dir build/asan -L 'unit|integration' -j $(JOBS) --output-on-failure

# libFuzzer targets (fuzz/README.md): the `fuzz` preset builds only them and the libraries they
# link; each runs FUZZ_SECONDS over a copy of its seed corpus. Fails on any crash.
FUZZ_SECONDS ?= 20
fuzz: bootstrap
	@mkdir -p build
	@cmake --preset fuzz $(CMAKE_FLAGS) > build/fuzz.configure.log 2>&1 \
		|| { cat build/fuzz.configure.log; exit 1; }
	@cmake --build build/fuzz -j $(JOBS) --target goclaw_fuzzers
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run_fuzzers.sh build/fuzz

# Clang's thread-safety analysis (core/thread_annotations.h) with the configured tree's flags
# (compile_commands.json): needs no build, fails on any -Wthread-safety diagnostic.
thread-safety: configure
	@JOBS=$(JOBS) bash scripts/thread_safety_check.sh $(BUILD_DIR)

crash-test: build
	@GOCLAW_CRASH_ITERATIONS=$${GOCLAW_CRASH_ITERATIONS:-200} $(BUILD_DIR)/tests/e2e/crash_test

test-tsan: bootstrap
	@$(MAKE) --no-print-directory build PRESET=tsan
	@TSAN_OPTIONS="suppressions=$(CURDIR)/cmake/tsan.supp" ctest --test-dir build/tsan -L 'unit|integration' -j $(JOBS) --output-on-failure

bench: build
	@$(BUILD_DIR)/src/goclaw/dag/dag_benchmark $(BENCH_ARGS)
	@$(BUILD_DIR)/src/goclaw/engine/engine_benchmark $(BENCH_ARGS)

bench-scale: build
	@bench/engine_scale.sh $(BUILD_DIR)

fmt:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	@rm -rf build
