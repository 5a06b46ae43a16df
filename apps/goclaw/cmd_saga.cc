// `goclaw saga ...`: sagas on a running server (docs/design/saga.md, REST under /api/v1/sagas,
// or goclaw.v1.SagaService with --transport grpc: transport.h): submit, status, list,
// compensate, recover. Built like the client commands (cmd_client.cc): --server /
// GOCLAW_SERVER, --json, --timeout, --transport, errors through PrintError, exit 1 when the
// server refuses or cannot be reached.
#include <iostream>
#include <memory>

#include "goclaw/core/document.h"

#include "cli.h"
#include "terminal_text.h"
#include "transport.h"

namespace goclaw::cli {
namespace {

// What --wait waits for, at most, when given without a duration.
constexpr const char* kDefaultSagaWait = "5m";

// "compensation: compensated  attempts=1", with the last error if any; "compensation: none"
// while nothing is to be undone; steps without a compensate block have nothing to undo.
std::string CompensationText(const boost::json::value& step) {
  const auto* c = step.as_object().if_contains("compensation");
  if (c == nullptr || !c->is_object()) return "no compensation";
  std::string text = "compensation: " + Field(*c, "state");
  if (Str(*c, "state") == "none") return text;
  text += "  attempts=" + Field(*c, "attempts");
  if (!Str(*c, "error").empty()) text += "  " + Field(*c, "error");
  return text;
}

// The readable status: the saga, why it failed or compensated, then one line per step with its
// forward state and its compensation's.
void PrintSaga(const boost::json::value& s) {
  std::cout << Field(s, "saga_id") << "  " << Field(s, "name") << "  " << Field(s, "state") << "\n";
  if (!Str(s, "failed_step").empty()) {
    std::cout << "failed step: " << Field(s, "failed_step");
    if (!Str(s, "failure_reason").empty()) std::cout << ": " << Field(s, "failure_reason");
    std::cout << "\n";
  } else if (!Str(s, "failure_reason").empty()) {
    std::cout << "failure: " << Field(s, "failure_reason") << "\n";
  }
  if (!Str(s, "reason").empty() && Str(s, "reason") != Str(s, "failure_reason")) {
    std::cout << "reason: " << Field(s, "reason") << "\n";
  }
  if (Str(s, "compensation_skipped") == "true") std::cout << "compensation skipped (policy skip)\n";
  const auto* steps = s.is_object() ? s.as_object().if_contains("steps") : nullptr;
  if (steps == nullptr || !steps->is_array()) return;
  for (const auto& step : steps->as_array()) {
    if (!step.is_object()) continue;
    std::cout << "  " << Field(step, "id") << "  " << Field(step, "state")
              << "  attempts=" << Field(step, "attempts");
    if (!Str(step, "error").empty()) std::cout << "  " << Field(step, "error");
    std::cout << "  " << CompensationText(step) << "\n";
  }
}

void RegisterSubmit(CLI::App& saga, Context& ctx) {
  CLI::App* cmd = saga.add_subcommand(
      "submit", "Submit a saga (a workflow whose steps may carry compensate: blocks)");
  struct Opts : ClientOptions {
    std::string spec;
    std::string wait;  // "" without --wait
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("spec", o->spec, "Saga spec file (YAML or JSON; - for stdin)")->required();
  cmd->add_flag(
         std::string("--wait{") + kDefaultSagaWait + "}", o->wait,
         std::string(
             "Wait until the saga settles and print its status; --wait=DURATION waits at most "
             "that long (default ") +
             kDefaultSagaWait + ")")
      ->check(PositiveDuration());
  AddClientOptions(cmd, *o);
  AddTransportOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    const std::string source = o->spec == "-" ? "<stdin>" : o->spec;
    auto config = ctx.LoadConfig();  // for dag.max_spec_bytes
    if (!config) return;
    auto text = ReadInput(o->spec, static_cast<std::size_t>(config->dag.max_spec_bytes),
                          "dag.max_spec_bytes");
    // Parsed here only to refuse what does not parse (with its line) and to learn the format;
    // the text goes as it is, so the lines in the server's error details are this file's.
    auto doc = text ? ParseDocument(*text, DocumentFormatFromPath(o->spec))
                    : Result<Document>(MakeError(text.error()));
    if (!doc) {
      PrintError(std::cerr, source, doc.error());
      ctx.exit_code = kExitFailure;
      return;
    }
    auto transport = MakeTransport(*o);
    auto accepted = Report(ctx, "goclaw saga submit", transport->SubmitSaga(*text, doc->format), source);
    if (!accepted) return;
    if (o->wait.empty()) {
      if (o->json) return PrintJson(*accepted);
      std::cout << Field(*accepted, "saga_id") << "\n";
      return;
    }
    const std::string id = Str(*accepted, "saga_id");
    auto status = Report(ctx, "goclaw saga submit", transport->GetSaga(id, ParsedDuration(o->wait)));
    if (!status) return;
    if (o->json) {
      PrintJson(*status);
    } else {
      PrintSaga(*status);
    }
    const std::string state = Str(*status, "state");
    if (!SagaSettled(state)) {
      std::cerr << "goclaw saga submit: saga " << Shown(id, Stream::kStderr) << " is still "
                << Shown(state, Stream::kStderr) << " after --wait=" << o->wait
                << " (goclaw saga status " << Shown(id, Stream::kStderr) << " shows it later)\n";
    }
    if (state != "completed") ctx.exit_code = kExitFailure;
  });
}

void RegisterStatus(CLI::App& saga, Context& ctx) {
  CLI::App* cmd = saga.add_subcommand(
      "status", "Show a saga: its state, why it failed, each step and its compensation");
  struct Opts : ClientOptions {
    std::string id;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("id", o->id, "Saga id")->required();
  AddClientOptions(cmd, *o);
  AddTransportOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    auto res = Report(ctx, "goclaw saga status", MakeTransport(*o)->GetSaga(o->id, std::nullopt));
    if (!res) return;
    if (o->json) return PrintJson(*res);
    PrintSaga(*res);
  });
}

