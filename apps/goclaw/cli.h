// Shared pieces of the `goclaw` command line: global options, effective config, reading
// input files, and printing errors the same way in every command.
//
// Exit codes: 0 success, 1 the command ran and found a problem (invalid spec, bad config),
// 2 the command line itself was wrong.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <boost/json/object.hpp>

#include "goclaw/config/config.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"
#include "goclaw/dag/spec_checks.h"
#include "goclaw/log/log.h"

namespace goclaw::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;  // Ctrl-C

struct Context {
  // Global options (valid before or after the command name).
  std::string config_file;         // --config / GOCLAW_CONFIG
  std::vector<std::string> sets;   // --set key=value, repeatable
  std::string log_level;           // --log-level
  std::string log_format;          // --log-format

  int exit_code = kExitOk;

  // Config from defaults < file < environment < flags, plus `extra_flags` (the command's own
  // options as key=value). Prints every problem and returns nullopt when it is invalid.
  // On success also sets up logging as the config says.
  std::optional<config::Config> LoadConfig(const std::vector<std::string>& extra_flags = {});

  // The logger of `module` (discards everything until LoadConfig succeeded).
  log::Logger Logger(std::string_view module) const;

 private:
  std::unique_ptr<log::Logging> logging_;
};

// Reads a file ("-" = stdin) of at most `max_bytes`; larger inputs are refused before they
// are read into memory.
Result<std::string> ReadInput(const std::string& path, std::size_t max_bytes,
                              std::string_view limit_name);

// What a spec may use where this CLI runs it, for dag::CompileDocument: the lanes in `config`
// (plus "default", which every engine has) and the task types in `types`
// (server::ValidationRegistry), which must outlive the environment.
dag::RunEnvironment LocalEnvironment(const config::Config& config, const dag::TaskTypeCatalog* types);

// --input k=v pairs (values read as YAML scalars, so numbers and booleans keep their type)
// over the object in `input_file` (JSON or YAML), if given.
Result<boost::json::object> ParseInputs(const std::vector<std::string>& pairs,
                                        const std::string& input_file);

// A CLI11 check for duration options ("30s", "1m30s"): parsed by ParseDuration, more than 0.
CLI::Validator PositiveDuration();
// A CLI11 check for path options such as --data-dir: refuses "" (which would otherwise quietly
// mean the default directory).
CLI::Validator NonEmptyPath();
// Parses a value PositiveDuration() accepted.
Millis ParsedDuration(const std::string& text);
// Every command that talks to a server waits at most this long for a connection and an answer
// unless --timeout says otherwise.
inline constexpr const char* kDefaultClientTimeout = "30s";
// `error`, naming --timeout when it is a timeout, so that the user knows the knob.
Error WithTimeoutHint(const Error& error, const std::string& timeout);

// "<source>: <message>" then one "  <source>:<line>: <path>: <detail>" line per detail.
void PrintError(std::ostream& out, std::string_view source, const Error& error);

void RegisterValidate(CLI::App& app, Context& ctx);
void RegisterPlan(CLI::App& app, Context& ctx);
void RegisterConfig(CLI::App& app, Context& ctx);
void RegisterVersion(CLI::App& app, Context& ctx);
void RegisterRun(CLI::App& app, Context& ctx);
void RegisterServer(CLI::App& app, Context& ctx);
void RegisterClientCommands(CLI::App& app, Context& ctx);
void RegisterAdmin(CLI::App& app, Context& ctx);  // admin snapshot, admin inspect  // submit, status, list, cancel, events

}  // namespace goclaw::cli
