// GET /ws/events: the engine's events over WebSocket.
//
// The client sends JSON text messages:
//   {"type": "subscribe", "workflow_ids": ["wf-…"], "kinds": ["task.completed", "workflow.*"],
//    "since": 0}
//   {"type": "unsubscribe"}
// `workflow_ids` and `kinds` are optional (absent or empty: everything); a subscribe replaces
// the previous one. `since` (needs workflow_ids; sequences count per workflow) first replays
// each listed workflow's stored events with seq > since, then continues live, with no gap and
// no duplicate — how a client resumes after a reconnect.
//
// The server sends:
//   {"type": "subscribed", "workflow_ids": [...], "kinds": [...]}
//   {"type": "event", "kind": "task.completed", "seq": 7, "workflow_id": "wf-…", "task_id": "b",
//    "from": "running", "to": "completed", "attempt": 1, "time": "…", "error": "…"}
//   {"type": "error", "error": {"code": "BAD_REQUEST", "message": "…"}}  (subscription unchanged)
// Kinds are "workflow.<state>", "task.<state>" (engine/states.h), "signal.<state>" (pending,
// delivered, acknowledged, expired: engine/signal_types.h), or "workflow.*" / "task.*" / "signal.*";
// and the saga events the server publishes here (service/saga_service.h: "saga.<state>",
// "saga.step.<task state>", "saga.compensation.<task state>", or a prefix such as "saga.*"),
// whose workflow_id is the saga id; `since` replays workflows' stored events only.
// Events of one workflow arrive in seq order. A client that falls more than
// server.ws_max_queued_bytes behind is disconnected with 1008 and a reason.
//
// Thread-safety: events arrive on engine shard threads, client messages on connection strands;
// the hub's lists are locked, and it holds no lock while calling into the engine. Lock order:
// subscription_mu_, then list_mu_, then a client's own mutex (annotated for clang's
// thread-safety analysis: `make thread-safety`).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "goclaw/api/http/websocket.h"
#include "goclaw/core/mutex.h"
#include "goclaw/core/thread_annotations.h"
#include "goclaw/engine/engine.h"

namespace goclaw::api::http {

class EventHub {
 public:
  explicit EventHub(engine::Engine& engine);
  ~EventHub();  // stops listening to the engine
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // The route's handler: one session per connection.
  WebSocketHandler Handler();

  struct Stats {
    std::int64_t clients = 0;              // connected
    std::uint64_t events_sent = 0;         // event messages queued to clients
    std::uint64_t slow_disconnects = 0;    // clients closed for falling behind
  };
  Stats stats() const;

  // Events from outside the engine (sagas), to the clients whose filters match; any thread.
  void Publish(const engine::Event& e) { OnEvent(e); }

 private:
  class Client;
  friend class Client;

  // Attach starts listening to the engine if it is the first client; Detach stops if last.
  void Attach(const std::shared_ptr<Client>& client) GOCLAW_EXCLUDES(subscription_mu_, list_mu_);
  void Detach(const Client* client) GOCLAW_EXCLUDES(subscription_mu_, list_mu_);
  void OnEvent(const engine::Event& e) GOCLAW_EXCLUDES(list_mu_);  // shard threads

  engine::Engine& engine_;
  // Held while (un)subscribing to the engine.
  Mutex subscription_mu_ GOCLAW_ACQUIRED_BEFORE(list_mu_);
  std::uint64_t subscription_ GOCLAW_GUARDED_BY(subscription_mu_) = 0;
  mutable SharedMutex list_mu_;
  std::vector<std::shared_ptr<Client>> listening_ GOCLAW_GUARDED_BY(list_mu_);
  std::atomic<std::int64_t> clients_{0};
  std::atomic<std::uint64_t> events_sent_{0};
  std::atomic<std::uint64_t> slow_disconnects_{0};
};

}  // namespace goclaw::api::http
