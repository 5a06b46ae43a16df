// Exact JSON text (moved here from dag/spec_encoder.cc so that specs, inputs and outputs all
// use it) and the reader with goclaw's nesting limit.
#include "goclaw/core/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/core/json_limits.h"

namespace goclaw {
namespace {

// Boost.JSON 1.81 parses a number as double(mantissa) * 10^exponent (dividing by an exact power
// of ten for exponents from -22 to -1), which rounds twice when the mantissa has more than 15
// digits or the power is inexact. The shortest form that serialize() writes is therefore not
// always read back as the same double. When it is not, the writer tries the integer mantissas
// x (at most 19 digits, the parser's limit) next to |d| / 10^e for every exponent e that fits,
// and keeps the first text the parser really reads back as d. A double the parser produced from
// some text is found this way: that text's mantissa is within a unit or two in the last place of
// |d| / 10^e for its exponent, and the neighbours tried cover it (checked on a million parsed
// doubles). Newer Boost.JSON offers parse_options::numbers = number_precision::precise; with it
// the shortest form would always read back and this search never run.
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

// The escapes of boost::json::serialize: \" \\ \b \t \n \f \r, other control characters as
// \u00xx; everything else (UTF-8 included) as is.
void AppendStringEscaped(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the characters not yet appended
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

template <typename Int>
void AppendInteger(Int n, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}


}  // namespace

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

double ExactDouble(double d) {
  if (!std::isfinite(d)) return d;
  std::optional<double> back = ParseDouble(DoubleText(d));
  return back ? *back : d;
}

void MakeDoublesExact(boost::json::value& v) {
  if (v.is_double()) {
    v = ExactDouble(v.get_double());
  } else if (auto* arr = v.if_array()) {
    for (auto& item : *arr) MakeDoublesExact(item);
  } else if (auto* obj = v.if_object()) {
    for (auto& kv : *obj) MakeDoublesExact(kv.value());
  }
}

void AppendJsonString(std::string_view s, std::string& out) { AppendStringEscaped(s, out); }

void AppendJsonWith(const boost::json::value& v, std::string& out, std::string (*format_double)(double)) {
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      return;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::int64:
      AppendInteger(v.get_int64(), out);
      return;
    case boost::json::kind::uint64:
      AppendInteger(v.get_uint64(), out);
      return;
    case boost::json::kind::double_:
      out += format_double(v.get_double());
      return;
    case boost::json::kind::string:
      AppendJsonString(v.get_string(), out);
      return;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const boost::json::value& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        AppendJsonWith(item, out, format_double);
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
        AppendJsonString(kv.key(), out);
        out += ':';
        AppendJsonWith(kv.value(), out, format_double);
      }
      out += '}';
      return;
    }
  }
}

void AppendJsonText(const boost::json::value& v, std::string& out) { AppendJsonWith(v, out, DoubleText); }

std::string JsonText(const boost::json::value& v) {
  std::string out;
  AppendJsonText(v, out);
  return out;
}

Result<boost::json::value> ParseJsonText(std::string_view text, std::string_view what, int max_depth) {
  static_assert(kMaxJsonDepth == 64, "json_text.h's default max_depth is kMaxJsonDepth");
  boost::json::parse_options opts;
  opts.max_depth = static_cast<std::size_t>(max_depth);
  boost::json::parser parser(boost::json::storage_ptr(), opts);
  boost::system::error_code ec;
  parser.write(text.data(), text.size(), ec);
  if (!ec) {
    boost::json::value v = parser.release();
    return v;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   std::string(what) + " is not valid JSON: " + ec.message());
}

}  // namespace goclaw
