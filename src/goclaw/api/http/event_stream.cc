// The event hub: one engine subscription shared by every WebSocket client, per-client filters,
// and the replay-then-live hand-over for `since`.
#include "goclaw/api/http/event_stream.h"

#include <algorithm>
#include <bitset>
#include <functional>
#include <map>
#include <set>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/api/http/http_message.h"
#include "goclaw/api/http/request_parsing.h"
#include "goclaw/core/json_format.h"
#include "goclaw/core/text.h"
#include "goclaw/engine/status_json.h"
#include "goclaw/service/saga_service.h"

namespace goclaw::api::http {
namespace {

constexpr std::size_t kSignalBase = engine::kWorkflowStateCount + engine::kTaskStateCount;
constexpr std::size_t kSagaBase = kSignalBase + engine::kSignalStateCount;
constexpr std::size_t kKinds = kSagaBase + service::SagaService::kEventNameCount;
constexpr std::size_t kMaxIds = 1000;       // workflow ids in one subscribe
constexpr std::size_t kMaxStashed = 65536;  // live events held back while a replay runs
using KindSet = std::bitset<kKinds>;

// "workflow.running" -> its bit; "task.*" -> every task bit. nullopt when unknown.
std::optional<KindSet> ParseKind(std::string_view kind) {
  KindSet out;
  auto scope = [&](std::string_view prefix, std::size_t base, std::size_t count, auto parse) -> bool {
    if (kind.substr(0, prefix.size()) != prefix) return false;
    std::string_view rest = kind.substr(prefix.size());
    if (rest == "*") {
      for (std::size_t i = 0; i < count; ++i) out.set(base + i);
      return true;
    }
    auto state = parse(rest);
    if (!state) return false;
    out.set(base + static_cast<std::size_t>(*state));
    return true;
  };
  auto signal_state = [](std::string_view name) -> std::optional<engine::SignalState> {
    for (std::size_t s = 0; s < engine::kSignalStateCount; ++s) {
      if (engine::SignalStateName(static_cast<engine::SignalState>(s)) == name) return static_cast<engine::SignalState>(s);
    }
    return std::nullopt;
  };
  // Saga events by name ("saga.compensated"), or by prefix ("saga.*", "saga.step.*").
  if (kind.rfind("saga.", 0) == 0) {
    const auto& names = service::SagaService::EventNames();
    const bool prefix = kind.back() == '*';
    const std::string_view stem = prefix ? kind.substr(0, kind.size() - 1) : kind;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (prefix ? names[i].rfind(stem, 0) == 0 : names[i] == kind) out.set(kSagaBase + i);
    }
    if (out.none()) return std::nullopt;
    return out;
  }
  if (scope("workflow.", 0, engine::kWorkflowStateCount, engine::ParseWorkflowState) ||
      scope("task.", engine::kWorkflowStateCount, engine::kTaskStateCount, engine::ParseTaskState) ||
      scope("signal.", kSignalBase, engine::kSignalStateCount, signal_state)) {
    return out;
  }
  return std::nullopt;
}

// A saga event's name is in its payload (SagaService::EventNames).
std::string SagaEventName(const engine::Event& e) {
  const auto* o = e.payload.if_object();
  const auto* name = o ? o->if_contains("event") : nullptr;
  return name && name->is_string() ? std::string(name->get_string()) : std::string("saga");
}

std::string KindName(const engine::Event& e) {
  if (e.kind == engine::EventKind::kSaga) return SagaEventName(e);
  if (e.kind == engine::EventKind::kSignal) return "signal." + std::string(e.to_name());
  return (e.is_task() ? "task." : "workflow.") + std::string(e.to_name());
}

std::size_t KindBit(const engine::Event& e) {
  if (e.kind == engine::EventKind::kSaga) {
    const auto& names = service::SagaService::EventNames();
    const auto it = std::find(names.begin(), names.end(), SagaEventName(e));
    return kSagaBase + static_cast<std::size_t>(std::min<std::ptrdiff_t>(it - names.begin(), names.size() - 1));
  }
  if (e.kind == engine::EventKind::kSignal) return kSignalBase + std::min<std::size_t>(e.to, engine::kSignalStateCount - 1);
  if (!e.is_task()) return static_cast<std::size_t>(e.workflow_to());
  return engine::kWorkflowStateCount + static_cast<std::size_t>(e.task_to());
}

std::string EventMessage(const engine::Event& e) {
  boost::json::object o = engine::EventToJson(e);
  o["type"] = "event";
  o["kind"] = KindName(e);
  return CompactJson(o);  // payload doubles as plain decimals
}

std::string ErrorMessage(std::string_view code, const std::string& message) {
  return boost::json::serialize(boost::json::object{
      {"type", "error"}, {"error", {{"code", code}, {"message", message}}}});
}

struct Subscription {
  std::set<std::string> ids;  // empty: every workflow
  KindSet kinds;              // none set: every kind
  std::optional<std::uint64_t> since;
  boost::json::array kind_names;

