// The commands that talk to a running server: submit, status, list, cancel, events, signal,
// signals. The server comes from --server or GOCLAW_SERVER (default http://127.0.0.1:8080);
// all but `events` also talk gRPC (--transport grpc, at --grpc: transport.h) with one code path
// and the same output.
#include <chrono>
#include <functional>
#include <iostream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "cli.h"
#include "goclaw/client/http_client.h"
#include "goclaw/client/websocket_client.h"
#include "goclaw/core/document.h"
#include "goclaw/core/json_format.h"
#include "goclaw/core/time_text.h"
#include "terminal_text.h"
#include "transport.h"

namespace goclaw::cli {
namespace {

// A task's run time from its start and end times (milliseconds, as both transports have them),
// so that the same task prints the same whichever transport fetched it.
std::optional<std::string> DurationText(const boost::json::value& t) {
  auto started = ParseRfc3339(Str(t, "started_at"));
  auto completed = ParseRfc3339(Str(t, "completed_at"));
  if (!started || !completed) return std::nullopt;
  return CompactJson(boost::json::value(RoundedSeconds(static_cast<double>(*completed - *started) / 1e6)));
}

void PrintWorkflow(const boost::json::value& w) {
  std::cout << Field(w, "id") << "  " << Field(w, "name") << "  " << Field(w, "status") << "\n";
  if (!Str(w, "error").empty()) std::cout << "error: " << Field(w, "error") << "\n";
  const auto* tasks = w.is_object() ? w.as_object().if_contains("tasks") : nullptr;
  if (tasks == nullptr || !tasks->is_array()) return;
  for (const auto& t : tasks->as_array()) {
    std::cout << "  " << Field(t, "id") << "  " << Field(t, "status") << "  attempts=" << Field(t, "attempts");
    if (auto seconds = DurationText(t)) std::cout << "  " << *seconds << "s";
    if (!Str(t, "error").empty()) std::cout << "  " << Field(t, "error");
    std::cout << "\n";
  }
}

bool Terminal(std::string_view status) {
  return status == "completed" || status == "failed" || status == "cancelled";
}

void RegisterSubmit(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("submit", "Submit a workflow to a server");
  struct Opts : ClientOptions {
    std::string spec;
    std::vector<std::string> inputs;
    std::string input_file;
    bool wait = false;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("spec", o->spec, "Workflow spec file (YAML or JSON; - for stdin)")->required();
  cmd->add_option("--input", o->inputs, "Input value key=value (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--input-file", o->input_file, "Input object from a JSON or YAML file");
  cmd->add_flag("--wait", o->wait, "Wait for the workflow to finish and print its status");
  cmd->add_option("--timeout", o->timeout,
                  std::string("How long to wait for the server's answer (default ") + kDefaultClientTimeout +
                      "); with --wait, for the workflow to finish (default and at most 5m)")
      ->check(PositiveDuration());
  AddClientOptions(cmd, *o, /*add_timeout=*/false);
  AddTransportOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    const std::string source = o->spec == "-" ? "<stdin>" : o->spec;
    auto config = ctx.LoadConfig();  // for dag.max_spec_bytes
    if (!config) return;
    auto text = ReadInput(o->spec, static_cast<std::size_t>(config->dag.max_spec_bytes), "dag.max_spec_bytes");
    auto doc = text ? ParseDocument(*text, DocumentFormatFromPath(o->spec)) : Result<Document>(MakeError(text.error()));
    auto input = ParseInputs(o->inputs, o->input_file);
    if (!doc || !input) {
      PrintError(std::cerr, !doc ? source : "goclaw submit", !doc ? doc.error() : input.error());
      ctx.exit_code = kExitFailure;
      return;
    }
    // The spec goes as JSON, with --input merged over its `input` and the submit options.
    if (auto* root = doc->root.if_object()) {
      if (!input->empty()) {
        boost::json::object merged;
        if (const auto* given = root->if_contains("input"); given && given->is_object()) merged = given->as_object();
        for (auto& kv : *input) merged[kv.key()] = kv.value();
        (*root)["input"] = std::move(merged);
      }
    }
    const std::optional<Millis> wait =
        o->wait ? std::optional<Millis>(ParsedDuration(o->timeout.empty() ? "5m" : o->timeout)) : std::nullopt;
    auto res = Report(ctx, "goclaw submit", MakeTransport(*o)->SubmitWorkflow(boost::json::serialize(doc->root), wait));
    if (!res) return;
    if (o->json) {
      PrintJson(*res);
    } else if (o->wait) {
      PrintWorkflow(*res);
    } else {
      std::cout << Field(*res, "id") << "\n";
    }
    if (o->wait && Str(*res, "status") != "completed") ctx.exit_code = kExitFailure;
  });
}

// A command that takes one workflow id and makes one call about it (status, cancel).
void RegisterIdCommand(CLI::App& app, Context& ctx, const std::string& name, const std::string& help,
                       Result<boost::json::value> (Transport::*call)(const std::string&),
                       std::function<void(const boost::json::value&)> print) {
  CLI::App* cmd = app.add_subcommand(name, help);
  struct Opts : ClientOptions {
    std::string id;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("id", o->id, "Workflow id")->required();
  AddClientOptions(cmd, *o);
  AddTransportOptions(cmd, *o);
  cmd->callback([&ctx, o, what = "goclaw " + name, call, print = std::move(print)] {
    auto res = Report(ctx, what, (*MakeTransport(*o).*call)(o->id));
    if (!res) return;
    if (o->json) {
      PrintJson(*res);
    } else {
      print(*res);
    }
  });
}

void RegisterStatus(CLI::App& app, Context& ctx) {
  RegisterIdCommand(app, ctx, "status", "Show a workflow and its tasks", &Transport::GetWorkflow, PrintWorkflow);
}

void RegisterList(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("list", "List workflows");
  struct Opts : ClientOptions {
    std::string status, name;
    int limit = 50;
    bool newest = false;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--status", o->status, "Only workflows in this state");
  cmd->add_option("--name", o->name, "Only workflows with this name");
  cmd->add_option("--limit", o->limit, "At most this many")->check(CLI::Range(1, 1000))->capture_default_str();
  cmd->add_flag("--newest", o->newest, "Newest first (default: oldest first)");
  AddClientOptions(cmd, *o);
  AddTransportOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    auto res = Report(ctx, "goclaw list",
                      MakeTransport(*o)->ListWorkflows(
                          {.status = o->status, .name = o->name, .limit = o->limit, .newest_first = o->newest}));
    if (!res) return;
    if (o->json) {
      PrintJson(*res);
      return;
    }
    for (const auto& w : res->at("workflows").as_array()) {
      std::cout << Field(w, "id") << "  " << Field(w, "status") << "  " << Field(w, "name") << "  "
                << Field(w, "created_at") << "\n";
    }
    std::cout << Field(*res, "total") << " workflows\n";
  });
}

void RegisterCancel(CLI::App& app, Context& ctx) {
  RegisterIdCommand(app, ctx, "cancel", "Cancel a workflow", &Transport::CancelWorkflow, [](const boost::json::value& res) {
    std::cout << Field(res, "id") << "  " << Field(res, "status") << "\n";
  });
}

void PrintEvent(const boost::json::value& e, bool json) {
  const boost::json::value* payload = e.as_object().if_contains("payload");
  if (json) {
    std::cout << Shown(CompactJson(e)) << "\n";
  } else if (payload != nullptr && payload->is_object() && payload->as_object().contains("seq")) {
    std::cout << Field(e, "time") << "  " << (Str(e, "task_id").empty() ? "workflow" : Field(e, "task_id"))
              << "  signal " << Field(*payload, "seq") << " (" << Field(*payload, "kind") << ") "
              << Field(e, "from") << " -> " << Field(e, "to") << "\n";
  } else {
    std::cout << Field(e, "time") << "  " << (Str(e, "task_id").empty() ? "workflow" : Field(e, "task_id")) << "  "
              << Field(e, "from") << " -> " << Field(e, "to");
    if (!Str(e, "error").empty()) std::cout << "  " << Field(e, "error");
    std::cout << "\n";
  }
  std::cout.flush();
}

// Streams the workflow's events over /ws/events: its history first (since 0), then live,
// until the workflow finishes.
void FollowEvents(Context& ctx, const ClientOptions& o, const std::string& id) {
  auto fail = [&ctx](const Error& e) {
    PrintError(std::cerr, "goclaw events", e);
    ctx.exit_code = kExitFailure;
  };
  // --timeout bounds connecting and the handshake, and silence: after half of it without a
  // frame the client pings, and a server that does not even answer that is given up on.
  client::WebSocketClientOptions options;
  options.connect_timeout = o.Timeout();
  options.keep_alive = o.Timeout();
  options.user_agent = kCliUserAgent;
  auto server = ServerUrl(o.server);
  if (!server) return fail(server.error());
  auto ws = client::WebSocketClient::Connect(*server, "/ws/events", options);
  if (!ws) return fail(WithTimeoutHint(ws.error(), o.TimeoutText()));
  const std::string subscribe = boost::json::serialize(boost::json::object{
      {"type", "subscribe"}, {"workflow_ids", boost::json::array{boost::json::value(id)}}, {"since", 0}});
  if (auto sent = (*ws)->Send(subscribe); !sent) return fail(sent.error());
  while (true) {
    auto text = (*ws)->Read(std::chrono::hours(24 * 365));  // bounded by keep_alive
    if (!text) return fail(WithTimeoutHint(text.error(), o.TimeoutText()));
    boost::system::error_code ec;
    boost::json::value m = boost::json::parse(*text, ec);
    if (ec || !m.is_object()) return fail(Error(ErrorCode::kInternal, "unexpected message from the server: " + *text));
    const std::string type = Str(m, "type");
    if (type == "error") {
      const auto& err = m.at("error");
      return fail(Error(Str(err, "code") == "BAD_REQUEST" && Str(err, "message").find("no workflow") != std::string::npos
                            ? ErrorCode::kNotFound
                            : ErrorCode::kInvalidArgument,
                        Str(err, "message")));
    }
    if (type != "event") continue;  // "subscribed"
    boost::json::object& e = m.as_object();
    e.erase("type");
    e.erase("kind");
    PrintEvent(e, o.json);
    if (Str(e, "task_id").empty() && Terminal(Str(e, "to"))) {
      (*ws)->Close();
      return;
    }
  }
}

void RegisterEvents(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("events", "Print a workflow's events");
  struct Opts : ClientOptions {
    std::string id;
    bool follow = false;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("id", o->id, "Workflow id")->required();
  cmd->add_flag("--follow,-f", o->follow, "Stream new events (WebSocket) until the workflow finishes");
  AddClientOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    if (o->follow) {
      FollowEvents(ctx, *o, o->id);
      return;
    }
    auto res = Call(ctx, *o, {.target = "/api/v1/workflows/" + o->id + "/events"}, "goclaw events");
    if (!res) return;
    for (const auto& e : res->at("events").as_array()) PrintEvent(e, o->json);
  });
}

