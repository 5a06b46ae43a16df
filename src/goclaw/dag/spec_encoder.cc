// Spec -> document, and the exact JSON text writer it needs.
#include "goclaw/dag/spec_encoder.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "goclaw/core/duration.h"

namespace goclaw::dag {
namespace {

std::string_view OnFailureName(OnFailure f) {
  return f == OnFailure::kContinue ? "continue" : "fail";
}

boost::json::object RetriesToJson(const RetryPolicy& p) {
  boost::json::object out;
  out.reserve(6);
  out["max"] = p.max_retries;
  out["backoff"] = BackoffName(p.backoff);
  out["initial"] = FormatDuration(p.initial);
  out["max_delay"] = FormatDuration(p.max_delay);
  out["multiplier"] = p.multiplier;
  out["jitter"] = p.jitter;
  return out;
}

boost::json::object TaskToJson(const TaskSpec& task) {
  boost::json::object out;
  out.reserve(12);
  out["id"] = task.id;
  out["name"] = task.name;
  out["type"] = TaskTypeName(task.type);
  boost::json::array& deps = out["depends_on"].emplace_array();
  deps.reserve(task.depends_on.size());
  for (const std::string& dep : task.depends_on) deps.emplace_back(dep);
  out["config"] = task.config;
  if (task.timeout) out["timeout"] = FormatDuration(*task.timeout);
  out["retries"] = RetriesToJson(task.retries);
  out["lane"] = task.lane;
  out["priority"] = task.priority;
  if (!task.session.empty()) out["session"] = task.session;
  out["estimate"] = task.estimate;
  out["on_failure"] = OnFailureName(task.on_failure);
  return out;
}

// --- Exact text -------------------------------------------------------------------------------
//
// Boost.JSON 1.81 parses a number as double(mantissa) * 10^exponent (dividing by an exact power
// of ten for exponents from -22 to -1), which rounds twice when the mantissa has more than 15
// digits or the power is inexact. The shortest form that serialize() writes is therefore not
// always read back as the same double. When it is not, the writer tries the integer mantissas
// x (at most 19 digits, the parser's limit) next to |d| / 10^e for every exponent e that fits,
// and keeps the first text the parser really reads back as d. A double the parser produced from
// some text is found this way: that text's mantissa is within a unit or two in the last place of
// |d| / 10^e for its exponent, and the neighbours tried cover it (checked on a million parsed
// doubles). Newer Boost.JSON offers parse_options::numbers = number_precision::precise; with it
// in core/document.cc the shortest form would always read back and this search never run.

constexpr int kMaxMantissaDigits = 19;
constexpr double kMaxMantissa = 1e19;
constexpr double kExactIntegers = 9007199254740992.0;  // 2^53: every integer below is a double
constexpr int kNeighbours = 2;

std::optional<double> ParseDouble(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_double()) return std::nullopt;
  return v.get_double();
}

bool SameBits(double a, double b) { return a == b && std::signbit(a) == std::signbit(b); }

// The candidate mantissa `step` places from `nearest`: integers below 2^53, doubles above
// (which are all integers there).
double MantissaCandidate(double nearest, int step) {
  if (nearest < kExactIntegers) return std::round(nearest) + step;
  double x = nearest;
  for (int i = 0; i < std::abs(step); ++i) {
    x = std::nextafter(x, step > 0 ? std::numeric_limits<double>::infinity() : 0.0);
  }
  return x;
}

std::string DoubleText(double d) {
  if (std::isnan(d)) return "null";
  // The parser turns an exponent beyond the double range into infinity.
  if (std::isinf(d)) return d > 0 ? "1e400" : "-1e400";
  std::string shortest = boost::json::serialize(boost::json::value(d));
  std::optional<double> back = ParseDouble(shortest);
  if (back && SameBits(*back, d)) return shortest;

  // Search; when no text reads back as d, keep the one that reads back nearest.
  std::string best = shortest;
  double best_error = back ? std::fabs(*back - d) : std::numeric_limits<double>::infinity();
  const bool negative = std::signbit(d);
  const long double magnitude = std::fabs(static_cast<long double>(d));
  const int top = static_cast<int>(std::floor(std::log10(magnitude)));
  // Fewest digits first: the first exact form found is also the shortest of those tried.
  for (int e = top; e >= top - (kMaxMantissaDigits - 1); --e) {
    long double target = magnitude / std::pow(10.0L, e);
    if (target >= kMaxMantissa) continue;
    double nearest = static_cast<double>(target);
    for (int step = -kNeighbours; step <= kNeighbours; ++step) {
      double x = MantissaCandidate(nearest, step);
      if (x < 1 || x >= kMaxMantissa) continue;
      std::string text = (negative ? "-" : "") + std::to_string(static_cast<std::uint64_t>(x)) +
                         "E" + std::to_string(e);
      std::optional<double> parsed = ParseDouble(text);
      if (!parsed) continue;
      if (SameBits(*parsed, d)) return text;
      if (std::fabs(*parsed - d) < best_error) {
        best_error = std::fabs(*parsed - d);
        best = std::move(text);
      }
    }
  }
  return best;
}

void AppendString(boost::json::string_view s, std::string& out) {
  out += boost::json::serialize(s);
}

void AppendJson(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      return;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::int64:
      out += std::to_string(v.get_int64());
      return;
    case boost::json::kind::uint64:
      out += std::to_string(v.get_uint64());
      return;
    case boost::json::kind::double_:
      out += DoubleText(v.get_double());
      return;
    case boost::json::kind::string:
      AppendString(v.get_string(), out);
      return;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const boost::json::value& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        AppendJson(item, out);
      }
      out += ']';
      return;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        AppendString(kv.key(), out);
        out += ':';
        AppendJson(kv.value(), out);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

boost::json::object SpecToJson(const WorkflowSpec& spec) {
  boost::json::object out;
  out.reserve(5);
  out["name"] = spec.name;
  out["description"] = spec.description;
  out["metadata"] = spec.metadata;
  out["input"] = spec.input;
  boost::json::array& tasks = out["tasks"].emplace_array();
  tasks.reserve(spec.tasks.size());
  for (const TaskSpec& task : spec.tasks) tasks.emplace_back(TaskToJson(task));
  return out;
}

std::string SpecToJsonText(const WorkflowSpec& spec) {
  boost::json::value doc = SpecToJson(spec);
  std::string out;
  AppendJson(doc, out);
  return out;
}

}  // namespace goclaw::dag