  bool Matches(const engine::Event& e, std::size_t bit) const {
    if (!ids.empty() && !ids.contains(e.workflow_id)) return false;
    return kinds.none() || kinds.test(bit);
  }
};

}  // namespace

class EventHub::Client final : public WebSocketSession, public std::enable_shared_from_this<Client> {
 public:
  Client(EventHub& hub, std::shared_ptr<WebSocketPeer> peer) : hub_(hub), peer_(std::move(peer)) {}

  void OnMessage(std::string_view text) override {
    std::string error;
    std::optional<Subscription> sub;
    bool unsubscribe = false;
    if (!Parse(text, &sub, &unsubscribe, &error)) {
      peer_->Send(ErrorMessage(kBadRequest, error));
      return;
    }
    if (unsubscribe) {
      MutexLock lock(mu_);
      active_ = false;
      replaying_.clear();
      peer_->Send(std::string(R"({"type":"unsubscribed"})"));
      return;
    }
    boost::json::array ids;
    for (const auto& id : sub->ids) ids.emplace_back(id);
    const std::string ack = boost::json::serialize(boost::json::object{
        {"type", "subscribed"}, {"workflow_ids", std::move(ids)}, {"kinds", sub->kind_names}});
    {
      // The acknowledgement goes out before any event of the new subscription.
      MutexLock lock(mu_);
      sub_ = *sub;
      active_ = true;
      replaying_.clear();
      if (sub_.since) {
        for (const auto& id : sub_.ids) replaying_[id];
      }
      peer_->Send(ack);
    }
    hub_.Attach(shared_from_this());
    if (sub->since) Replay(*sub);
  }

  void OnClose() override {
    {
      MutexLock lock(mu_);
      active_ = false;
    }
    hub_.Detach(this);
    --hub_.clients_;
  }

  // An engine event (shard thread). `message` builds the JSON once for all clients.
  void Offer(const engine::Event& e, std::size_t bit, const std::function<WsMessage()>& message) {
    MutexLock lock(mu_);
    if (!active_ || !sub_.Matches(e, bit)) return;
    if (auto it = replaying_.find(e.workflow_id); it != replaying_.end()) {
      if (++stashed_ > kMaxStashed) {
        active_ = false;
        peer_->Close(kWsPolicyViolation, "slow consumer: too many events during the replay");
        ++hub_.slow_disconnects_;
        return;
      }
      it->second.emplace_back(e.seq, message());
      return;
    }
    SendLocked(message());
  }

