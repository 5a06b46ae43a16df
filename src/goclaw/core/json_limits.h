// The rules every JSON value must meet to enter goclaw — a submitted spec or input, an agent's
// output, a task's error — so that whatever goclaw accepts it can also store, serve as valid
// JSON and read back after a restart (docs/security.md, "Values goclaw accepts").
//
//   - nesting at most kMaxJsonDepth arrays/objects deep (counted as Boost.JSON counts it);
//   - numbers finite (JSON has no infinity or NaN; `1e999` parses as infinity);
//   - strings and object keys valid UTF-8.
//
// Values from users (specs, input, config) are checked and refused with the path of the first
// problem (`CheckJsonValue`). Values from agents are repaired where that is lossless enough to be
// honest — invalid UTF-8 becomes U+FFFD — and refused otherwise (`SanitizeAgentJson`: too deep,
// non-finite, too large), which fails the task with that message.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "goclaw/core/status.h"

namespace goclaw {

inline constexpr int kMaxJsonDepth = 64;

// kInvalidArgument "<where>.<path>: ..." for the first value that breaks a rule.
Status CheckJsonValue(const boost::json::value& v, std::string_view where);

// Repairs strings and keys (invalid UTF-8 -> U+FFFD), then checks depth, finiteness and size:
// kInvalidArgument for depth or non-finite numbers, kResourceExhausted when the serialized
// size exceeds `max_bytes`. Returns the size of the value's JSON text (an upper bound within
// a few bytes per number).
Result<std::size_t> SanitizeAgentJson(boost::json::value& v, std::size_t max_bytes);

// The size of `v`'s JSON text, counting no further than `stop_after` (the result is then
// > stop_after). Cheap: no text is built.
std::size_t JsonTextSize(const boost::json::value& v, std::size_t stop_after);

// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD.
std::string ToValidUtf8(std::string_view text);

}  // namespace goclaw
