// noop, echo, sleep, fail.
#include "goclaw/engine/builtin_executor.h"

#include <mutex>

#include "goclaw/core/json_reader.h"

namespace goclaw::engine {
namespace {

// Completes a sleep exactly once: when its timer fires or when it is cancelled.
struct SleepState {
  std::mutex mu;
  AttemptDone done;
  void Finish(AttemptResult result) {
    AttemptDone d;
    {
      std::lock_guard lock(mu);
      d = std::move(done);
    }
    if (d) d(std::move(result));
  }
};

}  // namespace

void BuiltinExecutor::Start(Attempt attempt, AttemptDone done) {
  const boost::json::object* config = attempt.config.if_object();
  std::string op = "noop";
  if (config != nullptr) {
    if (auto it = config->find("op"); it != config->end() && it->value().is_string()) {
      op = std::string(it->value().get_string());
    }
  }
  if (op == "noop") {
    done(AttemptResult::Ok(nullptr));
  } else if (op == "echo") {
    boost::json::object out = config ? *config : boost::json::object();
    out.erase("op");
    done(AttemptResult::Ok(out.empty() ? *attempt.input : boost::json::value(std::move(out))));
  } else if (op == "sleep") {
    Diagnostics diag;
    Millis duration{0};
    {
      ObjectReader r(attempt.config, "config", diag);
      r.Duration("duration", &duration);
      r.Allow({"op"});
      r.RejectUnknown();
    }
    if (!diag.empty()) {
      done(AttemptResult::Fail(ErrorCode::kInvalidArgument,
                               diag.details()[0].path + ": " + diag.details()[0].message, false));
      return;
    }
    auto state = std::make_shared<SleepState>();
    state->done = std::move(done);
    attempt.cancel->OnCancel([state] {
      state->Finish(AttemptResult::Fail(ErrorCode::kCancelled, "sleep cancelled", false));
    });
    timers_.At(clock_.SteadyNow() + duration,
               [state] { state->Finish(AttemptResult::Ok(nullptr)); });
  } else if (op == "fail") {
    std::string message = "failed on purpose";
    std::int64_t times = -1;
    if (config != nullptr) {
      if (auto it = config->find("message"); it != config->end() && it->value().is_string()) {
        message = std::string(it->value().get_string());
      }
      if (auto it = config->find("times"); it != config->end() && it->value().is_int64()) {
        times = it->value().get_int64();
      }
    }
    if (times < 0 || attempt.number <= times) {
      done(AttemptResult::Fail(ErrorCode::kAborted,
                               message + " (attempt " + std::to_string(attempt.number) + ")",
                               true));
    } else {
      done(AttemptResult::Ok(boost::json::object{{"attempts", attempt.number}}));
    }
  } else {
    // The spec validator only lets the ops above through.
    done(AttemptResult::Fail(ErrorCode::kInvalidArgument,
                             "unknown builtin op \"" + op + "\"; accepted: noop, echo, sleep, fail",
                             false));
  }
}

}  // namespace goclaw::engine
