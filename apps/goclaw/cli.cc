// Global options, config loading, input reading and error printing for the CLI.
#include "cli.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "goclaw/config/loader.h"
#include "goclaw/core/check.h"
#include "goclaw/core/document.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/json_format.h"
#include "goclaw/core/suggest.h"
#include "goclaw/core/text.h"
#include "terminal_text.h"

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

namespace {

// Reads `in` to its end or to one byte past `max_bytes`, whichever comes first: a pipe, a FIFO
// or /dev/zero is never read further than the limit.
Result<std::string> ReadBounded(std::istream& in, std::size_t max_bytes, std::string_view limit_name) {
  std::string text;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "input is more than " + std::to_string(max_bytes) + " bytes; the limit is " +
                           std::to_string(max_bytes) + " bytes (" + std::string(limit_name) + ")");
    }
  }
  if (in.bad()) return MakeError(ErrorCode::kUnavailable, std::string("cannot read: ") + std::strerror(errno));
  return text;
}

}  // namespace

Result<std::string> ReadInput(const std::string& path, std::size_t max_bytes,
                              std::string_view limit_name) {
  if (path == "-") return ReadBounded(std::cin, max_bytes, limit_name);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return MakeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                     std::string("cannot read file: ") + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return MakeError(ErrorCode::kInvalidArgument, "is a directory, expected a file");
  }
  if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) > max_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "input is " + std::to_string(st.st_size) + " bytes; the limit is " +
                         std::to_string(max_bytes) + " bytes (" + std::string(limit_name) + ")");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kUnavailable, std::string("cannot open file: ") +
                                                  std::strerror(errno));
  }
  // Also bounded for regular files: one may grow between stat and read.
  auto text = ReadBounded(in, max_bytes, limit_name);
  if (!text && !S_ISREG(st.st_mode) && text.error().code() == ErrorCode::kResourceExhausted) {
    return MakeError(ErrorCode::kResourceExhausted,
                     text.error().message() + "; not a regular file (a device or a pipe?): read up to the limit");
  }
  return text;
}

CLI::Validator PositiveDuration() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        auto d = ParseDuration(value);
        if (!d) return d.error().message() + " (e.g. 30s, 2m, 1m30s)";
        if (d->count() <= 0) return "must be more than 0s, got " + value;
        return "";
      },
      "DURATION");
}

CLI::Validator NonEmptyPath() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        return value.empty() ? "must not be empty: give a directory path (leave the option out for the default)"
                             : "";
      },
      "PATH");
}

Millis ParsedDuration(const std::string& text) {
  auto d = ParseDuration(text);
  GOCLAW_CHECK(d.has_value());  // checked by PositiveDuration
  return *d;
}

Error WithTimeoutHint(const Error& error, const std::string& timeout) {
  if (error.code() != ErrorCode::kDeadlineExceeded) return error;
  return Error(error.code(), error.message() + " (--timeout " + timeout + "; is the server overloaded or stuck?)",
               error.details());
}

Result<Url> ServerUrl(const std::string& server) { return client::ParseServerUrl(server, "--server"); }

client::HttpClientOptions CliClientOptions() { return {.user_agent = kCliUserAgent}; }

void PrintError(std::ostream& out, std::string_view source, const Error& error) {
  // Messages may quote a server's answer or a spec's text: escaped on a terminal.
  const Stream stream = StreamOf(out);
  out << Shown(source, stream) << ": " << Shown(error.message(), stream) << "\n";
  for (const ErrorDetail& d : error.details()) {
    out << "  " << Shown(d.source.empty() ? source : std::string_view(d.source), stream);
    if (d.line > 0) out << ":" << d.line;
    out << ": ";
    if (!d.path.empty()) out << Shown(d.path, stream) << ": ";
    out << Shown(d.message, stream) << "\n";
  }
}

void AddClientOptions(CLI::App* cmd, ClientOptions& o, bool add_timeout) {
  cmd->add_option("--server", o.server, "The goclaw server")->envname("GOCLAW_SERVER")->capture_default_str();
  cmd->add_flag("--json", o.json, "Print the server's JSON answer");
  if (add_timeout) {
    cmd->add_option("--timeout", o.timeout,
                    std::string("How long to wait for the server to accept the connection and to answer "
                                "(default ") + kDefaultClientTimeout + ")")
        ->check(PositiveDuration());
  }
}

