# Target helpers, one per kind of target (Abseil style). Every goclaw target is declared through
# these so that warnings, sanitizers, include roots and test labels are applied uniformly.
#
#   goclaw_cc_library(NAME name HDRS ... SRCS ... DEPS ... [PRIVATE_DEPS ...])  -> goclaw::name
#     (PRIVATE_DEPS: libraries only its sources use, such as a foreign library behind an adapter)
#   goclaw_cc_test(NAME name SRCS ... DEPS ... [LABEL unit|integration|e2e] [TIMEOUT s])
#     (tests get GOCLAW_SOURCE_DIR in their environment)
#   goclaw_cc_benchmark(NAME name SRCS ... DEPS ...)

# Warnings live on an interface target so that every goclaw target gets the same set and
# third-party headers (included as SYSTEM) stay quiet.
add_library(goclaw_warnings INTERFACE)
target_compile_options(goclaw_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports false -Wrestrict positives inside std::string concatenation (GCC PR 105329).
  # Clang (the fuzz preset) does not know the flag.
  target_compile_options(goclaw_warnings INTERFACE -Wno-restrict)
endif()
if(GOCLAW_WERROR)
  target_compile_options(goclaw_warnings INTERFACE -Werror)
endif()

# Sanitizers apply to every target (libraries, tests and the binary) when requested.
add_library(goclaw_sanitizers INTERFACE)
# -Wnull-dereference is left out: GCC 12 reports it inside Asio and libstdc++ code inlined
# from third-party headers (false positives that -Werror would turn into failures).
if(GOCLAW_SANITIZE MATCHES "thread")
  # GCC warns that TSan cannot model the atomic_thread_fence in Asio's fenced blocks; Asio
  # then relies on its scheduler's mutex, which TSan does see, for the same ordering.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(goclaw_warnings INTERFACE -Wno-tsan)
  endif()
  target_compile_definitions(goclaw_sanitizers INTERFACE BOOST_ASIO_DISABLE_FENCED_BLOCK)
  # The suppressions (cmake/tsan.supp) are given by `make test-tsan` in TSAN_OPTIONS: ctest's
  # per-test ENVIRONMENT, passed through gtest_discover_tests, keeps only one entry.
endif()
if(GOCLAW_SANITIZE)
  target_compile_options(goclaw_sanitizers INTERFACE
    -fsanitize=${GOCLAW_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(goclaw_sanitizers INTERFACE -fsanitize=${GOCLAW_SANITIZE})
endif()
# Fuzz builds (clang only, fuzz/CMakeLists.txt): every goclaw library gets libFuzzer's coverage
# instrumentation so that the fuzzers see the code they reach; only the fuzzers link libFuzzer.
if(GOCLAW_BUILD_FUZZ)
  target_compile_options(goclaw_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()

function(goclaw_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "HDRS;SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target goclaw_${ARG_NAME})
  add_library(${target} STATIC ${ARG_SRCS} ${ARG_HDRS})
  add_library(goclaw::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/src)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS} goclaw_sanitizers PRIVATE ${ARG_PRIVATE_DEPS} goclaw_warnings)
endfunction()

function(goclaw_cc_test)
  cmake_parse_arguments(ARG "" "NAME;LABEL;TIMEOUT" "SRCS;DEPS" ${ARGN})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 60)
  endif()
  set(target ${ARG_NAME})
  add_executable(${target} ${ARG_SRCS})
  target_link_libraries(${target} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main
                                          goclaw_warnings goclaw_sanitizers)
  gtest_discover_tests(${target}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT}
               ENVIRONMENT "GOCLAW_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

function(goclaw_cc_benchmark)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} benchmark::benchmark
                                              goclaw_warnings goclaw_sanitizers)
endfunction()
