// spdlog-backed loggers with text and JSON line formats.
#include "goclaw/log/log.h"

#include <unistd.h>

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace goclaw::log {
namespace {

spdlog::level::level_enum ToSpd(Level level) {
  return static_cast<spdlog::level::level_enum>(static_cast<int>(level));
}

// Appends `s` as the body of a JSON string (without quotes).
void AppendJsonEscaped(std::string& out, std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += ch;
        }
    }
  }
}

}  // namespace

Level ParseLevel(std::string_view name) {
  constexpr std::string_view kNames[] = {"trace", "debug", "info", "warn",
                                         "error", "critical", "off"};
  for (int i = 0; i < 7; ++i) {
    if (kNames[i] == name) return static_cast<Level>(i);
  }
  return Level::kInfo;
}

Logger Logger::With(std::string_view key, std::string_view value) const {
  Logger copy = *this;
  copy.fields_.emplace_back(key, value);
  return copy;
}

bool Logger::Enabled(Level level) const { return impl_ && impl_->should_log(ToSpd(level)); }

void Logger::Write(Level level, std::string_view message) const {
  if (!Enabled(level)) return;
  std::string line;
  if (json_) {
    // The pattern supplies {"ts":...,"level":...,"module":..., and the closing brace; the
    // payload is the rest of the object.
    line += "\"msg\":\"";
    AppendJsonEscaped(line, message);
    line += '"';
    for (const auto& [key, value] : fields_) {
      line += ",\"";
      AppendJsonEscaped(line, key);
      line += "\":\"";
      AppendJsonEscaped(line, value);
      line += '"';
    }
  } else {
    line.append(message);
    for (const auto& [key, value] : fields_) {
      line += ' ';
      line += key;
      line += '=';
      line += value;
    }
  }
  impl_->log(ToSpd(level), spdlog::string_view_t(line.data(), line.size()));
}

Logging::Logging(const config::LogConfig& config, std::shared_ptr<spdlog::sinks::sink> sink)
    : config_(config), sink_(std::move(sink)) {
  bool tty = ::isatty(STDERR_FILENO) == 1;
  json_ = config.format == config::LogFormat::kJson ||
          (config.format == config::LogFormat::kAuto && !tty);
  if (!sink_) {
    if (json_) {
      sink_ = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
      sink_ = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    }
  }
  if (json_) {
    sink_->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","module":"%n",%v})",
        spdlog::pattern_time_type::utc));
  } else {
    sink_->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %-6n %v", spdlog::pattern_time_type::local));
  }
}

Logging::~Logging() = default;

Logger Logging::For(std::string_view module) {
  Logger logger;
  logger.impl_ = std::make_shared<spdlog::logger>(std::string(module), sink_);
  auto it = config_.modules.find(std::string(module));
  Level level = ParseLevel(it != config_.modules.end() ? it->second : config_.level);
  logger.impl_->set_level(ToSpd(level));
  logger.json_ = json_;
  return logger;
}

}  // namespace goclaw::log
