// What workers report (worker_hub.h): heartbeats, progress, log lines, signal acks and results,
// each accepted only from the worker holding the attempt it names.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "goclaw/core/json_text.h"
#include "goclaw/worker/worker_hub.h"
#include "goclaw/worker/worker_hub_effects.h"

namespace goclaw::worker {
namespace {

constexpr std::size_t kMaxStreamNameBytes = 64;

// At most `max` bytes of `s`, not splitting a UTF-8 sequence.
std::string_view CutUtf8(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// The worker's result as the engine takes it; parsed before the hub's lock is taken.
exec::AttemptResult ResultOf(const WorkerResult& r, std::string* ack_reason) {
  if (!r.success) {
    return exec::AttemptResult::Fail(
        ErrorCode::kAborted,
        r.error_message.empty() ? "the worker reported a failure" : r.error_message, r.retryable);
  }
  if (r.output_json.empty()) return exec::AttemptResult::Ok(nullptr);
  auto output = ParseJsonText(r.output_json, "output_json");
  if (!output) {
    *ack_reason = "accepted as a failure: " + output.error().message();
    return exec::AttemptResult::Fail(ErrorCode::kInvalidArgument,
                                     "the worker's output is not JSON: " + output.error().message(),
                                     false);
  }
  return exec::AttemptResult::Ok(std::move(*output));
}

}  // namespace

WorkerHub::Entry* WorkerHub::HeldBy(const Worker& w, const std::string& attempt_id,
                                    std::string* why) {
  auto it = attempts_.find(attempt_id);
  if (it != attempts_.end() && it->second->holder == w.id) return it->second.get();
  if (it == attempts_.end()) {
    *why = "attempt " + attempt_id +
           " is not held by this worker: it was lost, cancelled or already finished, "
           "or never assigned to it";
  } else if (it->second->holder.empty()) {
    *why = "attempt " + attempt_id + " is waiting for a worker, not held by this one";
  } else {
    *why = "attempt " + attempt_id + " is held by another worker";
  }
  return nullptr;
}

std::shared_ptr<exec::AttemptChannel> WorkerHub::HeldChannel(const std::string& worker_id,
                                                             const std::string& attempt_id) {
  std::lock_guard lock(mu_);
  Worker* w = FindWorker(worker_id);
  if (w == nullptr) return nullptr;
  w->last_heard = options_.clock->SteadyNow();  // any report is a sign of life
  std::string why;
  Entry* e = HeldBy(*w, attempt_id, &why);
  return e == nullptr ? nullptr : e->channel;
}

bool WorkerHub::OnHeartbeat(const std::string& worker_id) {
  std::vector<std::shared_ptr<exec::AttemptChannel>> channels;
  {
    std::lock_guard lock(mu_);
    Worker* w = FindWorker(worker_id);
    if (w == nullptr) return false;
    w->last_heard = options_.clock->SteadyNow();
    channels.reserve(w->held.size());
    for (const auto& id : w->held) channels.push_back(attempts_.at(id)->channel);
  }
  for (const auto& channel : channels) channel->Heartbeat();
  return true;
}

bool WorkerHub::OnProgress(const std::string& worker_id, const std::string& attempt_id,
                           double fraction, std::string_view message) {
  std::shared_ptr<exec::AttemptChannel> channel = HeldChannel(worker_id, attempt_id);
  if (!channel) return false;
  channel->Progress(fraction,
                    CutUtf8(message, static_cast<std::size_t>(options_.config.max_log_line_bytes)));
  return true;
}

bool WorkerHub::OnLog(const std::string& worker_id, const std::string& attempt_id,
                      std::string_view stream, std::string_view text) {
  std::shared_ptr<exec::AttemptChannel> channel = HeldChannel(worker_id, attempt_id);
  if (!channel) return false;
  if (stream.empty()) stream = "log";
  stream = CutUtf8(stream, kMaxStreamNameBytes);
  // One entry per line; each cut at workers.max_log_line_bytes.
  const auto max = static_cast<std::size_t>(options_.config.max_log_line_bytes);
  while (true) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (nl == std::string_view::npos || !line.empty()) channel->Log(stream, CutUtf8(line, max));
    if (nl == std::string_view::npos || nl + 1 == text.size()) break;
    text.remove_prefix(nl + 1);
  }
  return true;
}

bool WorkerHub::OnAck(const std::string& worker_id, const std::string& attempt_id,
                      std::uint64_t seq) {
  std::shared_ptr<exec::AttemptChannel> channel = HeldChannel(worker_id, attempt_id);
  if (!channel) return false;
  channel->Ack(seq);
  return true;
}

bool WorkerHub::OnResult(const std::string& worker_id, WorkerResult r) {
  std::string ack_reason;
  exec::AttemptResult result = ResultOf(r, &ack_reason);
  Effects fx;
  std::unique_lock lock(mu_);
  Worker* w = FindWorker(worker_id);
  if (w == nullptr) return false;
  w->last_heard = options_.clock->SteadyNow();
  std::string why;
  if (HeldBy(*w, r.attempt_id, &why) == nullptr) {
    ++counters_.results_refused;
    w->link->Send(ResultAck{r.attempt_id, false, std::move(why)});
    fx.Flush(w->link);
    Run(fx, lock);
    return false;
  }
  auto node = attempts_.extract(r.attempt_id);
  Entry& e = *node.mapped();
  lost_.erase(e.task_key);
  Release(*w, r.attempt_id);
  ++counters_.results_accepted;
  w->link->Send(ResultAck{r.attempt_id, true, std::move(ack_reason)});
  fx.Flush(w->link);
  fx.Done(std::move(e.done), std::move(result));
  DispatchWorker(*w, fx);  // the freed credit takes the next waiting attempt
  Run(fx, lock);
  return true;
}

}  // namespace goclaw::worker