 private:
  // Replays each workflow's history after `since`, then releases what arrived live meanwhile.
  void Replay(const Subscription& sub) {
    for (const auto& id : sub.ids) {
      // No lock held while asking the engine and rendering: shards offer live events to this
      // client meanwhile, and must not wait for a long history to be built.
      auto history = hub_.engine_.Events(id);
      std::vector<WsMessage> messages;
      std::uint64_t last = *sub.since;
      if (history) {
        for (const engine::Event& e : *history) {
          if (e.seq <= last) continue;
          if (sub.Matches(e, KindBit(e))) messages.push_back(std::make_shared<const std::string>(EventMessage(e)));
          last = e.seq;
        }
      }
      MutexLock lock(mu_);
      auto it = replaying_.find(id);
      if (it == replaying_.end() || !active_) return;  // unsubscribed or closed meanwhile
      for (WsMessage& m : messages) SendLocked(std::move(m));
      for (auto& [seq, msg] : it->second) {
        if (seq > last) SendLocked(std::move(msg));
      }
      stashed_ -= std::min(stashed_, it->second.size());
      replaying_.erase(it);
    }
  }

  void SendLocked(WsMessage msg) GOCLAW_REQUIRES(mu_) {
    if (!active_) return;
    switch (peer_->Send(std::move(msg))) {
      case SendResult::kQueued:
        ++hub_.events_sent_;
        break;
      case SendResult::kOverflowed:
        ++hub_.slow_disconnects_;
        active_ = false;
        break;
      case SendResult::kClosed:
        active_ = false;
        break;
    }
  }

  bool Parse(std::string_view text, std::optional<Subscription>* out, bool* unsubscribe,
             std::string* error) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec) {
      *error = "message is not valid JSON: " + ec.message();
      return false;
    }
    const boost::json::object* o = v.if_object();
    if (!o) {
      *error = "expected a JSON object such as {\"type\": \"subscribe\"}";
      return false;
    }
    const boost::json::value* type = o->if_contains("type");
    if (!type || !type->is_string() || (type->get_string() != "subscribe" && type->get_string() != "unsubscribe")) {
      *error = "type: expected \"subscribe\" or \"unsubscribe\"";
      return false;
    }
    for (const auto& kv : *o) {
      if (kv.key() != "type" && kv.key() != "workflow_ids" && kv.key() != "kinds" && kv.key() != "since") {
        *error = "unknown field \"" + std::string(kv.key()) +
                 "\"; accepted: type, workflow_ids, kinds, since";
        return false;
      }
    }
    if (type->get_string() == "unsubscribe") {
      if (o->size() != 1) {
        *error = "unsubscribe takes no other fields";
        return false;
      }
      *unsubscribe = true;
      return true;
    }
    Subscription sub;
    if (const boost::json::value* ids = o->if_contains("workflow_ids")) {
      const boost::json::array* a = ids->if_array();
      if (!a || a->size() > kMaxIds) {
        *error = "workflow_ids: expected an array of at most " + std::to_string(kMaxIds) + " workflow ids";
        return false;
      }
      for (std::size_t i = 0; i < a->size(); ++i) {
        const boost::json::string* id = (*a)[i].if_string();
        std::string where = "workflow_ids[" + std::to_string(i) + "]";
        if (!id || !ValidId(*id)) {
          *error = where + ": expected a workflow id such as \"wf-0192…\"";
          return false;
        }
        if (!hub_.engine_.Summary(std::string(*id))) {
          *error = where + ": no workflow \"" + std::string(*id) + "\"";
          return false;
        }
        sub.ids.emplace(*id);
      }
    }
    if (const boost::json::value* kinds = o->if_contains("kinds")) {
      const boost::json::array* a = kinds->if_array();
      if (!a || a->size() > 64) {
        *error = "kinds: expected an array of event kinds such as \"task.completed\" or \"workflow.*\"";
        return false;
      }
      for (std::size_t i = 0; i < a->size(); ++i) {
        const boost::json::string* k = (*a)[i].if_string();
        std::optional<KindSet> bits = k ? ParseKind(*k) : std::nullopt;
        if (!bits) {
          *error = "kinds[" + std::to_string(i) + "]: unknown kind " + (k ? QuoteForMessage(*k) : std::string("(not a string)")) +
                   "; expected workflow.<state> (pending scheduled running completed failed "
                   "cancelled), task.<state> (pending ready queued running retrying completed "
                   "failed skipped cancelled), signal.<state> (pending delivered acknowledged "
                   "expired), saga.<state>, saga.step.<task state>, saga.compensation.<task state>, "
                   "or a prefix ending in * (workflow.*, task.*, signal.*, saga.*)";
          return false;
        }
        sub.kinds |= *bits;
        sub.kind_names.emplace_back(*k);
      }
    }
    if (const boost::json::value* since = o->if_contains("since")) {
      if (!since->is_int64() && !since->is_uint64()) {
        *error = "since: expected a non-negative integer event sequence";
        return false;
      }
      if (since->is_int64() && since->get_int64() < 0) {
        *error = "since: expected a non-negative integer event sequence";
        return false;
      }
      if (sub.ids.empty()) {
        *error = "since needs workflow_ids: event sequences count per workflow";
        return false;
      }
      sub.since = since->is_uint64() ? since->get_uint64() : static_cast<std::uint64_t>(since->get_int64());
    }
    *out = std::move(sub);
    return true;
  }

  EventHub& hub_;
  std::shared_ptr<WebSocketPeer> peer_;
  Mutex mu_;
  bool active_ GOCLAW_GUARDED_BY(mu_) = false;
  Subscription sub_ GOCLAW_GUARDED_BY(mu_);
  // Workflows being replayed: their live events wait here (seq, message) until the replay ends.
  std::map<std::string, std::vector<std::pair<std::uint64_t, WsMessage>>> replaying_
      GOCLAW_GUARDED_BY(mu_);
  std::size_t stashed_ GOCLAW_GUARDED_BY(mu_) = 0;
};

