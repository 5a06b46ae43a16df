// Segment-by-segment route matching.
#include "goclaw/api/http/router.h"

#include <algorithm>

#include "goclaw/core/check.h"

namespace goclaw::api::http {
namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  if (!path.empty() && path[0] == '/') i = 1;
  while (i <= path.size()) {
    std::size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    out.emplace_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool IsRest(const std::string& segment) { return IsParam(segment) && segment[1] == '*'; }

}  // namespace

void Router::Add(std::string method, std::string pattern, std::string summary, Handler handler,
                 RouteOptions options) {
  GOCLAW_CHECK(!pattern.empty() && pattern[0] == '/');
  Route r{std::move(method), std::move(pattern), std::move(summary), std::move(handler), options, {}};
  r.segments = Split(r.pattern);
  for (std::size_t i = 0; i + 1 < r.segments.size(); ++i) GOCLAW_CHECK(!IsRest(r.segments[i]));
  routes_.push_back(std::move(r));
}

void Router::AddWebSocket(std::string pattern, std::string summary, WebSocketHandler handler) {
  Add("GET", std::move(pattern), std::move(summary), [](HttpRequest& req) {
    HttpResponse r = ErrorResponse(req, 426, kUpgradeRequired,
                                   "this route speaks WebSocket: send a GET with \"Connection: "
                                   "Upgrade\" and \"Upgrade: websocket\"");
    r.SetHeader("Upgrade", "websocket");
    return r;
  });
  routes_.back().websocket = std::move(handler);
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match m;
  const std::vector<std::string> segments = Split(path);
  for (const Route& r : routes_) {
    const bool rest = !r.segments.empty() && IsRest(r.segments.back());
    if (rest ? segments.size() < r.segments.size() : r.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < r.segments.size() && ok; ++i) {
      const std::string& want = r.segments[i];
      if (rest && i + 1 == r.segments.size()) {
        std::string raw;
        for (std::size_t k = i; k < segments.size(); ++k) raw += (k == i ? "" : "/") + segments[k];
        params[want.substr(2, want.size() - 3)] = std::move(raw);
      } else if (IsParam(want)) {
        std::string decoded;
        if (segments[i].empty()) {
          ok = false;
        } else if (!PercentDecode(segments[i], false, &decoded)) {
          m.bad_escape = true;
          ok = false;
        } else {
          params[want.substr(1, want.size() - 2)] = std::move(decoded);
        }
      } else {
        ok = want == segments[i];
      }
    }
    if (!ok) continue;
    if (r.method == method) {
      m.route = &r;
      m.params = std::move(params);
      m.allow.clear();
      return m;
    }
    if (std::find(m.allow.begin(), m.allow.end(), r.method) == m.allow.end()) m.allow.push_back(r.method);
  }
  std::sort(m.allow.begin(), m.allow.end());
  return m;
}

}  // namespace goclaw::api::http
