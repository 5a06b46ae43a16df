// What the request fuzzers run on a request or a string: every helper of
// goclaw/api/http/request_parsing.h, with the invariants that hold for any input.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

#include "goclaw/api/http/request_parsing.h"

#include "fuzz_check.h"

namespace goclaw::fuzz {

inline void CheckString(std::string_view s) {
  if (api::http::ValidId(s)) {
    FUZZ_CHECK(!s.empty() && s.size() <= 128, "ValidId accepted a bad length");
    FUZZ_CHECK(s.find('/') == std::string_view::npos && s.find("..") == std::string_view::npos,
               "ValidId accepted a path: " + std::string(s));
  }
  if (auto t = api::http::ParseRfc3339(s)) {
    // Accepted times have digits where RFC 3339 has them: YYYY-MM-DDTHH:MM:SS.
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
      FUZZ_CHECK(
          std::isdigit(static_cast<unsigned char>(s[static_cast<std::size_t>(i)])),
          "ParseRfc3339 accepted a non-digit at " + std::to_string(i) + ": " + std::string(s));
    }
  }
  std::string decoded;
  for (bool query : {false, true}) {
    if (api::http::PercentDecode(s, query, &decoded)) {
      FUZZ_CHECK(decoded.size() <= s.size(), "PercentDecode grew its input");
      // %00 is refused; a raw NUL (which Beast does not let into a target) passes through.
      FUZZ_CHECK(decoded.find('\0') == std::string::npos || s.find('\0') != std::string_view::npos,
                 "PercentDecode decoded a NUL");
    }
  }
}

// The checks the routes make, in the order a handler makes them.
inline void CheckRequest(const api::http::HttpRequest& req) {
  api::http::HttpResponse error;
  if (!api::http::SpecFormat(req, &error)) {
    FUZZ_CHECK(error.status == 415 && !error.body.empty(), "SpecFormat refused without a 415");
  }
  api::http::HttpResponse json_error;
  if (!api::http::RequireJson(req, &json_error)) {
    FUZZ_CHECK(json_error.status == 415 && !json_error.body.empty(),
               "RequireJson refused without a 415");
  }
  Diagnostics diag;
  api::http::QueryReader q(req, diag);
  std::string s;
  std::int64_t n = 0;
  bool b = false;
  Millis d{0};
  std::optional<Clock::WallTime> t;
  q.String("state", &s);
  q.String("cursor", &s);
  if (q.Int("limit", &n, 1, 1000)) FUZZ_CHECK(n >= 1 && n <= 1000, "Int out of its range");
  if (q.Int("after", &n, 0, INT64_MAX)) FUZZ_CHECK(n >= 0, "Int out of its range");
  q.Bool("wait", &b);
  q.Duration("timeout", &d);
  q.Time("since", &t);
  q.Time("until", &t);
  q.Allow({"state", "cursor", "limit", "after", "wait", "timeout", "since", "until"});
  for (const auto& detail : diag.details()) {
    FUZZ_CHECK(!detail.message.empty(), "a query problem without a message at " + detail.path);
  }
  for (const auto& [key, value] : req.query) {
    CheckString(key);
    CheckString(value);
  }
  for (const auto& [name, value] : req.params) CheckString(value);
}

}  // namespace goclaw::fuzz
