// Renderings of boost::json values for people and for responses: compact and indented JSON
// whose numbers read as plain decimals, and block-style YAML. Used by the API's responses, the
// CLI (plan --format json, config print, run --json) and API clients.
//
// Boost.JSON writes every double in exponent form ("3.4526E-5", "1.5E0"), which is valid JSON
// but hard to read in a status or a log; these writers print doubles as plain decimals
// ("0.000035", "1.5"). Durations in seconds are also rounded to microseconds first
// (RoundedSeconds), since the nanoseconds below say nothing to a reader. What goclaw stores and
// reads back uses json_text.h instead (exact doubles).
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string>

#include <boost/json/value.hpp>

namespace goclaw {

// A double as JSON text without an exponent where that reads well: the shortest decimal that
// reads back as the same double (in a correctly rounding parser), with ".0" when it is whole so
// that it stays a double ("2.0", "0.000035", "-12.5"). Outside 1e-7 <= |d| < 1e21 (as
// JavaScript) the exponent form is shorter and clearer: "1e+21", "1.5e-08". Not finite: "null"
// (the boundaries refuse such numbers; json_limits.h).
std::string PlainNumber(double d);

// Appends `v` as compact JSON (the text of boost::json::serialize: same escapes, no spaces),
// with doubles as PlainNumber.
void AppendCompactJson(const boost::json::value& v, std::string& out);
std::string CompactJson(const boost::json::value& v);

// JSON with two-space indentation and a trailing newline; doubles as PlainNumber.
std::string PrettyJson(const boost::json::value& v);

// Block-style YAML (strings quoted only where needed) with a trailing newline; doubles as
// PlainNumber.
std::string ToYaml(const boost::json::value& v);

// Seconds for people (durations, uptimes, timings in JSON): rounded to whole microseconds, so
// that 3.4526123e-05 prints as 0.000035 rather than with digits nobody measured.
double RoundedSeconds(double seconds);
template <typename Rep, typename Period>
double RoundedSeconds(std::chrono::duration<Rep, Period> d) {
  return RoundedSeconds(std::chrono::duration<double>(d).count());
}

}  // namespace goclaw
