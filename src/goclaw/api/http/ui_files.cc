// Finding and loading the web UI's files.
#include "goclaw/api/http/ui_files.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <utility>

#include "goclaw/core/hash.h"

namespace goclaw::api::http {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxAncestors = 8;

bool HasIndex(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "index.html", ec);
}

std::string Etag(std::string_view body) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(StableHash64(body)));
  return "\"" + std::string(hex) + "-" + std::to_string(body.size()) + "\"";
}

std::string MiB(std::size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

UiLocation FindUiDir(const UiSearch& search) {
  UiLocation out;
  auto look = [&out](const fs::path& dir, std::string_view note) {
    out.searched.push_back(dir.string() + std::string(note));
    if (!HasIndex(dir)) return false;
    out.dir = dir.string();
    return true;
  };
  if (!search.configured.empty()) {
    look(search.configured, " (ui.dir)");
    return out;  // configured: the only place
  }
  if (!search.env.empty() && look(search.env, " (GOCLAW_UI_DIR)")) return out;
  if (search.executable.empty()) return out;
  const fs::path bin = search.executable.parent_path();
  if (look((bin / ".." / "share" / "goclaw" / "ui").lexically_normal(), " (installed)")) return out;
  fs::path at = bin;
  for (int i = 0; i < kMaxAncestors && !at.empty(); ++i) {
    if (look(at / "web" / "dist", "")) return out;
    if (at == at.parent_path()) break;
    at = at.parent_path();
  }
  return out;
}

std::string_view ContentTypeOf(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 18> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".json", "application/json"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".ico", "image/x-icon"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
  }};
  const std::size_t slash = path.rfind('/');
  const std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  std::string ext(path.substr(dot));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [suffix, type] : kTypes) {
    if (ext == suffix) return type;
  }
  return "application/octet-stream";
}

Result<UiFiles> UiFiles::Load(const fs::path& dir, std::size_t max_bytes) {
  std::error_code ec;
  const fs::path root = fs::canonical(dir, ec);
  if (ec || !HasIndex(root)) {
    return MakeError(ErrorCode::kNotFound, "no index.html in " + dir.string());
  }
  UiFiles out;
  out.dir_ = root.string();
  // Not following directory symlinks (directory_options::none); file symlinks are skipped below.
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    std::error_code kind;
    const bool symlink = entry.is_symlink(kind);
    if (!name.empty() && name[0] == '.') {
      ++out.skipped_;
      if (!symlink && entry.is_directory(kind)) it.disable_recursion_pending();
      continue;
    }
    if (symlink) {
      ++out.skipped_;
      continue;
    }
    if (entry.is_directory(kind)) continue;
    if (!entry.is_regular_file(kind)) {
      ++out.skipped_;
      continue;
    }
    if (out.files_.size() >= kMaxFiles) {
      return MakeError(ErrorCode::kResourceExhausted, "the UI in " + out.dir_ + " has more than " +
                                                          std::to_string(kMaxFiles) + " files");
    }
    const std::string relative = entry.path().lexically_relative(root).generic_string();
    const std::uintmax_t size = entry.file_size(kind);
    if (kind || out.bytes_ + size > max_bytes) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "the UI's files in " + out.dir_ + " are more than " + MiB(max_bytes) +
                           " together (at " + relative + "); is this a built web/dist?");
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::string body(static_cast<std::size_t>(size) + 1, '\0');  // one more: a file that grew
    in.read(body.data(), static_cast<std::streamsize>(body.size()));
    if (in.bad() || static_cast<std::uintmax_t>(in.gcount()) != size) {
      return MakeError(ErrorCode::kUnavailable,
                       "cannot read " + entry.path().string() + " (changed while read?)");
    }
    body.resize(static_cast<std::size_t>(size));
    out.bytes_ += body.size();
    UiFile file{std::move(body), std::string(ContentTypeOf(relative)), {}};
    file.etag = Etag(file.body);
    out.files_.emplace(relative, std::move(file));
  }
  if (ec)
    return MakeError(ErrorCode::kUnavailable, "cannot list " + out.dir_ + ": " + ec.message());
  if (out.Find("index.html") == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     "no index.html in " + out.dir_ + " (a symlink is not served)");
  }
  return out;
}

const UiFile* UiFiles::Find(std::string_view relative) const {
  auto it = files_.find(relative);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace goclaw::api::http
