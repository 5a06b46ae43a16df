// Task logs kept by the engine (exec/attempt_channel.h reports, engine.h TaskLogs): bounded
// per attempt in memory, written to the store's `task_logs` table with the task's record so
// that they outlive the run in memory and a restart.
//
// Thread-safety: plain functions over a run's data; its shard calls them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "goclaw/core/status.h"
#include "goclaw/engine/workflow_run.h"
#include "goclaw/store/store.h"

namespace goclaw::engine::internal {

// The store table (registered by the engine's owner before the store opens: LogTable()).
inline constexpr std::string_view kTaskLogTable = "task_logs";
store::TableSpec LogTable();

// Key: <workflow id> 0x00 <4-byte big-endian task index>; value: the task's lines as JSON.
std::string LogKey(const std::string& workflow_id, std::uint32_t task);
std::string EncodeLog(const TaskLog& log);
Result<TaskLog> DecodeLog(std::string_view value);

// A task's log as stored, or empty when it has none.
Result<TaskLogs> LoadLogs(store::Store& store, const std::string& workflow_id, std::uint32_t task);

}  // namespace goclaw::engine::internal
