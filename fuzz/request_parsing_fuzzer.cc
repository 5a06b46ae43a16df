// Arbitrary strings -> the request helpers of goclaw/api/http/request_parsing.h (media types,
// typed query parameters, safe ids, RFC 3339 times) and PercentDecode.
//
// Input: lines. Line 1 is the Content-Type header; every line is also checked on its own as an
// id, a time and a percent-encoded string; lines 2.. are "key=value" query parameters (taken
// as they are, as if already decoded).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "request_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  goclaw::api::http::HttpRequest req;
  req.method = "GET";
  req.target = req.path = "/api/v1/workflows";
  bool first = true;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    goclaw::fuzz::CheckString(line);
    if (first) {
      req.headers.emplace_back("content-type", std::string(line));
      first = false;
      continue;
    }
    std::size_t eq = line.find('=');
    req.query[std::string(line.substr(0, eq))] =
        eq == std::string_view::npos ? std::string() : std::string(line.substr(eq + 1));
  }
  goclaw::fuzz::CheckRequest(req);
  return 0;
}
