// Task logs: bounds, the public view, and the stored form (task_log.h).
#include "goclaw/engine/task_log.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/core/json_limits.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/text.h"
#include "goclaw/engine/run_records.h"

namespace goclaw::engine::internal {
namespace {

constexpr std::size_t kMaxLineBytes = 4096;

}  // namespace

void AppendLog(TaskLog& log, std::int32_t attempt, Clock::WallTime time, std::string stream,
               std::string text, std::size_t max_bytes) {
  if (log.attempt != attempt) {
    log.attempt = attempt;
    log.bytes = 0;
  }
  if (!log.truncated.empty() && log.truncated.back() == attempt) return;
  if (text.size() > kMaxLineBytes) text.resize(kMaxLineBytes);
  if (FindInvalidUtf8(text)) text = ToValidUtf8(text);  // (also repairs a cut character)
  if (stream.size() > 32) stream.resize(32);
  if (FindInvalidUtf8(stream)) stream = ToValidUtf8(stream);
  const std::size_t size = text.size() + stream.size();
  if (log.bytes + size > max_bytes) {
    log.truncated.push_back(attempt);
    return;
  }
  log.bytes += size;
  log.lines.push_back({attempt, time, std::move(stream), std::move(text)});
}

TaskLogs LogsOf(const TaskLog* log) {
  TaskLogs out;
  if (log == nullptr) return out;
  out.lines.reserve(log->lines.size());
  for (const LogLine& l : log->lines) out.lines.push_back({l.attempt, l.time, l.stream, l.text});
  out.truncated.assign(log->truncated.begin(), log->truncated.end());
  return out;
}

store::TableSpec LogTable() {
  store::TableSpec spec;
  spec.name = std::string(kTaskLogTable);
  spec.column_family = "task_logs";
  spec.format_version = 1;
  return spec;
}

std::string LogKey(const std::string& workflow_id, std::uint32_t task) {
  std::string key = workflow_id;
  key.push_back('\0');
  for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<char>((task >> shift) & 0xff));
  return key;
}

std::string EncodeLog(const TaskLog& log) {
  boost::json::array lines;
  lines.reserve(log.lines.size());
  for (const LogLine& l : log.lines) {
    lines.push_back(boost::json::array{l.attempt, ToMicros(l.time), l.stream, l.text});
  }
  boost::json::array truncated;
  for (std::int32_t a : log.truncated) truncated.push_back(a);
  return boost::json::serialize(boost::json::object{{"lines", std::move(lines)}, {"truncated", std::move(truncated)}});
}

Result<TaskLog> DecodeLog(std::string_view value) {
  auto corrupt = [] { return MakeError(ErrorCode::kInternal, "corrupt task log record in the store"); };
  auto parsed = ParseJsonText(value, "task log");
  if (!parsed || !parsed->is_object()) return corrupt();
  const boost::json::object& obj = parsed->get_object();
  TaskLog log;
  const auto* lines = obj.if_contains("lines");
  if (lines == nullptr || !lines->is_array()) return corrupt();
  for (const auto& v : lines->get_array()) {
    const auto* a = v.if_array();
    if (a == nullptr || a->size() != 4 || !(*a)[0].is_int64() || !(*a)[1].is_int64() || !(*a)[2].is_string() ||
        !(*a)[3].is_string()) {
      return corrupt();
    }
    log.lines.push_back({static_cast<std::int32_t>((*a)[0].get_int64()), FromMicros((*a)[1].get_int64()),
                         std::string((*a)[2].get_string()), std::string((*a)[3].get_string())});
  }
  if (const auto* t = obj.if_contains("truncated"); t != nullptr && t->is_array()) {
    for (const auto& a : t->get_array()) {
      if (a.is_int64()) log.truncated.push_back(static_cast<std::int32_t>(a.get_int64()));
    }
  }
  return log;
}

Result<TaskLogs> LoadLogs(store::Store& store, const std::string& workflow_id, std::uint32_t task) {
  GOCLAW_ASSIGN_OR_RETURN(auto value, store.Get(kTaskLogTable, LogKey(workflow_id, task)));
  if (!value) return TaskLogs{};
  GOCLAW_ASSIGN_OR_RETURN(TaskLog log, DecodeLog(*value));
  return LogsOf(&log);
}

}  // namespace goclaw::engine::internal
