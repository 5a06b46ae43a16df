// For the store's integration tests only (store_test.cc, store_format_test.cc): a temp dir per
// test, the batch a submit writes, the registered tables the tests use, and the names both
// suites know them by in goclaw::store (Counts, TempDir, Submitted, TestTables).
//
// Thread-safety: plain functions and values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "goclaw/core/test_temp_dir.h"
#include "goclaw/store/store.h"

namespace goclaw::testing {

// A temp dir per test: goclaw-store-XXXXXX.
struct StoreTempDir : ScratchDir {
  StoreTempDir() : ScratchDir("goclaw-store") {}
};

// A submitted workflow (state 2) with its spec, `tasks` pending tasks and three events.
inline store::StoreBatch Submitted(const std::string& id, int tasks) {
  store::StoreBatch b;
  b.workflows.push_back({id, "w", 2, 100, 200, 0, "", static_cast<std::uint32_t>(tasks)});
  b.specs.push_back({id, R"({"tasks":[]})", "{}"});
  for (int i = 0; i < tasks; ++i)
    b.tasks.push_back({id, static_cast<std::uint32_t>(i), 0, 0, 0, 0, "", "", 0});
  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    b.events.push_back({id, seq, store::EventRecord::kWorkflow, 0, 1, 0, 100, ""});
  }
  return b;
}

inline std::vector<store::TableSpec> TestTables() {
  return {{.name = "notes"}, {.name = "sagas.runs", .column_family = "sagas"}};
}

using StateCounts = std::map<std::uint8_t, std::uint64_t>;

}  // namespace goclaw::testing

// The same, under the names both suites use in goclaw::store, where their tests live.
namespace goclaw::store {
using Counts = testing::StateCounts;
using TempDir = testing::StoreTempDir;
using testing::Submitted;
using testing::TestTables;
}  // namespace goclaw::store
