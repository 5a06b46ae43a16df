// Global options, config loading, input reading and error printing for the CLI.
#include "cli.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "goclaw/config/loader.h"

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

}  // namespace goclaw::cli
