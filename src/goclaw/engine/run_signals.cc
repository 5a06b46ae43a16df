// A run's signals and their stored form (run_signals.h).
#include "goclaw/engine/run_signals.h"

#include <algorithm>

#include "goclaw/core/json_text.h"
#include "goclaw/engine/run_records.h"

namespace goclaw::engine::internal {
namespace {

std::int64_t IntOr(const boost::json::object& o, std::string_view key, std::int64_t fallback) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : fallback;
}

}  // namespace

SignalState RunSignal::state() const {
  if (waiting) return SignalState::kPending;
  bool any_delivered = false, any_acked = false;
  for (const SignalDelivery& d : deliveries) {
    if (d.state == SignalState::kPending) return SignalState::kPending;
    any_delivered |= d.state == SignalState::kDelivered;
    any_acked |= d.state == SignalState::kAcknowledged;
  }
  if (any_delivered) return SignalState::kDelivered;
  if (any_acked) return SignalState::kAcknowledged;
  return SignalState::kExpired;
}

SignalDelivery* RunSignal::DeliveryTo(std::uint32_t t) {
  for (SignalDelivery& d : deliveries) {
    if (d.task == t) return &d;
  }
  return nullptr;
}

store::TableSpec SignalTable() {
  store::TableSpec spec;
  spec.name = std::string(kSignalTable);
  spec.column_family = "signals";
  spec.format_version = 1;
  spec.describe = [](std::string_view, std::string_view value) { return std::string(value); };
  return spec;
}

std::string SignalKey(const std::string& workflow_id, std::uint64_t seq) {
  std::string key = workflow_id;
  key.push_back('\0');
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>((seq >> shift) & 0xff));
  return key;
}

std::string EncodeSignal(const RunSignal& s) {
  boost::json::array deliveries;
  deliveries.reserve(s.deliveries.size());
  for (const SignalDelivery& d : s.deliveries) {
    boost::json::object o{{"task", d.task},
                          {"state", static_cast<int>(d.state)},
                          {"attempt", d.attempt},
                          {"delivered_at_us", ToMicros(d.delivered_at)},
                          {"acknowledged_at_us", ToMicros(d.acknowledged_at)}};
    if (!d.reason.empty()) o["reason"] = d.reason;
    deliveries.push_back(std::move(o));
  }
  boost::json::object o{{"seq", s.seq},
                        {"kind", s.kind},
                        {"task", s.task == RunSignal::kWorkflow ? std::int64_t{-1} : std::int64_t{s.task}},
                        {"payload", s.payload},
                        {"created_at_us", ToMicros(s.created_at)},
                        {"waiting", s.waiting},
                        {"deliveries", std::move(deliveries)}};
  return JsonText(o);
}

