// Durations as people write them in specs and config: "250ms", "30s", "5m", "1h30m", "1.5s",
// or a plain number of seconds (JSON/YAML numbers). Formatting produces the same notation.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "goclaw/core/status.h"

namespace goclaw {

using Millis = std::chrono::milliseconds;

// Longest duration accepted anywhere (timeouts, delays): 365 days.
inline constexpr Millis kMaxDuration = std::chrono::hours(24 * 365);

// Parses "<number><unit>..." with units ms, s, m, h, d. Rejects negatives, empty strings,
// missing units and values above kMaxDuration, with a message that shows the accepted form.
Result<Millis> ParseDuration(std::string_view text);

// Converts a number of seconds (may be fractional) to milliseconds, with the same checks.
Result<Millis> DurationFromSeconds(double seconds);

// "1h30m", "250ms", "0s".
std::string FormatDuration(Millis d);

}  // namespace goclaw