void AddTransportOptions(CLI::App* cmd, ClientOptions& o) {
  cmd->add_option("--transport", o.transport, "Talk to the server over its REST API (http) or gRPC (grpc)")
      ->envname("GOCLAW_TRANSPORT")
      ->check(CLI::IsMember({"http", "grpc"}))
      ->capture_default_str();
  cmd->add_option("--grpc", o.grpc,
                  "The server's gRPC address host:port, with --transport grpc (default: the host of --server, port " +
                      std::to_string(kDefaultGrpcPort) + ")")
      ->envname("GOCLAW_GRPC");
}

Result<std::string> ClientOptions::GrpcTarget() const {
  if (!grpc.empty()) return grpc;
  GOCLAW_ASSIGN_OR_RETURN(Url url, ServerUrl(server));
  return url.WireHost() + ":" + std::to_string(kDefaultGrpcPort);
}

Result<boost::json::value> HttpJson(const ClientOptions& o, client::Request req, bool caller_timeouts) {
  if (!caller_timeouts) {
    req.connect_timeout = o.Timeout();
    req.timeout = o.Timeout();
  }
  GOCLAW_ASSIGN_OR_RETURN(Url server, ServerUrl(o.server));
  auto res = client::HttpCall(server, req, CliClientOptions());
  if (!res) return MakeError(WithTimeoutHint(res.error(), o.TimeoutText()));
  if (res->status >= 400) return MakeError(res->ToError());
  return res->Json();
}

std::optional<boost::json::value> Report(Context& ctx, std::string_view what, Result<boost::json::value> answer,
                                         std::string_view details_source) {
  if (answer) return std::move(*answer);
  Error error = answer.error();
  if (!details_source.empty()) {
    std::vector<ErrorDetail> details = error.details();
    for (ErrorDetail& d : details) {
      if (d.source.empty()) d.source = std::string(details_source);
    }
    error = Error(error.code(), error.message(), std::move(details));
  }
  PrintError(std::cerr, what, error);
  ctx.exit_code = kExitFailure;
  return std::nullopt;
}

std::optional<boost::json::value> Call(Context& ctx, const ClientOptions& o, client::Request req,
                                       std::string_view what, bool caller_timeouts,
                                       std::string_view details_source) {
  return Report(ctx, what, HttpJson(o, std::move(req), caller_timeouts), details_source);
}

std::string Str(const boost::json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  const auto* f = o ? o->if_contains(key) : nullptr;
  if (f == nullptr || f->is_null()) return "";
  return f->is_string() ? std::string(f->as_string()) : CompactJson(*f);
}

std::string Field(const boost::json::value& v, std::string_view key) { return Shown(Str(v, key)); }

void PrintJson(const boost::json::value& v) { std::cout << ShownBlock(PrettyJson(v)) << "\n"; }

dag::RunEnvironment LocalEnvironment(const config::Config& config, const dag::TaskTypeCatalog* types) {
  std::vector<std::string> lanes{std::string(dag::kDefaultLane)};
  for (const config::LaneConfig& l : config.lanes) {
    if (l.name != dag::kDefaultLane) lanes.push_back(l.name);
  }
  dag::RunEnvironment env;
  env.lane_problem = [lanes](std::string_view lane) -> std::optional<std::string> {
    std::string list;
    for (const std::string& l : lanes) {
      if (l == lane) return std::nullopt;
      // A template ("session:*") takes any key after its prefix.
      if (!l.empty() && l.back() == '*' && lane.size() >= l.size() && lane.substr(0, l.size() - 1) == l.substr(0, l.size() - 1)) {
        return std::nullopt;
      }
      list += (list.empty() ? "" : ", ") + l;
    }
    std::string message = "unknown lane " + QuoteForMessage(lane) + "; the config has " + list;
    if (auto near = NearestName(lane, std::span<const std::string>(lanes))) {
      message += "; did you mean \"" + std::string(*near) + "\"?";
    }
    return message + " (add it under `lanes:` in the config, see docs/design/config.md)";
  };
  env.task_types = types;
  return env;
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
