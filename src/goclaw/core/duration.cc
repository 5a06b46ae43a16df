// Duration parsing and formatting.
#include "goclaw/core/duration.h"

#include <cmath>
#include <cstdlib>

namespace goclaw {
namespace {

constexpr char kAccepted[] =
    "expected a duration like \"250ms\", \"30s\", \"5m\", \"1h30m\" or a number of seconds";

tl::unexpected<Error> Invalid(std::string_view text, std::string_view why) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "invalid duration \"" + std::string(text) + "\": " + std::string(why) + "; " +
                       kAccepted);
}

}  // namespace

Result<Millis> DurationFromSeconds(double seconds) {
  if (std::isnan(seconds)) {
    return MakeError(ErrorCode::kInvalidArgument, "duration is not a number");
  }
  if (seconds < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "duration must not be negative (got " + std::to_string(seconds) + "s)");
  }
  if (seconds * 1000.0 > static_cast<double>(kMaxDuration.count())) {
    return MakeError(ErrorCode::kInvalidArgument, "duration is longer than 365 days");
  }
  return Millis(static_cast<Millis::rep>(std::llround(seconds * 1000.0)));
}

Result<Millis> ParseDuration(std::string_view text) {
  if (text.empty()) return Invalid(text, "empty");
  if (text.front() == '-') return Invalid(text, "must not be negative");
  double total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == start) return Invalid(text, "expected a number at position " + std::to_string(i));
    std::string number(text.substr(start, i - start));
    char* end = nullptr;
    double value = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return Invalid(text, "bad number \"" + number + "\"");
    size_t unit_start = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale;
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60 * 1000;
    } else if (unit == "h") {
      scale = 3600 * 1000;
    } else if (unit == "d") {
      scale = 24 * 3600 * 1000;
    } else if (unit.empty()) {
      return Invalid(text, "missing unit after \"" + number + "\" (ms, s, m, h or d)");
    } else {
      return Invalid(text, "unknown unit \"" + std::string(unit) + "\" (ms, s, m, h or d)");
    }
    total_ms += value * scale;
    if (total_ms > static_cast<double>(kMaxDuration.count())) {
      return Invalid(text, "longer than 365 days");
    }
  }
  return Millis(static_cast<Millis::rep>(std::llround(total_ms)));
}

std::string FormatDuration(Millis d) {
  auto ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  if (ms % 1000 != 0 && ms < 1000) return out + std::to_string(ms) + "ms";
  auto append = [&](long long unit_ms, const char* suffix) {
    if (ms >= unit_ms) {
      out += std::to_string(ms / unit_ms) + suffix;
      ms %= unit_ms;
    }
  };
  append(3600LL * 1000, "h");
  append(60LL * 1000, "m");
  append(1000, "s");
  if (ms > 0) out += std::to_string(ms) + "ms";
  return out;
}

}  // namespace goclaw
