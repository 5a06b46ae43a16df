// Typed, validating access to boost::json documents that reports every problem at once.
//
// `Diagnostics` collects problems (path + message + source line). `ObjectReader` reads the
// fields of one JSON object: each accessor checks the value's type and range and records a
// clear problem ("expected an integer between 1 and 65535, got string \"80\"") instead of
// failing fast, and the reader reports keys that no accessor asked for as unknown, with the
// nearest known key as a suggestion. Validators for specs and config are built from it.
//
// Thread-safety: not thread-safe; one reader per decoding pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/core/document.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"

namespace goclaw {

class Diagnostics {
 public:
  // `doc` (optional) supplies source lines for paths.
  explicit Diagnostics(const Document* doc = nullptr, std::size_t max_kept = 1000)
      : doc_(doc), max_kept_(max_kept) {}

  void Add(std::string path, std::string message);
  // Names the file or setting that later problems come from (ErrorDetail::source).
  void set_source(std::string source) { source_ = std::move(source); }
  // Appends another collection's problems.
  void Merge(const Diagnostics& other);

  bool empty() const { return count_ == 0; }
  std::size_t count() const { return count_; }
  const std::vector<ErrorDetail>& details() const { return details_; }

  // kInvalidArgument: "<what> is invalid: N problem(s)" with every kept detail. When more
  // than `max_kept` problems were found, a final detail says how many were left out.
  Error ToError(std::string_view what) const;

 private:
  const Document* doc_;
  std::string source_;
  std::size_t max_kept_;
  std::size_t count_ = 0;
  std::vector<ErrorDetail> details_;
};

// "string \"abc\"", "number 5", "boolean", "array", "object", "null" — for "got ..." messages.
std::string DescribeJson(const boost::json::value& v);

// Reads a number as double if it is one (int64, uint64 or double).
bool JsonNumber(const boost::json::value& v, double* out);

class ObjectReader {
 public:
  // Records a problem when `value` is not an object (then every accessor finds nothing).
  // `what` names the object in that message ("task", "config file").
  ObjectReader(const boost::json::value& value, std::string path, Diagnostics& diag,
               std::string_view what = "value");
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;

  bool is_object() const { return object_ != nullptr; }
  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const { return JoinPath(path_, key); }
  Diagnostics& diag() { return diag_; }

  // The raw value of `key` (marked as known), or nullptr when absent.
  const boost::json::value* Get(std::string_view key);
  bool Has(std::string_view key) const;
  // Marks keys as known without reading them (read elsewhere).
  void Allow(std::initializer_list<std::string_view> keys);

  // Each accessor leaves `*out` untouched when the key is absent (so defaults survive),
  // records a problem and returns false when the value is present but invalid, and returns
  // true when absent-and-optional or valid. `required` records "is required" when absent.
  bool String(std::string_view key, std::string* out, bool required = false);
  bool Bool(std::string_view key, bool* out);
  bool Int(std::string_view key, std::int64_t* out, std::int64_t min, std::int64_t max);
  bool Double(std::string_view key, double* out, double min, double max);
  bool Enum(std::string_view key, std::string* out, std::span<const std::string_view> accepted);
  // A number of seconds or a duration string ("30s", "5m").
  bool Duration(std::string_view key, Millis* out);
  bool Object(std::string_view key, boost::json::object* out);

  // Records "unknown key" for every key no accessor asked for. Called by the destructor if
  // not called before; `known` lists extra keys that are accepted.
  void RejectUnknown();
  ~ObjectReader();

 private:
  void Problem(std::string_view key, std::string message);

  const boost::json::object* object_ = nullptr;
  std::string path_;
  Diagnostics& diag_;
  std::vector<std::string_view> known_;
  bool checked_ = false;
};

}  // namespace goclaw
