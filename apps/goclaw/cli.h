// Shared pieces of the `goclaw` command line: global options, effective config, reading
// input files, printing errors the same way in every command, and calling a server the same
// way in every client command.
//
// Exit codes: 0 success, 1 the command ran and found a problem (invalid spec, bad config),
// 2 the command line itself was wrong.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/client/http_client.h"
#include "goclaw/config/config.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"
#include "goclaw/core/url.h"
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
// --server (or GOCLAW_SERVER) parsed: "http://host[:port]", errors naming --server.
Result<Url> ServerUrl(const std::string& server);
// What the commands that talk to a server send as User-Agent, and the client options with it.
inline constexpr const char* kCliUserAgent = "goclaw-cli";
client::HttpClientOptions CliClientOptions();

// "<source>: <message>" then one "  <source>:<line>: <path>: <detail>" line per detail.
void PrintError(std::ostream& out, std::string_view source, const Error& error);

// The gRPC port `--grpc` defaults to, on the host of --server (config grpc.port's default).
inline constexpr int kDefaultGrpcPort = 9090;

// What every command that talks to a server takes (cmd_client.cc, cmd_saga.cc).
struct ClientOptions {
  std::string server = "http://127.0.0.1:8080";
  bool json = false;
  std::string timeout;  // --timeout; "" = kDefaultClientTimeout
  std::string transport = "http";  // --transport http|grpc (transport.h)
  std::string grpc;  // --grpc host:port; "" = the host of --server, port kDefaultGrpcPort

  std::string TimeoutText() const { return timeout.empty() ? kDefaultClientTimeout : timeout; }
  Millis Timeout() const { return ParsedDuration(TimeoutText()); }
  // --grpc, or the host of --server with kDefaultGrpcPort.
  Result<std::string> GrpcTarget() const;
};
// --server, --json and (unless add_timeout is false: the command declares its own) --timeout.
void AddClientOptions(CLI::App* cmd, ClientOptions& o, bool add_timeout = true);
// --transport http|grpc (GOCLAW_TRANSPORT) and --grpc (GOCLAW_GRPC), for the commands that
// have a gRPC path (transport.h).
void AddTransportOptions(CLI::App* cmd, ClientOptions& o);
// One REST call: the answer's JSON, or the error (an HTTP error status as the API's error).
// Unless `caller_timeouts`, the connection and the answer each get --timeout.
Result<boost::json::value> HttpJson(const ClientOptions& o, client::Request req, bool caller_timeouts = false);
// `answer`, or nullopt after printing its error as `what` (each detail from `details_source`
// when it names none) and setting the exit code to kExitFailure.
std::optional<boost::json::value> Report(Context& ctx, std::string_view what, Result<boost::json::value> answer,
                                         std::string_view details_source = {});
// Calls the server; on failure prints the error as `what` and sets the exit code to
// kExitFailure. Unless `caller_timeouts`, the connection and the answer each get --timeout.
// `details_source`: the file whose lines the answer's error details point at (a spec sent as
// it was read), printed in front of each detail instead of `what`.
std::optional<boost::json::value> Call(Context& ctx, const ClientOptions& o, client::Request req,
                                       std::string_view what, bool caller_timeouts = false,
                                       std::string_view details_source = {});
// A field of a JSON answer as text ("" when absent or null; non-strings as compact JSON).
std::string Str(const boost::json::value& v, std::string_view key);
// Str, for printing: escaped when stdout is a terminal (terminal_text.h).
std::string Field(const boost::json::value& v, std::string_view key);
// --json output: the server's answer, pretty-printed (escaped on a terminal; still JSON).
void PrintJson(const boost::json::value& v);

void RegisterValidate(CLI::App& app, Context& ctx);
void RegisterPlan(CLI::App& app, Context& ctx);
void RegisterConfig(CLI::App& app, Context& ctx);
void RegisterVersion(CLI::App& app, Context& ctx);
void RegisterRun(CLI::App& app, Context& ctx);
void RegisterServer(CLI::App& app, Context& ctx);
void RegisterClientCommands(CLI::App& app, Context& ctx);  // submit, status, list, cancel, events, signal(s)
void RegisterSaga(CLI::App& app, Context& ctx);  // saga submit, status, list, compensate, recover
void RegisterAdmin(CLI::App& app, Context& ctx);  // admin snapshot, admin inspect
void RegisterMemory(CLI::App& app, Context& ctx);  // memory add, search, list, forget, stats, fsrs

}  // namespace goclaw::cli