void RegisterList(CLI::App& saga, Context& ctx) {
  CLI::App* cmd = saga.add_subcommand("list", "List sagas, oldest first");
  struct Opts : ClientOptions {
    std::string state;
    int limit = 50;
    int offset = 0;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option(
      "--state", o->state,
      "Only sagas in this state (created, running, completed, compensating, pending-compensation, "
      "compensated, compensation-failed, recovering)");
  cmd->add_option("--limit", o->limit, "At most this many")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--offset", o->offset, "Skip this many first")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  AddClientOptions(cmd, *o);
  AddTransportOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    auto res = Report(ctx, "goclaw saga list",
                      MakeTransport(*o)->ListSagas({.state = o->state, .limit = o->limit, .offset = o->offset}));
    if (!res) return;
    if (o->json) return PrintJson(*res);
    const auto* items = res->is_object() ? res->as_object().if_contains("items") : nullptr;
    if (items != nullptr && items->is_array()) {
      for (const auto& s : items->as_array()) {
        std::cout << Field(s, "saga_id") << "  " << Field(s, "state") << "  " << Field(s, "name")
                  << "  " << Field(s, "created_at") << "\n";
      }
    }
    std::cout << Field(*res, "total") << " sagas\n";
  });
}

// compensate and recover: one POST about one saga, answered 202 {saga_id, state}.
CLI::App* RegisterAction(CLI::App& saga, const std::string& name, const std::string& help,
                         ClientOptions& o, std::string& id) {
  CLI::App* cmd = saga.add_subcommand(name, help);
  cmd->add_option("id", id, "Saga id")->required();
  AddClientOptions(cmd, o);
  AddTransportOptions(cmd, o);
  return cmd;
}

void PrintAccepted(const ClientOptions& o, const boost::json::value& res) {
  if (o.json) return PrintJson(res);
  std::cout << Field(res, "saga_id") << "  " << Field(res, "state") << "\n";
}

void RegisterCompensate(CLI::App& saga, Context& ctx) {
  struct Opts : ClientOptions {
    std::string id, reason;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = RegisterAction(
      saga, "compensate",
      "Undo a running saga, or one waiting in pending-compensation (policy manual)", *o, o->id);
  cmd->add_option("--reason", o->reason, "Why, kept with the saga");
  cmd->callback([&ctx, o] {
    auto res = Report(ctx, "goclaw saga compensate", MakeTransport(*o)->CompensateSaga(o->id, o->reason));
    if (res) PrintAccepted(*o, *res);
  });
}

void RegisterRecover(CLI::App& saga, Context& ctx) {
  struct Opts : ClientOptions {
    std::string id;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = RegisterAction(
      saga, "recover",
      "Retry the compensations of a compensation-failed saga that are not done yet", *o, o->id);
  cmd->callback([&ctx, o] {
    auto res = Report(ctx, "goclaw saga recover", MakeTransport(*o)->RecoverSaga(o->id));
    if (res) PrintAccepted(*o, *res);
  });
}

}  // namespace

void RegisterSaga(CLI::App& app, Context& ctx) {
  CLI::App* saga = app.add_subcommand(
      "saga", "Sagas on a server: steps with compensations that undo them on failure");
  saga->require_subcommand(1);
  RegisterSubmit(*saga, ctx);
  RegisterStatus(*saga, ctx);
  RegisterList(*saga, ctx);
  RegisterCompensate(*saga, ctx);
  RegisterRecover(*saga, ctx);
}

}  // namespace goclaw::cli
