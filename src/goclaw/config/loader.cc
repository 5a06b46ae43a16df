// Layered configuration loading.
#include "goclaw/config/loader.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <boost/json/object.hpp>

#include "goclaw/config/schema.h"
#include "goclaw/core/document.h"
#include "goclaw/core/json_reader.h"

extern char** environ;

namespace goclaw::config {
namespace {

constexpr std::string_view kEnvPrefix = "GOCLAW_";
constexpr std::string_view kSections[] = {"server", "storage", "shutdown", "log",     "dag",
                                          "executors", "lanes", "limits", "signals", "sessions"};
constexpr std::size_t kMaxConfigBytes = 4u << 20;

// A value given as text (environment, --set): read as a YAML scalar or flow collection, so
// "9090" is a number and "[{name: a}]" a list. Empty text is the empty string.
boost::json::value ParseValueText(const std::string& text) {
  if (text.empty()) return boost::json::string();
  DocumentLimits limits;
  limits.max_bytes = 1u << 20;
  auto doc = ParseDocument(text, DocumentFormat::kYaml, limits);
  if (!doc) return boost::json::string(text);
  return std::move(doc->root);
}

// Sets root.a.b.c = value, creating (or replacing non-object) intermediate objects.
void SetPath(boost::json::value& root, std::string_view path, boost::json::value value) {
  boost::json::value* cur = &root;
  while (true) {
    if (!cur->is_object()) cur->emplace_object();
    std::size_t dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    boost::json::value& next = cur->get_object()[key];
    if (dot == std::string_view::npos) {
      next = std::move(value);
      return;
    }
    cur = &next;
    path.remove_prefix(dot + 1);
  }
}

// Objects merge key by key; anything else (lists included) is replaced.
void DeepMerge(boost::json::value& into, const boost::json::value& from) {
  if (into.is_object() && from.is_object()) {
    for (const auto& kv : from.get_object()) DeepMerge(into.get_object()[kv.key()], kv.value());
    return;
  }
  into = from;
}

// GOCLAW_STORAGE_SYNC_MODE -> "storage.sync_mode"; "" when the name is not a config key.
std::string EnvToPath(std::string_view name) {
  if (name.substr(0, kEnvPrefix.size()) != kEnvPrefix) return "";
  std::string rest;
  for (char c : name.substr(kEnvPrefix.size())) {
    rest += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  for (std::string_view section : kSections) {
    if (rest == section && (section == "lanes" || section == "sessions")) return rest;
    if (rest.size() > section.size() + 1 && rest.compare(0, section.size(), section) == 0 &&
        rest[section.size()] == '_') {
      std::string key = rest.substr(section.size() + 1);
      if (section == "log" && key.rfind("modules_", 0) == 0) {
        return "log.modules." + key.substr(8);
      }
      if (section == "executors" && key.rfind("exec_", 0) == 0) {
        return "executors.exec." + key.substr(5);
      }
      return std::string(section) + "." + key;
    }
  }
  return "";
}

// One layer: its JSON, where it came from, and the document (for line numbers) if a file.
struct Layer {
  std::string source;
  boost::json::value value;
  std::optional<Document> doc;
};

Result<Layer> FileLayer(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kNotFound, "cannot read config file " + path + ": " +
                                               std::strerror(errno));
  }
  // At most one byte past the limit: `--config /dev/zero` or a FIFO must not read forever.
  std::string contents(kMaxConfigBytes + 1, '\0');
  in.read(contents.data(), static_cast<std::streamsize>(contents.size()));
  contents.resize(static_cast<std::size_t>(in.gcount()));
  if (contents.size() > kMaxConfigBytes) {
    return MakeError(ErrorCode::kResourceExhausted, "config file " + path + " is more than " +
                                                        std::to_string(kMaxConfigBytes) +
                                                        " bytes; a config file must be smaller");
  }
  DocumentLimits limits;
  limits.max_bytes = kMaxConfigBytes;
  if (contents.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Layer{path, nullptr, std::nullopt};  // an empty file configures nothing
  }
  auto doc = ParseDocument(contents, DocumentFormatFromPath(path), limits);
  if (!doc) {
    Error e = doc.error();
    return MakeError(e.WithContext(path));
  }
  Layer layer{path, doc->root, std::move(*doc)};
  return layer;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ProcessEnvironment() {
  std::vector<std::pair<std::string, std::string>> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return out;
}

Result<Config> LoadConfig(const ConfigSources& sources) {
  std::vector<Layer> layers;
  if (!sources.file_path.empty()) {
    GOCLAW_ASSIGN_OR_RETURN(Layer file, FileLayer(sources.file_path));
    layers.push_back(std::move(file));
  }
  for (const auto& [name, text] : sources.env) {
    std::string path = EnvToPath(name);
    if (path.empty()) continue;
    Layer layer{name, boost::json::object(), std::nullopt};
    SetPath(layer.value, path, ParseValueText(text));
    layers.push_back(std::move(layer));
  }
  Diagnostics all;
  for (const std::string& flag : sources.flags) {
    std::size_t eq = flag.find('=');
    if (eq == std::string::npos || eq == 0) {
      all.set_source("--set " + flag);
      all.Add("", "expected key.path=value, e.g. --set server.port=9090");
      continue;
    }
    Layer layer{"--set " + flag, boost::json::object(), std::nullopt};
    SetPath(layer.value, flag.substr(0, eq), ParseValueText(flag.substr(eq + 1)));
    layers.push_back(std::move(layer));
  }

  // Each layer is checked on its own, so every problem names the file line, variable or flag
  // it came from; then the merged document is decoded and checked as a whole.
  boost::json::value merged = boost::json::object();
  for (const Layer& layer : layers) {
    Diagnostics diag(layer.doc ? &*layer.doc : nullptr);
    diag.set_source(layer.source);
    Config scratch;
    DecodeConfig(layer.value, &scratch, diag);
    all.Merge(diag);
    DeepMerge(merged, layer.value);
  }
  if (!all.empty()) return MakeError(all.ToError("configuration"));

  Config config;
  // Lines for cross-field problems come from the file when there is one.
  const Document* file_doc = !layers.empty() && layers.front().doc ? &*layers.front().doc : nullptr;
  Diagnostics diag(file_doc);
  diag.set_source(sources.file_path.empty() ? "configuration" : sources.file_path);
  DecodeConfig(merged, &config, diag);
  ValidateConfig(&config, diag);
  if (!diag.empty()) return MakeError(diag.ToError("configuration"));
  return config;
}

}  // namespace goclaw::config
