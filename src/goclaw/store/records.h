// What the store keeps (docs/design/storage.md): a record per workflow (its current state),
// its spec and input (written once, at submit), a record per task (current state and result;
// none while the task is pending with no attempt), and the append-only event history. Plain
// values; states are the engine's enums as numbers (the store does not interpret them), times
// are microseconds since the Unix epoch (0 = not set). Beside them, a batch carries mutations
// of the tables other modules registered (store.h, TableSpec): opaque keys and values.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace goclaw::store {

struct WorkflowRecord {
  std::string id;  // "wf-<uuidv7>": sorts by creation time
  std::string name;
  std::uint8_t state = 0;
  std::int64_t created_at_us = 0;
  std::int64_t started_at_us = 0;
  std::int64_t finished_at_us = 0;
  std::string error;
  std::uint32_t task_count = 0;

  friend bool operator==(const WorkflowRecord&, const WorkflowRecord&) = default;
};

// Written once per workflow, with its first record: what recovery compiles again.
struct SpecRecord {
  std::string workflow_id;
  std::string spec_json;   // the normalized workflow spec (dag::SpecToJson)
  std::string input_json;  // the merged input object

  friend bool operator==(const SpecRecord&, const SpecRecord&) = default;
};

struct TaskRecord {
  std::string workflow_id;
  std::uint32_t index = 0;  // the task's index in the compiled plan
  std::uint8_t state = 0;
  std::int32_t attempts = 0;
  std::int64_t started_at_us = 0;
  std::int64_t finished_at_us = 0;
  std::string error;
  std::string output_json;  // empty until completed
  std::int32_t interrupted = 0;  // attempts cut short by an engine stop (not the task's failures)

  friend bool operator==(const TaskRecord&, const TaskRecord&) = default;
};

struct EventRecord {
  static constexpr std::uint32_t kWorkflow = ~std::uint32_t{0};
  std::string workflow_id;
  std::uint64_t seq = 0;  // from 1 per workflow
  std::uint32_t task = kWorkflow;  // plan index, or kWorkflow for the workflow's own events
  std::uint8_t from = 0;
  std::uint8_t to = 0;
  std::int32_t attempt = 0;
  std::int64_t time_us = 0;
  std::string error;
  // 0 for state changes (workflow or task, by `task`); otherwise the engine's EventKind, with
  // its JSON payload (signals, sagas, ...). Written after the fields above, so state-change
  // records keep their format-2 bytes.
  std::uint8_t kind = 0;
  std::string payload_json;

  friend bool operator==(const EventRecord&, const EventRecord&) = default;
};

// A change to a registered table (TableSpec in store.h). Keys and values are bytes the module
// encodes; keys sort as bytes.
struct TableMutation {
  enum class Op : std::uint8_t {
    kPut,          // insert or replace `key`
    kErase,        // remove `key` (nothing if absent)
    kErasePrefix,  // remove every key that starts with `key` (empty: the whole table)
  };
  Op op = Op::kPut;
  std::string table;  // TableSpec::name
  std::string key;
  std::string value;  // kPut only

  static TableMutation Put(std::string table, std::string key, std::string value) {
    return {Op::kPut, std::move(table), std::move(key), std::move(value)};
  }
  static TableMutation Erase(std::string table, std::string key) {
    return {Op::kErase, std::move(table), std::move(key), {}};
  }
  static TableMutation ErasePrefix(std::string table, std::string prefix) {
    return {Op::kErasePrefix, std::move(table), std::move(prefix), {}};
  }
  friend bool operator==(const TableMutation&, const TableMutation&) = default;
};

// Changes applied together: all of them or none (one RocksDB write batch). Within a batch,
// `erased` goes first, then the records, then `mutations` in their order; batches of one group
// apply in the order they were committed.
struct StoreBatch {
  std::vector<WorkflowRecord> workflows;  // put (insert or replace)
  std::vector<SpecRecord> specs;          // put
  std::vector<TaskRecord> tasks;          // put
  std::vector<EventRecord> events;        // append
  std::vector<std::string> erased;        // workflows removed with their spec, tasks and events
  std::vector<TableMutation> mutations;   // registered tables' changes, in order

  bool empty() const {
    return workflows.empty() && specs.empty() && tasks.empty() && events.empty() && erased.empty() &&
           mutations.empty();
  }
  std::size_t size() const {
    return workflows.size() + specs.size() + tasks.size() + events.size() + erased.size() + mutations.size();
  }
};

}  // namespace goclaw::store
