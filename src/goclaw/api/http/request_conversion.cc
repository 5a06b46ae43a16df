// Beast request -> HttpRequest.
#include "goclaw/api/http/request_conversion.h"

#include <cctype>
#include <string>

#include "goclaw/api/http/request_parsing.h"

namespace goclaw::api::http {

HttpRequest FromBeastRequest(boost::beast::http::request<boost::beast::http::string_body>& m) {
  HttpRequest req;
  req.method = std::string(m.method_string());
  req.target = std::string(m.target());
  std::size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) ParseQueryString(std::string_view(req.target).substr(q + 1), &req);
  for (const auto& field : m) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  req.body = std::move(m.body());
  return req;
}

void ParseQueryString(std::string_view query, HttpRequest* req) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string key, value;
    if (!PercentDecode(pair.substr(0, eq), true, &key) ||
        (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, &value))) {
      req->malformed_query = true;
      continue;
    }
    if (!req->query.emplace(key, std::move(value)).second && req->duplicate_query.empty()) {
      req->duplicate_query = key;
    }
  }
}

}  // namespace goclaw::api::http