Result<RunSignal> DecodeSignal(std::string_view value) {
  auto corrupt = [](std::string_view why) {
    return MakeError(ErrorCode::kInternal, "corrupt signal record in the store: " + std::string(why));
  };
  auto parsed = ParseJsonText(value, "signal");
  if (!parsed || !parsed->is_object()) return corrupt("not a JSON object");
  const boost::json::object& o = parsed->get_object();
  RunSignal s;
  const auto* kind = o.if_contains("kind");
  const auto* seq = o.if_contains("seq");
  if (kind == nullptr || !kind->is_string() || seq == nullptr || !(seq->is_uint64() || seq->is_int64())) {
    return corrupt("no kind or seq");
  }
  s.seq = seq->is_uint64() ? seq->get_uint64() : static_cast<std::uint64_t>(seq->get_int64());
  s.kind = kind->get_string();
  const std::int64_t task = IntOr(o, "task", -1);
  s.task = task < 0 ? RunSignal::kWorkflow : static_cast<std::uint32_t>(task);
  if (const auto* p = o.if_contains("payload")) s.payload = *p;
  s.created_at = FromMicros(IntOr(o, "created_at_us", 0));
  if (const auto* w = o.if_contains("waiting"); w != nullptr && w->is_bool()) s.waiting = w->get_bool();
  const auto* deliveries = o.if_contains("deliveries");
  if (deliveries == nullptr || !deliveries->is_array()) return corrupt("no deliveries");
  for (const auto& v : deliveries->get_array()) {
    const auto* d = v.if_object();
    if (d == nullptr) return corrupt("a delivery is not an object");
    SignalDelivery out;
    const std::int64_t t = IntOr(*d, "task", -1);
    const std::int64_t state = IntOr(*d, "state", -1);
    if (t < 0 || state < 0 || state >= static_cast<std::int64_t>(kSignalStateCount)) {
      return corrupt("a delivery has no task or state");
    }
    out.task = static_cast<std::uint32_t>(t);
    out.state = static_cast<SignalState>(state);
    out.attempt = static_cast<std::int32_t>(IntOr(*d, "attempt", 0));
    out.delivered_at = FromMicros(IntOr(*d, "delivered_at_us", 0));
    out.acknowledged_at = FromMicros(IntOr(*d, "acknowledged_at_us", 0));
    if (const auto* r = d->if_contains("reason"); r != nullptr && r->is_string()) out.reason = r->get_string();
    s.deliveries.push_back(std::move(out));
  }
  return s;
}

Result<std::vector<RunSignal>> LoadSignals(store::Store& store, const std::string& workflow_id) {
  GOCLAW_ASSIGN_OR_RETURN(auto entries, store.Scan(kSignalTable, workflow_id + std::string(1, '\0')));
  std::vector<RunSignal> out;
  out.reserve(entries.size());
  for (const store::TableEntry& e : entries) {
    GOCLAW_ASSIGN_OR_RETURN(RunSignal s, DecodeSignal(e.value));
    if (s.seq != out.size() + 1) {
      return MakeError(ErrorCode::kInternal, "corrupt signals of " + workflow_id + ": seq " + std::to_string(s.seq) +
                                                 " follows " + std::to_string(out.size()));
    }
    out.push_back(std::move(s));
  }
  return out;
}

SignalStatus StatusOf(const RunSignal& s, const std::string& workflow_id, const dag::Plan& plan) {
  auto task_id = [&](std::uint32_t t) { return t < plan.task_count() ? plan.task(t).id : std::string(); };
  SignalStatus out;
  out.workflow_id = workflow_id;
  out.seq = s.seq;
  out.kind = s.kind;
  if (s.task != RunSignal::kWorkflow) out.task = task_id(s.task);
  out.payload = s.payload.is_null() ? boost::json::value(boost::json::object()) : s.payload;
  out.state = s.state();
  out.created_at = s.created_at;
  for (const SignalDelivery& d : s.deliveries) {
    out.deliveries.push_back(
        {task_id(d.task), d.state, d.attempt, OptionalTime(d.delivered_at), OptionalTime(d.acknowledged_at), d.reason});
  }
  return out;
}

std::vector<SignalStatus> StatusesOf(const std::vector<RunSignal>& signals, const std::string& workflow_id,
                                     const dag::Plan& plan, const std::string& task) {
  std::vector<SignalStatus> out;
  for (const RunSignal& signal : signals) {
    SignalStatus status = StatusOf(signal, workflow_id, plan);
    const bool to_task = status.task == task || std::any_of(status.deliveries.begin(), status.deliveries.end(),
                                                             [&](const SignalDeliveryStatus& d) { return d.task == task; });
    if (task.empty() || to_task) out.push_back(std::move(status));
  }
  return out;
}

boost::json::value SignalEventPayload(const RunSignal& s, const dag::Plan& plan, std::uint32_t task,
                                      SignalState state) {
  boost::json::object o{{"seq", s.seq}, {"kind", s.kind}, {"state", SignalStateName(state)}};
  if (task != RunSignal::kWorkflow && task < plan.task_count()) o["task"] = plan.task(task).id;
  return o;
}

}  // namespace goclaw::engine::internal
