// Test helpers for the session router: a fake SessionBackend that records every call and
// answers synchronously (inside the call, to catch a router that holds its lock while calling
// out) or later (`defer_starts`), and a blocking Send() for inputs.
//
// Thread-safety: the fake's state is under its mutex; calls may come from any thread.
#pragma once

#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "goclaw/core/check.h"
#include "goclaw/core/clock.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/signal/session_backend.h"
#include "goclaw/signal/session_router.h"
#include "goclaw/signal/session_tables.h"
#include "goclaw/store/store.h"

namespace goclaw::signal::testing {

class FakeBackend final : public SessionBackend {
 public:
  struct StartCall {
    std::size_t kind = 0;
    std::string session;
    boost::json::value input;
    std::string run_id;  // as the router chose it (empty: the backend picks)
  };
  struct SignalCall {
    std::string run;
    std::string kind;
    boost::json::value payload;
  };

  // Set once the router exists: every call then reads the router first, which would deadlock
  // if the router held its lock while calling the backend.
  SessionRouter* router = nullptr;
  // Answers; defaults: runs "wf-1", "wf-2", ...; signals succeed; summarize gives
  // {"summary": [inputs...]}.
  std::function<Result<std::string>(const StartCall&)> start_result;
  std::function<Status(const SignalCall&)> signal_result;
  std::function<Result<boost::json::value>(const std::vector<boost::json::value>&)> summarize_result;
  // Called inside StartRun after the run got its id, before done (a run that ends at once).
  std::function<void(const std::string& id)> before_start_done;
  // StartRun keeps its done for CompleteStart instead of answering.
  bool defer_starts = false;

  // "wf-1", "wf-2", ... in the order starts are asked for.
  std::string NewRunId() override {
    std::lock_guard lock(mu_);
    return "wf-" + std::to_string(++runs_);
  }

  void StartRun(std::size_t kind, const std::string& session, boost::json::value input, const std::string& run_id,
                UniqueFunction<void(Result<std::string>)> done) override {
    Touch(session);
    StartCall call{kind, session, std::move(input), run_id};
    std::string id = run_id;
    {
      std::lock_guard lock(mu_);
      starts_.push_back(call);
      if (defer_starts) {
        deferred_.push_back(std::move(done));
        return;
      }
      if (id.empty()) id = "wf-" + std::to_string(++runs_);
    }
    Result<std::string> result = start_result ? start_result(call) : Result<std::string>(id);
    if (result && before_start_done) before_start_done(*result);
    done(std::move(result));
  }

  void SignalRun(const std::string& workflow_id, std::string kind, boost::json::value payload,
                 UniqueFunction<void(Status)> done) override {
    Touch("");
    SignalCall call{workflow_id, std::move(kind), std::move(payload)};
    {
      std::lock_guard lock(mu_);
      signals_.push_back(call);
    }
    done(signal_result ? signal_result(call) : OkStatus());
  }

  Result<bool> RunFinished(const std::string& workflow_id) override {
    std::lock_guard lock(mu_);
    if (unknown.contains(workflow_id)) return MakeError(ErrorCode::kNotFound, "no workflow " + workflow_id);
    return finished.contains(workflow_id);
  }

  void Summarize(std::size_t, std::vector<boost::json::value> inputs,
                 UniqueFunction<void(Result<boost::json::value>)> done) override {
    Touch("");
    {
      std::lock_guard lock(mu_);
      summaries_.push_back(inputs);
    }
    if (summarize_result) return done(summarize_result(inputs));
    boost::json::array all(inputs.begin(), inputs.end());
    done(boost::json::value(boost::json::object{{"summary", std::move(all)}}));
  }

  // Answers the i-th deferred StartRun.
  void CompleteStart(std::size_t i, Result<std::string> result) {
    UniqueFunction<void(Result<std::string>)> done;
    {
      std::lock_guard lock(mu_);
      done = std::move(deferred_.at(i));
    }
    done(std::move(result));
  }

  std::vector<StartCall> starts() const {
    std::lock_guard lock(mu_);
    return starts_;
  }
  std::vector<SignalCall> signals() const {
    std::lock_guard lock(mu_);
    return signals_;
  }
  std::vector<std::vector<boost::json::value>> summaries() const {
    std::lock_guard lock(mu_);
    return summaries_;
  }

  std::set<std::string> finished;  // RunFinished answers true for these
  std::set<std::string> unknown;   // and kNotFound for these

 private:
  void Touch(const std::string& session) {
    if (router == nullptr) return;
    (void)router->List(1, 0);
    if (!session.empty()) IgnoreError(router->Get(session), "only checks that the router is usable");
  }

  mutable std::mutex mu_;
  int runs_ = 0;
  std::vector<StartCall> starts_;
  std::vector<SignalCall> signals_;
  std::vector<std::vector<boost::json::value>> summaries_;
  std::vector<UniqueFunction<void(Result<std::string>)>> deferred_;
};

// Posts an input and waits for its answer (which may come from the store's writer thread).
inline Result<InputOutcome> Send(SessionRouter& router, const std::string& key, boost::json::value input) {
  std::promise<Result<InputOutcome>> answer;
  auto got = answer.get_future();
  router.Input(key, std::move(input), [&answer](Result<InputOutcome> r) { answer.set_value(std::move(r)); });
  return got.get();
}

inline config::SessionKindConfig Kind(std::string match, QueueMode mode, std::int64_t cap = 20,
                                      DropPolicy drop = DropPolicy::kOldest, Millis debounce = Millis(0)) {
  config::SessionKindConfig k;
  k.match = std::move(match);
  k.workflow = "flow.yaml";
  k.queue_mode = mode;
  k.cap = cap;
  k.drop = drop;
  k.debounce = debounce;
  return k;
}

// A router over the fake backend, a fake clock and manual timers, with or without a memory
// store (tables registered). Declared in destruction order: the router goes first.
struct Harness {
  explicit Harness(std::vector<config::SessionKindConfig> kinds, bool with_store = false) {
    if (with_store) {
      auto opened = store::OpenMemoryStore({.tables = SessionTables()});
      GOCLAW_CHECK(opened.has_value());
      store = std::move(*opened);
    }
    Restart(std::move(kinds));
  }
  // A new router over the same store (the old one is shut down first), as after a restart.
  void Restart(std::vector<config::SessionKindConfig> kinds) {
    router.reset();
    RouterOptions options;
    options.kinds = std::move(kinds);
    options.store = store.get();
    auto made = SessionRouter::Create(std::move(options), backend, clock, timers);
    GOCLAW_CHECK(made.has_value());
    router = std::move(*made);
    backend.router = router.get();
  }
  Result<InputOutcome> Send(const std::string& key, boost::json::value input) {
    return testing::Send(*router, key, std::move(input));
  }
  void Finish(const std::string& run) {
    router->OnRunFinished(run);
    router->WaitIdle();
  }
  // The waiting inputs of `key` (as the router reports them), as a JSON array.
  boost::json::value Waiting(const std::string& key) {
    boost::json::array out;
    auto view = router->Get(key);
    GOCLAW_CHECK(view.has_value());
    for (const WaitingInput& w : view->waiting) out.push_back(w.input);
    return out;
  }
  std::string Active(const std::string& key) {
    auto view = router->Get(key);
    GOCLAW_CHECK(view.has_value());
    return view->active_run;
  }

  FakeClock clock;
  ManualTimerQueue timers{clock};
  FakeBackend backend;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<SessionRouter> router;
};

inline boost::json::value J(std::string_view text) { return boost::json::parse(text); }

}  // namespace goclaw::signal::testing
