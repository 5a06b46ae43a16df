// Diagnostics and ObjectReader.
#include "goclaw/core/json_reader.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "goclaw/core/suggest.h"
#include "goclaw/core/text.h"

namespace goclaw {

void Diagnostics::Add(std::string path, std::string message) {
  ++count_;
  if (details_.size() >= max_kept_) return;
  int line = doc_ != nullptr ? doc_->LineOf(path) : 0;
  details_.push_back({std::move(path), std::move(message), line, source_});
}

void Diagnostics::Merge(const Diagnostics& other) {
  for (const ErrorDetail& d : other.details_) {
    ++count_;
    if (details_.size() < max_kept_) details_.push_back(d);
  }
  count_ += other.count_ - other.details_.size();
}

Error Diagnostics::ToError(std::string_view what) const {
  std::vector<ErrorDetail> details = details_;
  if (count_ > details_.size()) {
    details.push_back({"", std::to_string(count_ - details_.size()) +
                               " more problem(s) not shown", 0});
  }
  std::string msg = std::string(what) + " is invalid: " + std::to_string(count_) +
                    (count_ == 1 ? " problem" : " problems");
  return Error(ErrorCode::kInvalidArgument, std::move(msg), std::move(details));
}

std::string DescribeJson(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return v.get_bool() ? "boolean true" : "boolean false";
    case boost::json::kind::int64:
      return "number " + std::to_string(v.get_int64());
    case boost::json::kind::uint64:
      return "number " + std::to_string(v.get_uint64());
    case boost::json::kind::double_: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", v.get_double());
      return std::string("number ") + buf;
    }
    case boost::json::kind::string:
      return "string " + QuoteForMessage(v.get_string(), 40);
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::object:
      return "object";
  }
  return "value";
}

bool JsonNumber(const boost::json::value& v, double* out) {
  switch (v.kind()) {
    case boost::json::kind::int64:
      *out = static_cast<double>(v.get_int64());
      return true;
    case boost::json::kind::uint64:
      *out = static_cast<double>(v.get_uint64());
      return true;
    case boost::json::kind::double_:
      *out = v.get_double();
      return true;
    default:
      return false;
  }
}

ObjectReader::ObjectReader(const boost::json::value& value, std::string path, Diagnostics& diag,
                           std::string_view what)
    : path_(std::move(path)), diag_(diag) {
  known_.reserve(16);  // one allocation covers the accessors of a typical object
  object_ = value.if_object();
  if (object_ == nullptr) {
    diag_.Add(path_, "expected " + std::string(what) + " to be an object (a mapping of keys to "
                     "values), got " + DescribeJson(value));
    checked_ = true;
  }
}

ObjectReader::~ObjectReader() {
  if (!checked_) RejectUnknown();
}

void ObjectReader::Problem(std::string_view key, std::string message) {
  diag_.Add(PathOf(key), std::move(message));
}

const boost::json::value* ObjectReader::Get(std::string_view key) {
  known_.push_back(key);
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(key);
  return it == object_->end() ? nullptr : &it->value();
}

bool ObjectReader::Has(std::string_view key) const {
  return object_ != nullptr && object_->contains(key);
}

void ObjectReader::Allow(std::initializer_list<std::string_view> keys) {
  known_.insert(known_.end(), keys.begin(), keys.end());
}

bool ObjectReader::String(std::string_view key, std::string* out, bool required) {
  const boost::json::value* v = Get(key);
  if (v == nullptr) {
    if (required && object_ != nullptr) Problem(key, "is required");
    return !required;
  }
  if (!v->is_string()) {
    Problem(key, "expected a string, got " + DescribeJson(*v));
    return false;
  }
  *out = std::string(v->get_string());
  return true;
}

bool ObjectReader::Bool(std::string_view key, bool* out) {
  const boost::json::value* v = Get(key);
  if (v == nullptr) return true;
  if (!v->is_bool()) {
    Problem(key, "expected true or false, got " + DescribeJson(*v));
    return false;
  }
  *out = v->get_bool();
  return true;
}

