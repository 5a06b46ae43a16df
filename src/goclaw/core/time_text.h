// RFC 3339 timestamps as the API writes and reads them: UTC, milliseconds, "Z"
// ("2026-11-25T08:30:00.123Z", what JavaScript's toISOString prints), and parsing of any RFC
// 3339 date-time (fractional seconds of any length, "Z" or a "+hh:mm"/"-hh:mm" offset).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace goclaw {

// Microseconds since the Unix epoch -> "YYYY-MM-DDTHH:MM:SS.mmmZ" (truncated to milliseconds).
std::string FormatUnixMicros(std::int64_t unix_us);
// An RFC 3339 date-time -> microseconds since the Unix epoch (fractions past microseconds are
// dropped); nullopt when the text is not one (the date must exist: no February 30).
std::optional<std::int64_t> ParseRfc3339(std::string_view text);

}  // namespace goclaw
