// noop, echo, sleep, fail (wait_signal and collect: builtin_signal_ops.cc).
#include "goclaw/exec/builtin_executor.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <string_view>
#include <vector>

#include "goclaw/core/document.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/core/suggest.h"
#include "goclaw/core/text.h"
#include "goclaw/exec/builtin_signal_ops.h"

namespace goclaw::exec {
namespace {

constexpr std::array<std::string_view, 6> kBuiltinOps{"noop", "echo", "sleep", "fail", "wait_signal", "collect"};

void CheckFailConfig(const boost::json::object& config, const std::string& path, Diagnostics& diag) {
  if (const auto* times = config.if_contains("times"); times && !IsPlaceholder(*times)) {
    if (!times->is_int64() || times->get_int64() < 0) {
      diag.Add(JoinPath(path, "times"),
               "expected how many attempts fail, a whole number from 0 (leave it out to fail every "
               "attempt), got " +
                   DescribeJson(*times));
    }
  }
  if (const auto* message = config.if_contains("message"); message && !message->is_string()) {
    diag.Add(JoinPath(path, "message"), "expected a string, got " + DescribeJson(*message));
  }
}

}  // namespace

void CheckBuiltinConfig(const boost::json::object& config, const std::string& path, Diagnostics& diag,
                        const BuiltinOps* extra) {
  auto it = config.find("op");
  if (it == config.end()) return;  // noop
  const boost::json::value& op = it->value();
  std::string list = "noop, echo, sleep, fail, wait_signal, collect";
  std::vector<std::string_view> names(kBuiltinOps.begin(), kBuiltinOps.end());
  if (extra != nullptr) {
    for (const auto& [name, unused] : *extra) {
      list += ", " + name;
      names.push_back(name);
    }
  }
  if (!op.is_string()) {
    diag.Add(JoinPath(path, "op"), "expected one of " + list + ", got " + DescribeJson(op));
    return;
  }
  std::string_view name = op.get_string();
  if (extra != nullptr) {
    if (auto e = extra->find(name); e != extra->end()) {
      if (e->second.check) e->second.check(config, path, diag);
      return;
    }
  }
  if (std::find(kBuiltinOps.begin(), kBuiltinOps.end(), name) == kBuiltinOps.end()) {
    diag.Add(JoinPath(path, "op"), "unknown builtin op " + QuoteForMessage(name) + "; accepted: " +
                                       list + DidYouMean(name, names));
    return;
  }
  if (name == "fail") CheckFailConfig(config, path, diag);
  if (name == "wait_signal" || name == "collect") CheckSignalOpConfig(name, config, path, diag);
}

std::optional<std::string> BuiltinExecutor::AwaitedSignal(const boost::json::object& config) const {
  const auto* op = config.if_contains("op");
  if (op == nullptr || !op->is_string()) return std::nullopt;
  if (op->get_string() == "collect") return std::string("collect");
  if (op->get_string() != "wait_signal") return std::nullopt;
  const auto* name = config.if_contains("name");
  if (name == nullptr || !name->is_string()) return std::nullopt;
  return std::string(name->get_string());
}

void BuiltinExecutor::Shutdown() {
  if (extra_ == nullptr) return;
  for (const auto& [name, op] : *extra_) {
    if (op.shutdown) op.shutdown();
  }
}

void BuiltinExecutor::Start(Attempt attempt, AttemptDone done) {
  const boost::json::object* config = attempt.config.if_object();
  std::string op = "noop";
  if (config != nullptr) {
    if (auto it = config->find("op"); it != config->end() && it->value().is_string()) {
      op = std::string(it->value().get_string());
    }
  }
  if (extra_ != nullptr) {
    if (auto e = extra_->find(op); e != extra_->end()) {
      e->second.start(std::move(attempt), std::move(done));
      return;
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
    auto state = std::make_shared<OnceDone>();
    state->done = std::move(done);
    attempt.channel->OnCancel([state] {
      state->Finish(AttemptResult::Fail(ErrorCode::kCancelled, "sleep cancelled", false));
    });
    timers_.At(clock_.SteadyNow() + duration,
               [state] { state->Finish(AttemptResult::Ok(nullptr)); });
  } else if (op == "wait_signal") {
    StartWaitSignal(std::move(attempt), std::move(done), clock_, timers_);
  } else if (op == "collect") {
    StartCollect(std::move(attempt), std::move(done), clock_, timers_);
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
                             "unknown builtin op \"" + op + "\"; accepted: noop, echo, sleep, fail, wait_signal, collect",
                             false));
  }
}

}  // namespace goclaw::exec
