// wait_signal and collect (builtin_signal_ops.h).
#include "goclaw/exec/builtin_signal_ops.h"

#include <memory>
#include <optional>
#include <vector>

#include "goclaw/core/duration.h"

namespace goclaw::exec {
namespace {

// The op's settings as resolved at start; the first problem fails the attempt (not retried).
struct SignalOpConfig {
  std::string name;
  std::int64_t count = 1;
  std::optional<Millis> timeout;
};

Result<SignalOpConfig> ReadConfig(std::string_view op, const boost::json::value& config) {
  Diagnostics diag;
  SignalOpConfig out;
  {
    ObjectReader r(config, "config", diag);
    if (op == "wait_signal") r.String("name", &out.name, /*required=*/true);
    if (op == "collect") r.Int("count", &out.count, 1, 1000000);
    Millis timeout{0};
    if (r.Duration("timeout", &timeout) && r.Has("timeout")) out.timeout = timeout;
    r.Allow({"op"});
    r.RejectUnknown();
  }
  if (!diag.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, diag.details()[0].path + ": " + diag.details()[0].message);
  }
  return out;
}

// Ends the attempt at its timeout (with `on_timeout`'s result) and on cancel.
void ArmEnds(const Attempt& attempt, const std::shared_ptr<OnceDone>& once, const std::optional<Millis>& timeout,
             const Clock& clock, TimerQueue& timers, std::function<AttemptResult()> on_timeout) {
  attempt.channel->OnCancel([once] { once->Finish(AttemptResult::Fail(ErrorCode::kCancelled, "cancelled", false)); });
  if (timeout) {
    timers.At(clock.SteadyNow() + *timeout, [once, on_timeout = std::move(on_timeout)] { once->Finish(on_timeout()); });
  }
}

}  // namespace

void CheckSignalOpConfig(std::string_view op, const boost::json::object& config, const std::string& path,
                         Diagnostics& diag) {
  if (op == "wait_signal") {
    const auto* name = config.if_contains("name");
    if (name == nullptr) {
      diag.Add(JoinPath(path, "name"), "is required: the signal kind to wait for (e.g. \"approval\")");
    } else if (!name->is_string() || name->get_string().empty()) {
      diag.Add(JoinPath(path, "name"), "expected a signal kind (a non-empty string), got " + DescribeJson(*name));
    }
  }
  if (op == "collect") {
    if (const auto* count = config.if_contains("count"); count != nullptr && !IsPlaceholder(*count)) {
      if (!count->is_int64() || count->get_int64() < 1) {
        diag.Add(JoinPath(path, "count"), "expected how many results to gather, a whole number from 1, got " +
                                              DescribeJson(*count));
      }
    }
  }
  if (const auto* timeout = config.if_contains("timeout"); timeout != nullptr && !IsPlaceholder(*timeout)) {
    if (timeout->is_string()) {
      if (auto d = ParseDuration(timeout->get_string()); !d) diag.Add(JoinPath(path, "timeout"), d.error().message());
    } else if (!timeout->is_number()) {
      diag.Add(JoinPath(path, "timeout"), "expected a duration (\"30s\", \"1h\") or seconds, got " + DescribeJson(*timeout));
    }
  }
}

void StartWaitSignal(Attempt attempt, AttemptDone done, const Clock& clock, TimerQueue& timers) {
  auto config = ReadConfig("wait_signal", attempt.config);
  if (!config) {
    done(AttemptResult::Fail(ErrorCode::kInvalidArgument, config.error().message(), false));
    return;
  }
  auto once = std::make_shared<OnceDone>();
  once->done = std::move(done);
  const std::string name = config->name;
  const std::string waited = config->timeout ? FormatDuration(*config->timeout) : std::string();
  ArmEnds(attempt, once, config->timeout, clock, timers, [name, waited] {
    return AttemptResult::Fail(ErrorCode::kDeadlineExceeded, "no \"" + name + "\" signal within " + waited, false);
  });
  std::weak_ptr<AttemptChannel> channel = attempt.channel;
  attempt.channel->OnMessage([once, name, channel](const ChannelMessage& m) {
    if (m.kind != name) return;
    if (auto c = channel.lock()) c->Ack(m.seq);
    once->Finish(AttemptResult::Ok(m.payload));
  });
}

void StartCollect(Attempt attempt, AttemptDone done, const Clock& clock, TimerQueue& timers) {
  auto config = ReadConfig("collect", attempt.config);
  if (!config) {
    done(AttemptResult::Fail(ErrorCode::kInvalidArgument, config.error().message(), false));
    return;
  }
  struct Gathered {
    std::mutex mu;
    boost::json::array results;
  };
  auto once = std::make_shared<OnceDone>();
  once->done = std::move(done);
  auto gathered = std::make_shared<Gathered>();
  const auto count = static_cast<std::size_t>(config->count);
  ArmEnds(attempt, once, config->timeout, clock, timers, [gathered, count] {
    std::lock_guard lock(gathered->mu);
    if (gathered->results.empty()) {
      return AttemptResult::Fail(ErrorCode::kDeadlineExceeded, "no collect signal arrived before the timeout", false);
    }
    return AttemptResult::Ok(boost::json::object{{"results", gathered->results}, {"complete", false},
                                                 {"expected", count}});
  });
  std::weak_ptr<AttemptChannel> channel = attempt.channel;
  attempt.channel->OnMessage([once, gathered, count, channel](const ChannelMessage& m) {
    if (m.kind != "collect") return;
    if (auto c = channel.lock()) c->Ack(m.seq);
    boost::json::array results;
    {
      std::lock_guard lock(gathered->mu);
      gathered->results.push_back(m.payload);
      if (gathered->results.size() < count) return;
      results = gathered->results;
    }
    once->Finish(AttemptResult::Ok(boost::json::object{{"results", std::move(results)}, {"complete", true},
                                                       {"expected", count}}));
  });
}

}  // namespace goclaw::exec
