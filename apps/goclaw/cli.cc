// Global options, config loading, input reading and error printing for the CLI.
#include "cli.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "goclaw/config/loader.h"
#include "goclaw/core/document.h"

namespace goclaw::cli {

std::optional<config::Config> Context::LoadConfig(const std::vector<std::string>& extra_flags) {
  config::ConfigSources sources;
  sources.file_path = config_file;
  sources.env = config::ProcessEnvironment();
  sources.flags = sets;
  if (!log_level.empty()) sources.flags.push_back("log.level=" + log_level);
  if (!log_format.empty()) sources.flags.push_back("log.format=" + log_format);
  sources.flags.insert(sources.flags.end(), extra_flags.begin(), extra_flags.end());
  auto config = config::LoadConfig(sources);
  if (!config) {
    PrintError(std::cerr, config_file.empty() ? "goclaw" : config_file, config.error());
    exit_code = kExitFailure;
    return std::nullopt;
  }
  logging_ = std::make_unique<log::Logging>(config->log);
  return std::move(*config);
}

log::Logger Context::Logger(std::string_view module) const {
  return logging_ ? logging_->For(module) : log::Logger();
}

Result<std::string> ReadInput(const std::string& path, std::size_t max_bytes,
                              std::string_view limit_name) {
  auto too_big = [&](std::size_t size) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "input is " + std::to_string(size) + " bytes; the limit is " +
                         std::to_string(max_bytes) + " bytes (" + std::string(limit_name) + ")");
  };
  if (path == "-") {
    std::string text;
    char buf[1 << 16];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
      text.append(buf, static_cast<std::size_t>(std::cin.gcount()));
      if (text.size() > max_bytes) return too_big(text.size());
    }
    return text;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return MakeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                     std::string("cannot read file: ") + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return MakeError(ErrorCode::kInvalidArgument, "is a directory, expected a file");
  }
  if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) > max_bytes) {
    return too_big(static_cast<std::size_t>(st.st_size));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kUnavailable, std::string("cannot open file: ") +
                                                  std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string out = text.str();
  if (out.size() > max_bytes) return too_big(out.size());
  return out;
}

void PrintError(std::ostream& out, std::string_view source, const Error& error) {
  out << source << ": " << error.message() << "\n";
  for (const ErrorDetail& d : error.details()) {
    out << "  " << (d.source.empty() ? source : std::string_view(d.source));
    if (d.line > 0) out << ":" << d.line;
    out << ": ";
    if (!d.path.empty()) out << d.path << ": ";
    out << d.message << "\n";
  }
}

// --input k=v: the value is read as YAML, so numbers and booleans keep their type.
Result<boost::json::object> ParseInputs(const std::vector<std::string>& pairs,
                                        const std::string& input_file) {
  boost::json::object input;
  if (!input_file.empty()) {
    GOCLAW_ASSIGN_OR_RETURN(std::string text, ReadInput(input_file, 16u << 20, "input file"));
    auto doc = ParseDocument(text, DocumentFormatFromPath(input_file));
    if (!doc) {
      Error e = doc.error();
      return MakeError(e.WithContext(input_file));
    }
    if (!doc->root.is_object()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       input_file + ": the input must be an object (a mapping of keys to values)");
    }
    input = doc->root.get_object();
  }
  for (const std::string& pair : pairs) {
    std::size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--input " + pair + ": expected key=value, e.g. --input name=world");
    }
    std::string value = pair.substr(eq + 1);
    boost::json::value v = boost::json::string(value);
    if (!value.empty()) {
      if (auto doc = ParseDocument(value, DocumentFormat::kYaml); doc && !doc->root.is_object()) {
        v = std::move(doc->root);
      }
    }
    input[pair.substr(0, eq)] = std::move(v);
  }
  return input;
}

}  // namespace goclaw::cli