// goclaw signal ID KIND [--task T] [--data JSON]: answered once the signal is durable.
void RegisterSignal(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("signal", "Send a durable signal to a running workflow (or one of its tasks)");
  struct Opts : ClientOptions {
    std::string id, kind, task, data = "{}";
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("id", o->id, "Workflow id")->required();
  cmd->add_option("kind", o->kind, "steer, interrupt, collect, or a name of your own")->required();
  cmd->add_option("--task", o->task, "Only to this task (default: every running task, and tasks waiting for KIND)");
  cmd->add_option("--data", o->data, "The payload, a JSON object (steer: {\"parameters\": {...}})")->capture_default_str();
  AddClientOptions(cmd, *o);
  AddTransportOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    boost::system::error_code ec;
    boost::json::value payload = boost::json::parse(o->data, ec);
    if (ec || !payload.is_object()) {
      PrintError(std::cerr, "goclaw signal", Error(ErrorCode::kInvalidArgument, "--data must be a JSON object"));
      ctx.exit_code = kExitUsage;
      return;
    }
    auto res = Report(ctx, "goclaw signal", MakeTransport(*o)->Signal(o->id, o->task, o->kind, payload));
    if (!res) return;
    if (o->json) return PrintJson(*res);
    std::cout << "signal " << Field(*res, "seq") << " (" << Field(*res, "kind") << ") " << Field(*res, "state") << "\n";
  });
}

