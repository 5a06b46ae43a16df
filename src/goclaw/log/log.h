// Structured logging on spdlog. `Logging` is built once from LogConfig by the composition root
// and hands out per-module `Logger`s; a Logger carries fields (workflow_id, task_id,
// request_id, ...) that are attached to every line it writes.
//
// Output goes to stderr: human-readable text on a TTY ("2026-11-25 08:30:00.123 INFO  dag
// compiled plan workflow_id=..."), one JSON object per line otherwise or when configured
// ({"ts":"...","level":"info","module":"dag","msg":"compiled plan","workflow_id":"..."}).
// The level is global with per-module overrides (log.modules).
//
// Thread-safety: Logging::For and Logger methods may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "goclaw/config/config.h"

namespace spdlog {
class logger;
namespace sinks {
class sink;
}
}  // namespace spdlog

namespace goclaw::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kCritical, kOff };

class Logger {
 public:
  Logger() = default;  // discards everything

  // A logger that adds `key=value` to every line, on top of this logger's fields.
  Logger With(std::string_view key, std::string_view value) const;

  bool Enabled(Level level) const;
  void Write(Level level, std::string_view message) const;

  template <typename... Args>
  void Debug(fmt::format_string<Args...> f, Args&&... args) const {
    Log(Level::kDebug, f, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void Info(fmt::format_string<Args...> f, Args&&... args) const {
    Log(Level::kInfo, f, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void Warn(fmt::format_string<Args...> f, Args&&... args) const {
    Log(Level::kWarn, f, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void Error(fmt::format_string<Args...> f, Args&&... args) const {
    Log(Level::kError, f, std::forward<Args>(args)...);
  }

 private:
  friend class Logging;
  template <typename... Args>
  void Log(Level level, fmt::format_string<Args...> f, Args&&... args) const {
    if (Enabled(level)) Write(level, fmt::format(f, std::forward<Args>(args)...));
  }

  std::shared_ptr<spdlog::logger> impl_;
  bool json_ = false;
  std::vector<std::pair<std::string, std::string>> fields_;
};

class Logging {
 public:
  // `sink` overrides stderr (tests capture output with it).
  explicit Logging(const config::LogConfig& config,
                   std::shared_ptr<spdlog::sinks::sink> sink = nullptr);
  ~Logging();
  Logging(const Logging&) = delete;
  Logging& operator=(const Logging&) = delete;

  // The logger for a module ("dag", "engine"); its level is log.modules[module] or log.level.
  Logger For(std::string_view module);

  bool json() const { return json_; }

 private:
  config::LogConfig config_;
  std::shared_ptr<spdlog::sinks::sink> sink_;
  bool json_;
};

// "info" -> kInfo; unknown names -> kInfo (names are validated by the config schema).
Level ParseLevel(std::string_view name);

}  // namespace goclaw::log
