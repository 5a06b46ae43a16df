// Checks and repairs of JSON values at goclaw's boundaries.
#include "goclaw/core/json_limits.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "goclaw/core/document.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/text.h"

namespace goclaw {
namespace {

// Digits of a decimal number, with its sign.
std::size_t DecimalSize(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

// The length of a string as JSON text: quotes plus escapes (control bytes take six).
std::size_t StringTextSize(std::string_view s) {
  std::size_t n = 2 + s.size();
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '"' || u == '\\' || u == '\b' || u == '\f' || u == '\n' || u == '\r' || u == '\t') {
      n += 1;
    } else if (u < 0x20) {
      n += 5;
    }
  }
  return n;
}

std::string DepthMessage() {
  return "nested deeper than " + std::to_string(kMaxJsonDepth) + " arrays/objects (the limit)";
}

// One pass over a value: sizes it, checks the rules and (when repairing) fixes strings. The
// path of the current value is kept as a stack of segments and spelled out only on failure.
class Walker {
 public:
  Walker(bool repair, std::size_t max_bytes) : repair_(repair), max_bytes_(max_bytes) {}

  // Returns false at the first problem (path() and error() say which).
  bool Visit(boost::json::value& v, int depth) {
    if (bytes_ > max_bytes_) return Fail(ErrorCode::kResourceExhausted, "");
    switch (v.kind()) {
      case boost::json::kind::null:
        bytes_ += 4;
        return true;
      case boost::json::kind::bool_:
        bytes_ += 5;
        return true;
      case boost::json::kind::int64: {
        const std::int64_t i = v.get_int64();
        const std::uint64_t magnitude =
            i < 0 ? 0 - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i);
        bytes_ += DecimalSize(magnitude) + (i < 0 ? 1 : 0);
        return true;
      }
      case boost::json::kind::uint64:
        bytes_ += DecimalSize(v.get_uint64());
        return true;
      case boost::json::kind::double_:
        if (!std::isfinite(v.get_double())) {
          return Fail(ErrorCode::kInvalidArgument,
                      "a number that is not finite (JSON has no infinity or NaN; numbers must "
                      "lie within +-1.7976931348623157e308)");
        }
        // From an agent: the value that will be stored is the one its text reads back as.
        if (repair_) v = ExactDouble(v.get_double());
        bytes_ += 25;
        return true;
      case boost::json::kind::string:
        if (!String(v.get_string())) return false;
        bytes_ += StringTextSize(v.get_string());
        return true;
      case boost::json::kind::array: {
        if (depth + 1 > kMaxJsonDepth) return Fail(ErrorCode::kInvalidArgument, DepthMessage());
        boost::json::array& arr = v.get_array();
        bytes_ += 2 + (arr.empty() ? 0 : arr.size() - 1);
        for (std::size_t i = 0; i < arr.size(); ++i) {
          path_.push_back(Segment{{}, i});
          if (!Visit(arr[i], depth + 1)) return false;
          path_.pop_back();
        }
        return true;
      }
      case boost::json::kind::object: {
        if (depth + 1 > kMaxJsonDepth) return Fail(ErrorCode::kInvalidArgument, DepthMessage());
        boost::json::object& obj = v.get_object();
        bytes_ += 2 + (obj.empty() ? 0 : obj.size() - 1);
        if (repair_) RepairKeys(obj);
        for (auto& kv : obj) {
          path_.push_back(Segment{kv.key(), 0});
          if (!repair_ && FindInvalidUtf8(kv.key())) {
            return Fail(ErrorCode::kInvalidArgument, "a key that is not valid UTF-8");
          }
          bytes_ += StringTextSize(kv.key()) + 1;
          if (!Visit(kv.value(), depth + 1)) return false;
          path_.pop_back();
        }
        return true;
      }
    }
    return true;
  }