EventHub::EventHub(engine::Engine& engine) : engine_(engine) {}

EventHub::~EventHub() {
  MutexLock lock(subscription_mu_);
  if (subscription_ != 0) engine_.Unsubscribe(subscription_);
}

WebSocketHandler EventHub::Handler() {
  return [this](const HttpRequest&, std::shared_ptr<WebSocketPeer> peer) -> std::shared_ptr<WebSocketSession> {
    ++clients_;
    return std::make_shared<Client>(*this, std::move(peer));
  };
}

EventHub::Stats EventHub::stats() const {
  return {clients_.load(), events_sent_.load(), slow_disconnects_.load()};
}

void EventHub::Attach(const std::shared_ptr<Client>& client) {
  MutexLock sub_lock(subscription_mu_);
  bool first = false;
  {
    MutexLock lock(list_mu_);
    if (std::find(listening_.begin(), listening_.end(), client) != listening_.end()) return;
    listening_.push_back(client);
    first = listening_.size() == 1;
  }
  // Outside list_mu_: a shard inside OnEvent holds the engine's lock and waits for list_mu_.
  if (first && subscription_ == 0) {
    subscription_ = engine_.Subscribe([this](const engine::Event& e) { OnEvent(e); });
  }
}

void EventHub::Detach(const Client* client) {
  MutexLock sub_lock(subscription_mu_);
  bool last = false;
  {
    MutexLock lock(list_mu_);
    auto it = std::find_if(listening_.begin(), listening_.end(),
                           [client](const std::shared_ptr<Client>& c) { return c.get() == client; });
    if (it == listening_.end()) return;
    listening_.erase(it);
    last = listening_.empty();
  }
  if (last && subscription_ != 0) {
    engine_.Unsubscribe(subscription_);
    subscription_ = 0;
  }
}

void EventHub::OnEvent(const engine::Event& e) {
  ReaderLock lock(list_mu_);
  if (listening_.empty()) return;
  const std::size_t bit = KindBit(e);
  WsMessage built;
  std::function<WsMessage()> message = [&] {
    if (!built) built = std::make_shared<const std::string>(EventMessage(e));
    return built;
  };
  for (const auto& client : listening_) client->Offer(e, bit, message);
}

}  // namespace goclaw::api::http
