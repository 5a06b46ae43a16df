// The session router's backend over the engine (signal/session_backend.h): a session kind's
// workflow is read and checked once (a spec file, or an inline spec), and each run is that spec
// with the session key in its metadata ("session"), prepared like any submit and started with
// the input as the workflow's input; signals are the engine's durable signals; `summarize` runs
// the kind's summarize task as a one-task workflow whose output is the merged input.
//
// Thread-safety: every method may be called from any thread. Summarize waits for its workflow
// on a thread of its own (one at a time), never on the caller's.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/object.hpp>

#include "goclaw/config/config.h"
#include "goclaw/engine/engine.h"
#include "goclaw/service/workflow_service.h"
#include "goclaw/signal/session_backend.h"

namespace goclaw::service {

// One thread running queued closures in order; the destructor runs what is queued, then joins.
class SerialWorker {
 public:
  SerialWorker();
  ~SerialWorker();
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;
  void Post(UniqueFunction<void()> fn);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<UniqueFunction<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

class EngineSessionBackend final : public signal::SessionBackend {
 public:
  // Reads and checks every kind's workflow (and summarize task) now: a spec file that cannot
  // be read, or a spec this engine cannot run, is kInvalidArgument naming the kind
  // ("sessions[1].workflow: ...").
  static Result<std::unique_ptr<EngineSessionBackend>> Create(engine::Engine& engine, const WorkflowService& workflows,
                                                              const std::vector<config::SessionKindConfig>& kinds);

  std::string NewRunId() override { return engine_.NewWorkflowId(); }
  void StartRun(std::size_t kind_index, const std::string& session, boost::json::value input,
                const std::string& run_id, UniqueFunction<void(Result<std::string>)> done) override;
  void SignalRun(const std::string& workflow_id, std::string kind, boost::json::value payload,
                 UniqueFunction<void(Status)> done) override;
  Result<bool> RunFinished(const std::string& workflow_id) override;
  void Summarize(std::size_t kind_index, std::vector<boost::json::value> inputs,
                 UniqueFunction<void(Result<boost::json::value>)> done) override;

 private:
  struct Kind {
    boost::json::object spec;  // the workflow, as JSON
    std::shared_ptr<const dag::Plan> summarize;  // with drop: summarize
  };
  EngineSessionBackend(engine::Engine& engine, const WorkflowService& workflows, std::vector<Kind> kinds)
      : engine_(engine), workflows_(workflows), kinds_(std::move(kinds)) {}

  engine::Engine& engine_;
  const WorkflowService& workflows_;
  const std::vector<Kind> kinds_;
  SerialWorker summaries_;  // waits for summarize runs
};

}  // namespace goclaw::service
