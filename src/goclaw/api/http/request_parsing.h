// Shared request checks for the routes: the spec body's media type, typed query parameters
// (every problem reported with its parameter name; unknown parameters named with a
// suggestion), ids that are safe to look up, and RFC 3339 times.
//
// Thread-safety: pure functions; a QueryReader is used by one handler call.
#pragma once

#include <initializer_list>
#include <optional>
#include <set>
#include <string>

#include "goclaw/api/http/http_message.h"
#include "goclaw/core/clock.h"
#include "goclaw/core/document.h"
#include "goclaw/core/json_reader.h"

namespace goclaw::api::http {

// JSON for application/json, YAML for application/yaml (also x-yaml, text/yaml). Anything else
// sets `error` to 415, as does a charset other than utf-8 or us-ascii (here and in RequireJson).
std::optional<DocumentFormat> SpecFormat(const HttpRequest& req, HttpResponse* error);
// application/json only; else `error` is 415.
bool RequireJson(const HttpRequest& req, HttpResponse* error);

// Ids of workflows, tasks and lanes as this API hands them out: 1-128 of letters, digits and
// "-_.:*" (no '/', no "..": nothing that could walk a path).
bool ValidId(std::string_view id);

// "2026-11-25T08:30:00Z", with optional fractional seconds and a "+hh:mm"/"-hh:mm" offset.
// Years 0000-9999, real calendar dates only (no February 30, no hour 24); times outside what
// Clock::WallTime holds (1677-2262) are clamped to its min/max. The error says what is wrong.
Result<Clock::WallTime> ParseRfc3339Time(std::string_view text);
std::optional<Clock::WallTime> ParseRfc3339(std::string_view text);

class QueryReader {
 public:
  QueryReader(const HttpRequest& req, Diagnostics& diag) : req_(req), diag_(diag) {}
  bool String(const std::string& key, std::string* out);
  bool Int(const std::string& key, std::int64_t* out, std::int64_t min, std::int64_t max);
  bool Bool(const std::string& key, bool* out);
  bool Duration(const std::string& key, Millis* out);
  bool Time(const std::string& key, std::optional<Clock::WallTime>* out);
  // Reports every query parameter not in `known`.
  void Allow(std::initializer_list<std::string_view> known);

 private:
  const std::string* Get(const std::string& key);
  const HttpRequest& req_;
  Diagnostics& diag_;
};

}  // namespace goclaw::api::http
