// The web UI at /ui (ui_files.h): GET and HEAD of /ui/<file> from memory, the single-page
// app's fallback to index.html, the redirects of / and /ui, and a 503 page when the UI is not
// built. Every answer of these routes carries the Content-Security-Policy and the other
// hardening headers (kUiContentSecurityPolicy). These routes are not in /api/v1/openapi.json
// (RouteOptions::documented).
#include <memory>
#include <string>
#include <utility>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/ui_files.h"

namespace goclaw::api::http {
namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

void Harden(HttpResponse& res) {
  res.SetHeader("Content-Security-Policy", std::string(kUiContentSecurityPolicy));
  res.SetHeader("X-Content-Type-Options", "nosniff");
  res.SetHeader("X-Frame-Options", "DENY");  // frame-ancestors 'none' for older browsers
  res.SetHeader("Referrer-Policy", "no-referrer");
}

HttpResponse NotBuilt() {
  HttpResponse res =
      HttpResponse::Text(503,
                         "<!doctype html>\n<html lang=\"en\"><head><meta "
                         "charset=\"utf-8\"><title>goclaw: the web UI is not "
                         "built</title></head>\n<body style=\"font-family: sans-serif; max-width: "
                         "40em; margin: 3em auto\">\n"
                         "<h1>The goclaw web UI is not built</h1>\n"
                         "<p>This server found no UI files. Build them with <code>make ui</code> "
                         "(it runs <code>npm ci</code> and "
                         "<code>npm run build</code> in <code>web/</code>, which writes "
                         "<code>web/dist</code>), then restart the "
                         "server. The server's log says where it looked; <code>ui.dir</code> "
                         "(config) or <code>GOCLAW_UI_DIR</code> "
                         "names the directory.</p>\n<p>The REST API works without it: <a "
                         "href=\"/api/v1/openapi.json\">"
                         "/api/v1/openapi.json</a>.</p>\n</body></html>\n",
                         "text/html; charset=utf-8");
  res.SetHeader("Cache-Control", "no-store");
  return res;
}

HttpResponse Redirect(HttpRequest& req) {
  HttpResponse res;
  res.status = 302;
  res.content_type.clear();
  const std::size_t q = req.target.find('?');
  res.SetHeader("Location",
                "/ui/" + (q == std::string::npos ? std::string() : req.target.substr(q)));
  res.SetHeader("Cache-Control", "no-cache");
  return res;
}

// If-None-Match: a list of tags, or "*".
bool Matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match.empty()) return false;
  if (if_none_match == "*") return true;
  std::size_t at = 0;
  while (at < if_none_match.size()) {
    std::size_t comma = if_none_match.find(',', at);
    if (comma == std::string_view::npos) comma = if_none_match.size();
    std::string_view tag = if_none_match.substr(at, comma - at);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);  // weak comparison (RFC 9110 §13.1.2)
    if (tag == etag) return true;
    at = comma + 1;
  }
  return false;
}

HttpResponse Send(const HttpRequest& req, const UiFile& file, bool immutable) {
  HttpResponse res;
  if (Matches(req.Header("if-none-match"), file.etag)) {
    res.status = 304;
    res.content_type.clear();
  } else {
    res.content_type = file.content_type;
    res.body = file.body;
  }
  res.SetHeader("ETag", file.etag);
  res.SetHeader("Cache-Control", std::string(immutable ? kImmutable : "no-cache"));
  return res;
}

// `raw` (the rest of the path after /ui/, undecoded) as a path relative to the UI's directory,
// segment by segment: false for malformed escapes, NUL, '.', '..', encoded slashes or empty
// segments (but a trailing slash). `last` is the last non-empty segment.
bool SafePath(std::string_view raw, std::string* relative, std::string* last) {
  relative->clear();
  last->clear();
  std::size_t at = 0;
  while (at <= raw.size()) {
    std::size_t slash = raw.find('/', at);
    if (slash == std::string_view::npos) slash = raw.size();
    std::string_view segment = raw.substr(at, slash - at);
    const bool final = slash == raw.size();
    if (segment.empty()) {
      if (!final) return false;
      break;
    }
    std::string decoded;
    if (!PercentDecode(segment, false, &decoded)) return false;
    if (decoded == "." || decoded == ".." || decoded.find_first_of("/\\") != std::string::npos)
      return false;
    if (!relative->empty()) *relative += '/';
    *relative += decoded;
    *last = std::move(decoded);
    at = slash + 1;
  }
  return true;
}

HttpResponse Serve(const UiFiles* files, HttpRequest& req) {
  if (files == nullptr) return NotBuilt();
  std::string relative, last;
  if (!SafePath(req.params.at("path"), &relative, &last)) {
    return ErrorResponse(
        req, 400, kBadRequest,
        "a UI path is plain segments: no malformed %-escapes, NUL, '.', '..', encoded slashes "
        "or empty segments");
  }
  if (relative.empty()) relative = "index.html";
  if (const UiFile* file = files->Find(relative))
    return Send(req, *file, relative.rfind("assets/", 0) == 0);
  // A page of the single-page app (its router's path): the app. A missing file: 404.
  if (last.find('.') != std::string::npos)
    return ErrorResponse(req, 404, kNotFound, "no UI file " + req.path);
  return Send(req, *files->Find("index.html"), false);
}

// Every answer, the 400/404 error bodies and the 503 page included.
Handler Hardened(Handler handler) {
  return [handler = std::move(handler)](HttpRequest& r) {
    HttpResponse res = handler(r);
    Harden(res);
    return res;
  };
}

}  // namespace

void AddUiRoutes(Router& router, std::shared_ptr<const UiFiles> files) {
  const RouteOptions hidden{.documented = false};
  for (const char* method : {"GET", "HEAD"}) {
    router.Add(method, "/", "Redirect to the web UI",
               Hardened([](HttpRequest& r) { return Redirect(r); }), hidden);
    router.Add(method, "/ui", "Redirect to the web UI",
               Hardened([](HttpRequest& r) { return Redirect(r); }), hidden);
    router.Add(method, "/ui/{*path}",
               "The web UI: files of web/dist, index.html for the app's pages",
               Hardened([files](HttpRequest& r) { return Serve(files.get(), r); }), hidden);
  }
}

}  // namespace goclaw::api::http