// goclaw signals ID [--task T]: the history, with each delivery's state.
void RegisterSignals(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("signals", "List a workflow's signals and their deliveries");
  struct Opts : ClientOptions {
    std::string id, task;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("id", o->id, "Workflow id")->required();
  cmd->add_option("--task", o->task, "Only those sent or delivered to this task");
  AddClientOptions(cmd, *o);
  AddTransportOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    auto res = Report(ctx, "goclaw signals", MakeTransport(*o)->ListSignals(o->id, o->task));
    if (!res) return;
    if (o->json) return PrintJson(*res);
    for (const auto& s : res->at("signals").as_array()) {
      std::cout << Field(s, "seq") << "  " << Field(s, "kind") << "  " << Field(s, "state") << "  "
                << Field(s, "created_at");
      for (const auto& d : s.at("deliveries").as_array()) {
        std::cout << "  " << Field(d, "task") << ":" << Field(d, "state");
      }
      std::cout << "\n";
    }
  });
}

}  // namespace

void RegisterClientCommands(CLI::App& app, Context& ctx) {
  RegisterSubmit(app, ctx);
  RegisterStatus(app, ctx);
  RegisterList(app, ctx);
  RegisterCancel(app, ctx);
  RegisterEvents(app, ctx);
  RegisterSignal(app, ctx);
  RegisterSignals(app, ctx);
}

}  // namespace goclaw::cli
