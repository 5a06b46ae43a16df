// JSON renderings of engine results, shared by the CLI (`goclaw run --json`) and the API.
// Timestamps are RFC 3339 UTC with milliseconds; durations are seconds.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "goclaw/engine/engine.h"

namespace goclaw::engine {

std::string FormatTime(Clock::WallTime t);  // "2026-11-25T08:30:00.123Z"
boost::json::object TaskStatusToJson(const TaskStatus& t);
boost::json::object WorkflowStatusToJson(const WorkflowStatus& w);
boost::json::object EventToJson(const Event& e);

}  // namespace goclaw::engine
