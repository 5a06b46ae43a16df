// What the store keeps (docs/design/storage.md): a record per workflow (its current state),
// its spec and input (written once, at submit), a record per task (current state and result;
// none while the task is pending with no attempt), and the append-only event history. Plain values; states are the engine's enums as numbers (the store does not
// interpret them), times are microseconds since the Unix epoch (0 = not set).
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
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

  friend bool operator==(const EventRecord&, const EventRecord&) = default;
};

// Changes applied together: all of them or none (one RocksDB write batch).
struct StoreBatch {
  std::vector<WorkflowRecord> workflows;  // put (insert or replace)
  std::vector<SpecRecord> specs;          // put
  std::vector<TaskRecord> tasks;          // put
  std::vector<EventRecord> events;        // append
  std::vector<std::string> erased;        // workflows removed with their spec, tasks and events

  bool empty() const {
    return workflows.empty() && specs.empty() && tasks.empty() && events.empty() && erased.empty();
  }
  std::size_t size() const {
    return workflows.size() + specs.size() + tasks.size() + events.size() + erased.size();
  }
};

}  // namespace goclaw::store
