// The web UI's files (web/dist, built by `make ui`: index.html and hashed files under
// assets/), found at start and held in memory, so that a request can only ever be answered
// from what was loaded: nothing outside the directory is reachable, whatever the path says.
//
//   UiLocation where = FindUiDir({.configured = config.ui.dir, .env = getenv("GOCLAW_UI_DIR"),
//                                 .executable = "/proc/self/exe" resolved});
//   auto files = UiFiles::Load(where.dir);   // kNotFound, kResourceExhausted, kUnavailable
//   const UiFile* f = files->Find("assets/index-1a2b.js");
//
// Loading walks the directory without following symlinks (a symlinked file or directory is
// skipped and counted), skips names starting with '.', and refuses more than max_bytes in all
// (16 MiB by default) or more than kMaxFiles files. A rebuilt UI is served after a restart.
//
// Thread-safety: UiFiles is immutable once loaded; FindUiDir and ContentTypeOf are pure but for
// the filesystem checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "goclaw/core/status.h"

namespace goclaw::api::http {

// The Content-Security-Policy every answer under /ui/ carries (ui_routes.cc), with
// `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` and `Referrer-Policy: no-referrer`.
// The built app runs under it without a violation (web/e2e fails on any): its scripts are files
// (no inline script, no eval), the WebSocket to /ws/events is same-origin ('self' covers ws:),
// and only styles may be inline (React sets style attributes; libraries add <style> elements).
inline constexpr std::string_view kUiContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

struct UiFile {
  std::string body;
  std::string content_type;  // by extension (ContentTypeOf)
  std::string etag;          // a strong validator: "\"<hash of the body>\""
};

// Where to look for the UI's files, in this order:
//   1. `configured` (ui.dir), when not empty: the only place then;
//   2. `env` (GOCLAW_UI_DIR), when not empty;
//   3. <the executable's directory>/../share/goclaw/ui (an installed goclaw);
//   4. <each ancestor of the executable's directory>/web/dist (the build tree:
//      build/release/apps/goclaw/goclaw finds <repo>/web/dist), up to 8 levels.
// A place counts when it has an index.html.
struct UiSearch {
  std::string configured;
  std::string env;
  std::filesystem::path executable;  // empty: steps 3 and 4 are skipped
};

struct UiLocation {
  std::string dir;                    // empty: not found
  std::vector<std::string> searched;  // every place looked at, in order (for the log)
};

UiLocation FindUiDir(const UiSearch& search);

// "text/html; charset=utf-8", "text/javascript; charset=utf-8", ... by the extension of `path`
// (html, js, mjs, css, svg, png, jpg, gif, webp, json, woff, woff2, ttf, ico, map, txt, wasm);
// "application/octet-stream" otherwise.
std::string_view ContentTypeOf(std::string_view path);

class UiFiles {
 public:
  static constexpr std::size_t kMaxTotalBytes = 16u << 20;
  static constexpr std::size_t kMaxFiles = 10000;

  // kNotFound when `dir` has no index.html (or does not exist), kResourceExhausted when its
  // files are over `max_bytes` together or more than kMaxFiles, kUnavailable when one cannot
  // be read.
  static Result<UiFiles> Load(const std::filesystem::path& dir,
                              std::size_t max_bytes = kMaxTotalBytes);

  // By its path relative to the directory ("index.html", "assets/app-1a2b.js"); null if none.
  const UiFile* Find(std::string_view relative) const;
  const std::string& dir() const { return dir_; }  // canonical
  std::size_t count() const { return files_.size(); }
  std::size_t bytes() const { return bytes_; }
  std::size_t skipped() const { return skipped_; }  // symlinks and dot-files left out

 private:
  std::string dir_;
  std::map<std::string, UiFile, std::less<>> files_;
  std::size_t bytes_ = 0;
  std::size_t skipped_ = 0;
};

}  // namespace goclaw::api::http
