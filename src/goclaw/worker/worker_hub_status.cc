// Snapshots and counters of the hub (worker_hub.h), for status pages and /metrics.
#include <algorithm>
#include <chrono>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "goclaw/core/time_text.h"
#include "goclaw/worker/worker_hub.h"

namespace goclaw::worker {

HubSnapshot WorkerHub::Snapshot() const {
  HubSnapshot s;
  std::lock_guard lock(mu_);
  const Clock::SteadyTime now = options_.clock->SteadyNow();
  s.workers.reserve(workers_.size());
  for (const auto& [id, w] : workers_) {
    WorkerSnapshot ws;
    ws.id = id;
    ws.name = w->hello.name;
    ws.queues = w->hello.queues;
    ws.labels = w->hello.labels;
    ws.capacity = w->hello.capacity;
    ws.free_credits = w->free;
    ws.connected_at = w->connected_at;
    ws.silent_for = std::chrono::duration_cast<Millis>(now - w->last_heard);
    ws.attempts.assign(w->held.begin(), w->held.end());  // a std::set: sorted
    s.workers.push_back(std::move(ws));
  }
  std::sort(s.workers.begin(), s.workers.end(),
            [](const WorkerSnapshot& a, const WorkerSnapshot& b) {
              return std::tie(a.name, a.id) < std::tie(b.name, b.id);
            });
  for (const auto& [name, q] : queues_) {
    QueueSnapshot qs;
    qs.name = name;
    qs.waiting = q.waiting.size();
    qs.workers = q.workers.size();
    for (const auto& id : q.workers) {
      if (auto it = workers_.find(id); it != workers_.end()) qs.free_credits += it->second->free;
    }
    s.queues.push_back(std::move(qs));
  }
  return s;
}

HubCounters WorkerHub::Counters() const {
  std::lock_guard lock(mu_);
  HubCounters c = counters_;
  for (const auto& [name, q] : queues_) c.waiting[name] = q.waiting.size();
  return c;
}

boost::json::value SnapshotToJson(const HubSnapshot& snapshot) {
  boost::json::array workers;
  for (const auto& w : snapshot.workers) {
    boost::json::array queues(w.queues.begin(), w.queues.end());
    boost::json::object labels;
    for (const auto& [k, v] : w.labels) labels[k] = v;
    boost::json::array attempts(w.attempts.begin(), w.attempts.end());
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(w.connected_at.time_since_epoch())
            .count();
    workers.push_back(boost::json::object{{"id", w.id},
                                          {"name", w.name},
                                          {"queues", std::move(queues)},
                                          {"labels", std::move(labels)},
                                          {"capacity", w.capacity},
                                          {"free_credits", w.free_credits},
                                          {"connected_at", FormatUnixMicros(us)},
                                          {"silent_ms", w.silent_for.count()},
                                          {"attempts", std::move(attempts)}});
  }
  boost::json::array queues;
  for (const auto& q : snapshot.queues) {
    queues.push_back(boost::json::object{{"name", q.name},
                                         {"waiting", q.waiting},
                                         {"workers", q.workers},
                                         {"free_credits", q.free_credits}});
  }
  return boost::json::object{{"workers", std::move(workers)}, {"queues", std::move(queues)}};
}

}  // namespace goclaw::worker
