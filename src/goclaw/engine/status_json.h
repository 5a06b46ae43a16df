// JSON renderings of engine results, shared by the CLI (`goclaw run --json`) and the API.
// Timestamps are RFC 3339 UTC with milliseconds; durations are seconds, rounded to microseconds
// (core/json_format.h RoundedSeconds).
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "goclaw/engine/event.h"
#include "goclaw/engine/types.h"

namespace goclaw::engine {

std::string FormatTime(Clock::WallTime t);  // "2026-11-25T08:30:00.123Z"
boost::json::object TaskStatusToJson(const TaskStatus& t);
// Task results are inlined in task order while their JSON text fits `max_result_bytes`
// together; a result that does not fit is left out and referenced instead:
// "result_ref": "/api/v1/workflows/<id>/tasks/<task>/result", "result_bytes": <size>.
boost::json::object WorkflowStatusToJson(const WorkflowStatus& w,
                                         std::size_t max_result_bytes = static_cast<std::size_t>(-1));
boost::json::object EventToJson(const Event& e);

}  // namespace goclaw::engine
