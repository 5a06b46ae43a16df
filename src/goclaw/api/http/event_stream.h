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
// Kinds are "workflow.<state>" and "task.<state>" (engine/states.h), or "workflow.*" / "task.*".
// Events of one workflow arrive in seq order. A client that falls more than
// server.ws_max_queued_bytes behind is disconnected with 1008 and a reason.
//
// Thread-safety: events arrive on engine shard threads, client messages on connection strands;
// the hub's lists are locked, and it holds no lock while calling into the engine.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "goclaw/api/http/websocket.h"
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

 private:
  class Client;
  friend class Client;

  void Attach(const std::shared_ptr<Client>& client);  // starts listening to the engine if first
  void Detach(const Client* client);                   // stops listening if last
  void OnEvent(const engine::Event& e);                // shard threads

  engine::Engine& engine_;
  std::mutex subscription_mu_;  // held while (un)subscribing to the engine; before list_mu_
  std::uint64_t subscription_ = 0;
  mutable std::shared_mutex list_mu_;
  std::vector<std::shared_ptr<Client>> listening_;
  std::atomic<std::int64_t> clients_{0};
  std::atomic<std::uint64_t> events_sent_{0};
  std::atomic<std::uint64_t> slow_disconnects_{0};
};

}  // namespace goclaw::api::http
