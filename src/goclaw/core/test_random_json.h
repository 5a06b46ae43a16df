// Tests only: seeded random JSON values for property tests of everything that writes and reads
// JSON (json_text.h, the store codec). Values stay within json_limits.h — nesting up to
// kMaxJsonDepth, finite numbers, valid UTF-8 — and favour the awkward cases: extreme integers,
// doubles of every magnitude (subnormals, -0.0, values Boost.JSON's shortest form misreads),
// control characters, escapes, multi-byte and 4-byte UTF-8, empty and duplicate-looking keys.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "goclaw/core/json_limits.h"

namespace goclaw::testing {

class RandomJson {
 public:
  explicit RandomJson(std::uint64_t seed) : rng_(seed) {}

  // A value at most `max_depth` containers deep (counting the value itself).
  boost::json::value Value(int max_depth = kMaxJsonDepth) {
    const int pick = Int(0, max_depth > 0 ? 9 : 6);
    switch (pick) {
      case 0: return nullptr;
      case 1: return Int(0, 1) == 1;
      case 2: return Int64();
      case 3: return Uint64();
      case 4: return Double();
      case 5:
      case 6: return boost::json::value(String());
      case 7: {  // a chain straight down, so the depth limit itself is exercised
        if (Int(0, 3) == 0) return Chain(max_depth);
        [[fallthrough]];
      }
      case 8: {
        boost::json::array a;
        const int n = Int(0, 4);
        for (int i = 0; i < n; ++i) a.push_back(Value(max_depth - 1));
        return a;
      }
      default: {
        boost::json::object o;
        const int n = Int(0, 4);
        for (int i = 0; i < n; ++i) o[String()] = Value(max_depth - 1);
        return o;
      }
    }
  }

  // Exactly `depth` nested containers, alternating arrays and objects.
  boost::json::value Chain(int depth) {
    boost::json::value v = Int64();
    for (int d = 0; d < depth; ++d) {
      if (d % 2 == 0) {
        v = boost::json::array{std::move(v)};
      } else {
        boost::json::object o;
        o["k"] = std::move(v);
        v = std::move(o);
      }
    }
    return v;
  }

  std::int64_t Int64() {
    switch (Int(0, 3)) {
      case 0: return std::numeric_limits<std::int64_t>::min();
      case 1: return std::numeric_limits<std::int64_t>::max();
      case 2: return Int(-1000, 1000);
      default: return static_cast<std::int64_t>(rng_());
    }
  }

  std::uint64_t Uint64() {
    // Boost.JSON keeps non-negative integers that fit int64 as int64; only larger ones are uint64.
    return (std::uint64_t{1} << 63) + (rng_() >> 1);
  }

  // Doubles as JSON text produces them (the parser's output for some text): those are the ones
  // that can arrive, and each has a text that reads back bit for bit (json_text.h).
  double Double() {
    const double d = AnyDouble();
    const boost::json::value back = boost::json::parse(boost::json::serialize(boost::json::value(d)));
    return back.is_double() ? back.get_double() : d;
  }

  double AnyDouble() {
    switch (Int(0, 5)) {
      case 0: return -0.0;
      case 1: return std::numeric_limits<double>::denorm_min() * static_cast<double>(Int(1, 1000));
      case 2: return std::numeric_limits<double>::max();
      case 3: return 1.0 + Int(0, 999) / 1000.0;
      default: {
        double d = 0;
        do {
          const std::uint64_t bits = rng_();
          std::memcpy(&d, &bits, sizeof d);
        } while (!std::isfinite(d));
        return d;
      }
    }
  }

  std::string String() {
    static const char* const kPieces[] = {"a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t",
                                          "\x01", "\x1f", "\x7f", "é", "多智能体", "😀", "\xEF\xBF\xBD",
                                          "{{input.x}}", "\xE2\x80\xA8", ""};
    std::string out;
    const int n = Int(0, 8);
    for (int i = 0; i < n; ++i) out += kPieces[Int(0, std::size(kPieces) - 1)];
    return out;
  }

 private:
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::mt19937_64 rng_;
};

}  // namespace goclaw::testing
