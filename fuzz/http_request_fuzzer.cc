// Raw bytes from a client -> Beast's request parser with the server's limits (16 KiB of
// headers, 4 MiB of body: http_server.cc, config.h) -> the server's conversion to HttpRequest
// -> the request helpers (request_checks.h).
//
// The conversion is the server's own (api/http/request_conversion.h).
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "goclaw/api/http/request_conversion.h"
#include "request_checks.h"

namespace {

namespace http = boost::beast::http;

constexpr std::size_t kHeaderLimit = 16 * 1024;  // http_server.cc
constexpr std::size_t kMaxBodyBytes = 4u << 20;  // config.h: server.max_body_bytes

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
  goclaw::api::http::HttpRequest req = goclaw::api::http::FromBeastRequest(parser.get());
  FUZZ_CHECK(req.path.find('?') == std::string::npos, "a path with a query");
  goclaw::fuzz::CheckString(req.path);
  goclaw::fuzz::CheckRequest(req);
  return 0;
}
