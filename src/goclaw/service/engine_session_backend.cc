// The session backend over the engine (engine_session_backend.h).
#include "goclaw/service/engine_session_backend.h"

#include <fstream>
#include <sstream>

#include "goclaw/core/document.h"
#include "goclaw/core/json_text.h"

namespace goclaw::service {
namespace {

constexpr Millis kSummarizeTimeout{300000};

SubmitRequest JsonSubmit(const boost::json::object& spec) {
  SubmitRequest request;
  request.spec = JsonText(spec);
  request.format = DocumentFormat::kJson;
  return request;
}

Result<boost::json::object> ReadWorkflow(const boost::json::value& workflow, const std::string& path) {
  auto problem = [&](const std::string& why) {
    return MakeError(ErrorCode::kInvalidArgument, path + ": " + why);
  };
  if (workflow.is_object()) return workflow.get_object();
  if (!workflow.is_string()) return problem("expected a spec file path or an inline spec");
  const std::string file(workflow.get_string());
  std::ifstream in(file, std::ios::binary);
  if (!in) return problem("cannot read the spec file \"" + file + "\"");
  std::stringstream text;
  text << in.rdbuf();
  auto doc = ParseDocument(text.str(), DocumentFormat::kAuto);
  if (!doc) return problem("\"" + file + "\": " + doc.error().message());
  if (!doc->root.is_object()) return problem("\"" + file + "\" is not a workflow spec (an object)");
  return doc->root.get_object();
}

}  // namespace

SerialWorker::SerialWorker() : thread_([this] {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;
    UniqueFunction<void()> fn = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    fn();
    lock.lock();
  }
}) {}

SerialWorker::~SerialWorker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SerialWorker::Post(UniqueFunction<void()> fn) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(fn));
  }
  cv_.notify_all();
}

Result<std::unique_ptr<EngineSessionBackend>> EngineSessionBackend::Create(
    engine::Engine& engine, const WorkflowService& workflows, const std::vector<config::SessionKindConfig>& kinds) {
  std::vector<Kind> out;
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    const std::string path = "sessions[" + std::to_string(k) + "]";
    Kind kind;
    GOCLAW_ASSIGN_OR_RETURN(kind.spec, ReadWorkflow(kinds[k].workflow, path + ".workflow"));
    if (auto checked = workflows.Prepare(JsonSubmit(kind.spec)); !checked) {
      return MakeError(ErrorCode::kInvalidArgument, path + ".workflow: " + checked.error().ToString());
    }
    if (kinds[k].summarize.is_object()) {
      boost::json::object task = kinds[k].summarize.get_object();
      task["id"] = "summarize";
      const boost::json::object spec{{"name", "session-summarize"}, {"tasks", boost::json::array{task}}};
      auto prepared = workflows.Prepare(JsonSubmit(spec));
      if (!prepared) return MakeError(ErrorCode::kInvalidArgument, path + ".summarize: " + prepared.error().ToString());
      kind.summarize = prepared->plan;
    }
    out.push_back(std::move(kind));
  }
  return std::unique_ptr<EngineSessionBackend>(new EngineSessionBackend(engine, workflows, std::move(out)));
}

void EngineSessionBackend::StartRun(std::size_t kind_index, const std::string& session, boost::json::value input,
                                    const std::string& run_id, UniqueFunction<void(Result<std::string>)> done) {
  boost::json::object spec = kinds_.at(kind_index).spec;
  boost::json::value& metadata = spec["metadata"];
  if (!metadata.is_object()) metadata = boost::json::object();
  metadata.get_object()["session"] = session;
  auto prepared = workflows_.Prepare(JsonSubmit(spec));
  if (!prepared) return done(MakeError(prepared.error()));
  boost::json::object in = input.is_object() ? std::move(input.get_object()) : boost::json::object{{"input", input}};
  engine_.SubmitAsync(prepared->plan, std::move(in), engine::SubmitOptions{run_id}, std::move(done));
}

void EngineSessionBackend::SignalRun(const std::string& workflow_id, std::string kind, boost::json::value payload,
                                     UniqueFunction<void(Status)> done) {
  engine_.SignalAsync(workflow_id, {std::move(kind), "", std::move(payload)},
                      [done = std::move(done)](Result<engine::SignalStatus> sent) mutable {
                        done(sent ? OkStatus() : Status(MakeError(sent.error())));
                      });
}

Result<bool> EngineSessionBackend::RunFinished(const std::string& workflow_id) {
  GOCLAW_ASSIGN_OR_RETURN(auto summary, engine_.Summary(workflow_id));
  return engine::IsTerminal(summary.state);
}

void EngineSessionBackend::Summarize(std::size_t kind_index, std::vector<boost::json::value> inputs,
                                     UniqueFunction<void(Result<boost::json::value>)> done) {
  const auto& plan = kinds_.at(kind_index).summarize;
  if (!plan) return done(MakeError(ErrorCode::kFailedPrecondition, "this session kind has no summarize task"));
  boost::json::array list(inputs.begin(), inputs.end());
  engine_.SubmitAsync(plan, {{"inputs", std::move(list)}},
                      [this, done = std::move(done)](Result<std::string> id) mutable {
                        if (!id) return done(MakeError(id.error()));
                        summaries_.Post([this, id = *id, done = std::move(done)]() mutable {
                          auto st = engine_.Wait(id, kSummarizeTimeout);
                          if (!st) return done(MakeError(st.error()));
                          const engine::TaskStatus& task = st->tasks.at(0);
                          if (task.state != engine::TaskState::kCompleted) {
                            return done(MakeError(ErrorCode::kUnavailable,
                                                  "the summarize task " + std::string(engine::TaskStateName(task.state)) +
                                                      ": " + task.error));
                          }
                          // An http agent's answer is {status, headers, body}: the body is the input.
                          const bool http = task.type == "http" && task.output.is_object() &&
                                            task.output.get_object().contains("body");
                          done(http ? task.output.at("body") : task.output);
                        });
                      });
}

}  // namespace goclaw::service
