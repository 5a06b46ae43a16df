// Raw bytes from a client -> Beast's request parser with the server's limits (16 KiB of
// headers, 4 MiB of body: http_server.cc, config.h) -> the server's conversion to HttpRequest
// -> the request helpers (request_checks.h).
//
// The conversion (ToRequest and ParseQuery in http_server.cc) is private to the server, so it
// is repeated here; keep the two in step.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "request_checks.h"

namespace {

namespace http = boost::beast::http;

constexpr std::size_t kHeaderLimit = 16 * 1024;  // http_server.cc
constexpr std::size_t kMaxBodyBytes = 4u << 20;  // config.h: server.max_body_bytes

void ParseQuery(std::string_view query, goclaw::api::HttpRequest* req) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string key, value;
    if (!goclaw::api::PercentDecode(pair.substr(0, eq), true, &key) ||
        (eq != std::string_view::npos &&
         !goclaw::api::PercentDecode(pair.substr(eq + 1), true, &value))) {
      req->malformed_query = true;
      continue;
    }
    req->query[key] = value;
  }
}

goclaw::api::HttpRequest ToRequest(http::request<http::string_body>& m) {
  goclaw::api::HttpRequest req;
  req.method = std::string(m.method_string());
  req.target = std::string(m.target());
  std::size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) ParseQuery(std::string_view(req.target).substr(q + 1), &req);
  for (const auto& field : m) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  req.body = std::move(m.body());
  return req;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kMaxBodyBytes);
  parser.eager(true);
  boost::beast::error_code ec;
  // The first half, then the rest, as a socket might deliver them: the parser must resume.
  std::size_t pos = 0;
  std::size_t end = size / 2;
  while (!parser.is_done()) {
    std::size_t n = parser.put(boost::asio::const_buffer(data + pos, end - pos), ec);
    pos += n;
    if (ec == http::error::need_more || (!ec && n == 0)) {
      if (end == size) break;
      end = size;
      ec = {};
      continue;
    }
    if (ec) break;
  }
  if (!ec && !parser.is_done()) parser.put_eof(ec);  // the client closed the connection
  if (!parser.is_header_done()) return 0;
  // A request whose body is cut short still has headers worth checking.
  goclaw::api::HttpRequest req = ToRequest(parser.get());
  FUZZ_CHECK(req.path.find('?') == std::string::npos, "a path with a query");
  goclaw::fuzz::CheckString(req.path);
  goclaw::fuzz::CheckRequest(req);
  return 0;
}