  std::size_t bytes() const { return bytes_; }
  ErrorCode code() const { return code_; }
  const std::string& error() const { return error_; }
  // "a.b[3].c" (keys with invalid UTF-8 are shown repaired).
  std::string path() const {
    std::string out;
    for (const Segment& s : path_) {
      out = s.key.data() != nullptr ? JoinPath(out, ToValidUtf8(s.key)) : IndexPath(out, s.index);
    }
    return out;
  }

 private:
  struct Segment {
    std::string_view key;  // null data: an array index
    std::size_t index;
  };

  bool String(boost::json::string& s) {
    if (!FindInvalidUtf8(s)) return true;
    if (!repair_) return Fail(ErrorCode::kInvalidArgument, "a string that is not valid UTF-8");
    s = ToValidUtf8(s);
    return true;
  }

  // Keys with invalid UTF-8 are replaced (rebuilding the object only when one is found).
  static void RepairKeys(boost::json::object& obj) {
    bool bad = false;
    for (const auto& kv : obj) bad |= FindInvalidUtf8(kv.key()).has_value();
    if (!bad) return;
    boost::json::object fixed(obj.storage());
    fixed.reserve(obj.size());
    for (auto& kv : obj) fixed[ToValidUtf8(kv.key())] = std::move(kv.value());
    obj = std::move(fixed);
  }

  bool Fail(ErrorCode code, std::string message) {
    code_ = code;
    error_ = std::move(message);
    return false;
  }

  const bool repair_;
  const std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  ErrorCode code_ = ErrorCode::kInvalidArgument;
  std::vector<Segment> path_;
  std::string error_;
};

std::string At(std::string_view where, const std::string& path) {
  if (path.empty()) return std::string(where);
  if (where.empty()) return path;
  return path[0] == '[' ? std::string(where) + path : std::string(where) + "." + path;
}

}  // namespace

Status CheckJsonValue(const boost::json::value& v, std::string_view where) {
  Walker walker(/*repair=*/false, static_cast<std::size_t>(-1));
  // The walker only writes when repairing.
  if (walker.Visit(const_cast<boost::json::value&>(v), 0)) return OkStatus();
  return MakeError(Error(walker.code(), At(where, walker.path()) + ": " + walker.error(),
                         {{At(where, walker.path()), walker.error(), 0}}));
}

Result<std::size_t> SanitizeAgentJson(boost::json::value& v, std::size_t max_bytes) {
  Walker walker(/*repair=*/true, max_bytes);
  if (walker.Visit(v, 0) && walker.bytes() <= max_bytes) return walker.bytes();
  if (walker.code() == ErrorCode::kResourceExhausted || walker.bytes() > max_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "output is larger than the limit of " + std::to_string(max_bytes) + " bytes");
  }
  return MakeError(ErrorCode::kInvalidArgument, At("output", walker.path()) + ": " + walker.error());
}

std::size_t JsonTextSize(const boost::json::value& v, std::size_t stop_after) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return 4;
    case boost::json::kind::bool_:
      return 5;
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return 20;
    case boost::json::kind::double_:
      return 25;
    case boost::json::kind::string:
      return StringTextSize(v.get_string());
    case boost::json::kind::array: {
      std::size_t n = 2;
      for (const auto& item : v.get_array()) {
        n += 1 + JsonTextSize(item, stop_after - std::min(n, stop_after));
        if (n > stop_after) return n;
      }
      return n;
    }
    case boost::json::kind::object: {
      std::size_t n = 2;
      for (const auto& kv : v.get_object()) {
        n += 2 + StringTextSize(kv.key()) + JsonTextSize(kv.value(), stop_after - std::min(n, stop_after));
        if (n > stop_after) return n;
      }
      return n;
    }
  }
  return 0;
}

std::string ToValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    auto bad = FindInvalidUtf8(text);
    if (!bad) {
      out.append(text);
      break;
    }
    out.append(text.substr(0, *bad));
    out.append("\xEF\xBF\xBD");  // U+FFFD
    text.remove_prefix(*bad + 1);
  }
  return out;
}

}  // namespace goclaw