bool ObjectReader::Int(std::string_view key, std::int64_t* out, std::int64_t min,
                       std::int64_t max) {
  const boost::json::value* v = Get(key);
  if (v == nullptr) return true;
  std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  double d = 0;
  bool integral = false;
  std::int64_t value = 0;
  if (v->is_int64()) {
    value = v->get_int64();
    integral = true;
  } else if (v->is_uint64()) {
    if (v->get_uint64() > static_cast<std::uint64_t>(max)) {
      Problem(key, "expected " + range + ", got " + DescribeJson(*v));
      return false;
    }
    value = static_cast<std::int64_t>(v->get_uint64());
    integral = true;
  } else if (JsonNumber(*v, &d) && std::isfinite(d) && d == std::floor(d) &&
             std::fabs(d) < 9.0e15) {
    value = static_cast<std::int64_t>(d);
    integral = true;
  }
  if (!integral || value < min || value > max) {
    Problem(key, "expected " + range + ", got " + DescribeJson(*v));
    return false;
  }
  *out = value;
  return true;
}

bool ObjectReader::Double(std::string_view key, double* out, double min, double max) {
  const boost::json::value* v = Get(key);
  if (v == nullptr) return true;
  double d = 0;
  if (!JsonNumber(*v, &d) || !std::isfinite(d) || d < min || d > max) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "expected a number from %g to %g, got ", min, max);
    Problem(key, buf + DescribeJson(*v));
    return false;
  }
  *out = d;
  return true;
}

bool ObjectReader::Enum(std::string_view key, std::string* out,
                        std::span<const std::string_view> accepted) {
  const boost::json::value* v = Get(key);
  if (v == nullptr) return true;
  std::string list;
  for (std::string_view a : accepted) {
    if (!list.empty()) list += ", ";
    list += a;
  }
  if (!v->is_string()) {
    Problem(key, "expected one of " + list + ", got " + DescribeJson(*v));
    return false;
  }
  std::string_view s = v->get_string();
  if (std::find(accepted.begin(), accepted.end(), s) == accepted.end()) {
    Problem(key, "unknown value " + QuoteForMessage(s) + "; accepted: " + list +
                     DidYouMean(s, accepted));
    return false;
  }
  *out = std::string(s);
  return true;
}

bool ObjectReader::Duration(std::string_view key, Millis* out) {
  const boost::json::value* v = Get(key);
  if (v == nullptr) return true;
  double seconds = 0;
  Result<Millis> parsed = MakeError(ErrorCode::kInvalidArgument, "");
  if (JsonNumber(*v, &seconds)) {
    parsed = DurationFromSeconds(seconds);
  } else if (v->is_string()) {
    parsed = ParseDuration(v->get_string());
  } else {
    Problem(key, "expected a number of seconds or a duration string like \"30s\", got " +
                     DescribeJson(*v));
    return false;
  }
  if (!parsed) {
    Problem(key, parsed.error().message());
    return false;
  }
  *out = *parsed;
  return true;
}

bool ObjectReader::Object(std::string_view key, boost::json::object* out) {
  const boost::json::value* v = Get(key);
  if (v == nullptr) return true;
  if (!v->is_object()) {
    Problem(key, "expected an object (a mapping of keys to values), got " + DescribeJson(*v));
    return false;
  }
  *out = v->get_object();
  return true;
}

void ObjectReader::RejectUnknown() {
  checked_ = true;
  if (object_ == nullptr) return;
  for (const auto& kv : *object_) {
    std::string_view key = kv.key();
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string msg = "unknown key";
    if (auto near = NearestName(key, std::span<const std::string_view>(known_))) {
      msg += "; did you mean " + PathOf(*near) + "?";
    } else {
      std::vector<std::string_view> sorted = known_;
      std::sort(sorted.begin(), sorted.end());
      sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
      msg += "; accepted keys: ";
      for (size_t i = 0; i < sorted.size(); ++i) {
        if (i > 0) msg += ", ";
        msg += sorted[i];
      }
    }
    Problem(key, std::move(msg));
  }
}

}  // namespace goclaw
