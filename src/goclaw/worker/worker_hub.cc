// The worker hub (worker_hub.h): workers, queues, dispatch, loss, cancel and shutdown. Worker
// reports are in worker_hub_reports.cc, snapshots and counters in worker_hub_status.cc.
#include "goclaw/worker/worker_hub.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "goclaw/core/check.h"
#include "goclaw/core/json_text.h"
#include "goclaw/worker/worker_hub_effects.h"

namespace goclaw::worker {

std::shared_ptr<WorkerHub> WorkerHub::Create(HubOptions options) {
  GOCLAW_CHECK(options.clock != nullptr && options.timers != nullptr);
  return std::shared_ptr<WorkerHub>(new WorkerHub(std::move(options)));
}

WorkerHub::WorkerHub(HubOptions options)
    : options_(std::move(options)), ids_(*options_.clock, options_.seed) {}

WorkerHub::~WorkerHub() { Shutdown(); }

WorkerHub::Worker* WorkerHub::FindWorker(const std::string& id) {
  auto it = workers_.find(id);
  return it == workers_.end() ? nullptr : it->second.get();
}

// Precondition: locked. Releases the lock, runs the effects, and lets Shutdown know when done.
void WorkerHub::Run(Effects& fx, std::unique_lock<std::mutex>& lock) {
  if (fx.empty()) {
    lock.unlock();
    return;
  }
  ++running_effects_;
  lock.unlock();
  fx.RunAll();
  lock.lock();
  if (--running_effects_ == 0) effects_done_.notify_all();
  lock.unlock();
}

Result<std::string> WorkerHub::Connect(Hello hello, std::shared_ptr<WorkerLink> link) {
  GOCLAW_RETURN_IF_ERROR(CheckHello(hello, options_.config));
  std::vector<std::string> queues;
  for (auto& q : hello.queues) {
    if (std::find(queues.begin(), queues.end(), q) == queues.end()) queues.push_back(std::move(q));
  }
  hello.queues = std::move(queues);
  Effects fx;
  std::unique_lock lock(mu_);
  if (stopping_) {
    return MakeError(ErrorCode::kUnavailable,
                     "goclaw is shutting down; connect again once it has restarted");
  }
  if (static_cast<std::int64_t>(workers_.size()) >= options_.config.max_workers) {
    return MakeError(ErrorCode::kResourceExhausted,
                     std::to_string(workers_.size()) +
                         " workers are connected, the most workers.max_workers allows");
  }
  auto owned = std::make_unique<Worker>();
  Worker& w = *owned;
  w.id = "wk-" + ids_.Next().ToString();
  w.hello = std::move(hello);
  w.free = w.hello.capacity;
  w.link = std::move(link);
  w.last_heard = options_.clock->SteadyNow();
  w.connected_at = options_.clock->Now();
  workers_.emplace(w.id, std::move(owned));
  for (const auto& q : w.hello.queues) queues_[q].workers.push_back(w.id);
  ++counters_.connected;
  w.link->Send(Welcome{w.id, options_.config.heartbeat_interval.count(),
                       options_.config.heartbeat_timeout.count()});
  fx.Flush(w.link);
  options_.logger.Info("worker {} ({}) connected: queues {}, capacity {}", w.hello.name, w.id,
                       fmt::join(w.hello.queues, ","), w.hello.capacity);
  ArmTimer(w);
  DispatchWorker(w, fx);
  std::string id = w.id;
  Run(fx, lock);
  return id;
}

void WorkerHub::Disconnect(const std::string& worker_id, std::string_view why) {
  Effects fx;
  std::unique_lock lock(mu_);
  Worker* w = FindWorker(worker_id);
  if (w == nullptr) return;
  LoseWorker(*w, "worker " + w->hello.name + " lost: " + std::string(why), fx);
  Run(fx, lock);
}

void WorkerHub::Submit(Assignment work, std::shared_ptr<exec::AttemptChannel> channel,
                       exec::AttemptDone done) {
  const std::string id = work.attempt_id;
  Effects fx;
  std::unique_lock lock(mu_);
  if (shut_down_) {
    // Not failed: that would spend a retry (or fail the task) for a shutdown. The engine stops
    // next and abandons what still runs; with a store the task runs again after the restart.
    lock.unlock();
    channel->Log("status", "not started: goclaw is shutting down");
    return;  // `done` is dropped unused: none is called after Shutdown
  }
  if (attempts_.contains(id)) {
    lock.unlock();
    done(exec::AttemptResult::Fail(ErrorCode::kInternal, "attempt " + id + " was started twice",
                                   false));
    return;
  }
  auto owned = std::make_unique<Entry>();
  Entry& e = *owned;
  e.task_key = work.workflow_id + "/" + work.task_id;
  e.work = std::move(work);
  e.channel = channel;
  e.done = std::move(done);
  e.seq = ++next_seq_;
  const std::string queue = e.work.queue;
  attempts_.emplace(id, std::move(owned));
  Queue& q = queues_[queue];
  q.waiting.emplace(e.seq, id);
  DispatchQueue(queue, fx);
  if (e.holder.empty()) {
    std::string line = "waiting for a worker of queue " + queue +
                       (q.workers.empty() ? " (none is connected)" : " (all its workers are busy)");
    fx.Call([channel, line = std::move(line)] { channel->Log("status", line); });
  }
  Run(fx, lock);
  // Outside the lock: on a cancelled channel the callback runs at once, and queued messages are
  // handed over now.
  std::weak_ptr<WorkerHub> weak = weak_from_this();
  channel->OnCancel([weak, id] {
    if (auto hub = weak.lock()) hub->Cancel(id);
  });
  channel->OnMessage([weak, id](const exec::ChannelMessage& m) {
    if (auto hub = weak.lock()) hub->Signal(id, m);
  });
}

void WorkerHub::Assign(Entry& e, Worker& w, Effects& fx) {
  e.holder = w.id;
  --w.free;
  w.held.insert(e.work.attempt_id);
  ++counters_.assignments;
  ++counters_.held;
  // The config and input are only needed once: the message takes them.
  Assignment message = std::move(e.work);
  e.work.attempt_id = message.attempt_id;
  e.work.queue = message.queue;
  w.link->Send(std::move(message));
  for (auto& s : e.early_signals) w.link->Send(std::move(s));
  e.early_signals.clear();
  fx.Flush(w.link);
  fx.Call([channel = e.channel, line = "assigned to worker " + w.hello.name + " (" + w.id + ")"] {
    channel->Log("status", line);
  });
}

// Waiting attempts of `queue` go to its workers with free credits, the freest first.
void WorkerHub::DispatchQueue(const std::string& name, Effects& fx) {
  auto qit = queues_.find(name);
  if (qit == queues_.end()) return;
  Queue& q = qit->second;
  while (!q.waiting.empty() && !q.workers.empty()) {
    Worker* best = nullptr;
    std::size_t best_at = 0;
    for (std::size_t k = 0; k < q.workers.size(); ++k) {
      const std::size_t at = (q.next + k) % q.workers.size();
      Worker* w = FindWorker(q.workers[at]);
      if (w != nullptr && w->free > 0 && (best == nullptr || w->free > best->free)) {
        best = w;
        best_at = at;
      }
    }
    if (best == nullptr) return;
    q.next = (best_at + 1) % q.workers.size();
    auto first = q.waiting.begin();
    Entry& e = *attempts_.at(first->second);
    q.waiting.erase(first);
    Assign(e, *best, fx);
  }
}

// `w` has free credits: the oldest waiting attempts of its queues fill them.
void WorkerHub::DispatchWorker(Worker& w, Effects& fx) {
  while (w.free > 0) {
    Queue* oldest = nullptr;
    for (const auto& name : w.hello.queues) {
      auto it = queues_.find(name);
      if (it == queues_.end() || it->second.waiting.empty()) continue;
      if (oldest == nullptr || it->second.waiting.begin()->first < oldest->waiting.begin()->first)
        oldest = &it->second;
    }
    if (oldest == nullptr) return;
    auto first = oldest->waiting.begin();
    Entry& e = *attempts_.at(first->second);
    oldest->waiting.erase(first);
    Assign(e, w, fx);
  }
}

void WorkerHub::Release(Worker& w, const std::string& attempt_id) {
  if (w.held.erase(attempt_id) == 0) return;
  ++w.free;
  --counters_.held;
}

void WorkerHub::ForgetQueueIfIdle(const std::string& name) {
  auto it = queues_.find(name);
  if (it != queues_.end() && it->second.waiting.empty() && it->second.workers.empty())
    queues_.erase(it);
}

void WorkerHub::LoseWorker(Worker& w, const std::string& why, Effects& fx) {
  const std::string id = w.id;
  for (const auto& name : w.hello.queues) {
    auto it = queues_.find(name);
    if (it == queues_.end()) continue;
    std::erase(it->second.workers, id);
    ForgetQueueIfIdle(name);
  }
  const std::int64_t max_lost = options_.config.max_lost_attempts;
  for (const auto& attempt_id : w.held) {
    auto node = attempts_.extract(attempt_id);
    if (node.empty()) continue;
    Entry& e = *node.mapped();
    const std::int64_t lost = ++lost_[e.task_key];
    ++counters_.reassignments;
    --counters_.held;
    if (lost > max_lost) {
      ++counters_.lost_for_good;
      lost_.erase(e.task_key);
      fx.Done(std::move(e.done),
              exec::AttemptResult::Fail(ErrorCode::kUnavailable,
                                        why + "; this task's attempts were lost " +
                                            std::to_string(lost) +
                                            " times, more than workers.max_lost_attempts (" +
                                            std::to_string(max_lost) + "): giving up",
                                        false));
    } else {
      fx.Done(std::move(e.done),
              exec::AttemptResult::Lost(why + "; the task runs again as its next attempt"));
    }
  }
  options_.logger.Warn("{} ({}); {} attempts it held run again", why, id, w.held.size());
  w.link->Close(Error(ErrorCode::kUnavailable, why));
  fx.Flush(w.link);
  --counters_.connected;
  workers_.erase(id);  // `w` is gone
}

void WorkerHub::ArmTimer(Worker& w) {
  if (w.timer_armed || shut_down_) return;
  w.timer_armed = true;
  options_.timers->At(w.last_heard + options_.config.heartbeat_timeout,
                      [weak = weak_from_this(), id = w.id] {
                        if (auto hub = weak.lock()) hub->OnTimer(id);
                      });
}

void WorkerHub::AfterHelloTimeout(UniqueFunction<void()> expired) {
  {
    std::lock_guard lock(mu_);
    if (shut_down_) return;
  }
  options_.timers->At(options_.clock->SteadyNow() + options_.config.heartbeat_timeout,
                      std::move(expired));
}

void WorkerHub::OnTimer(const std::string& worker_id) {
  Effects fx;
  std::unique_lock lock(mu_);
  Worker* w = FindWorker(worker_id);
  if (w == nullptr) return;
  w->timer_armed = false;
  const Millis timeout = options_.config.heartbeat_timeout;
  if (options_.clock->SteadyNow() - w->last_heard >= timeout) {
    LoseWorker(*w,
               "worker " + w->hello.name + " lost: nothing heard for " + FormatDuration(timeout) +
                   " (workers.heartbeat_timeout)",
               fx);
  } else {
    ArmTimer(*w);
  }
  Run(fx, lock);
}

void WorkerHub::Cancel(const std::string& attempt_id) {
  Effects fx;
  std::unique_lock lock(mu_);
  auto node = attempts_.extract(attempt_id);
  if (node.empty()) return;
  Entry& e = *node.mapped();
  lost_.erase(e.task_key);
  if (e.holder.empty()) {
    if (auto it = queues_.find(e.work.queue); it != queues_.end()) it->second.waiting.erase(e.seq);
    ForgetQueueIfIdle(e.work.queue);
    fx.Done(std::move(e.done),
            exec::AttemptResult::Fail(
                ErrorCode::kCancelled,
                "cancelled while waiting for a worker of queue " + e.work.queue, false));
  } else {
    const std::string reason = stopping_ ? "shutdown" : "cancelled";
    std::string message = reason;
    if (Worker* w = FindWorker(e.holder)) {  // always (a lost worker's attempts are gone)
      w->link->Send(AttemptCancel{attempt_id, reason});
      fx.Flush(w->link);
      Release(*w, attempt_id);
      message += "; worker " + w->hello.name + " was told to stop";
      DispatchWorker(*w, fx);
    }
    fx.Done(std::move(e.done),
            exec::AttemptResult::Fail(ErrorCode::kCancelled, std::move(message), false));
  }
  Run(fx, lock);
}

void WorkerHub::Signal(const std::string& attempt_id, const exec::ChannelMessage& m) {
  AttemptSignal s{attempt_id, m.seq, m.kind, JsonText(m.payload)};
  Effects fx;
  std::unique_lock lock(mu_);
  auto it = attempts_.find(attempt_id);
  if (it == attempts_.end())
    return;  // ended: the engine hands unacknowledged signals to the next attempt
  Entry& e = *it->second;
  if (e.holder.empty()) {
    e.early_signals.push_back(std::move(s));
  } else if (Worker* w = FindWorker(e.holder)) {
    w->link->Send(std::move(s));
    fx.Flush(w->link);
  }
  Run(fx, lock);
}

void WorkerHub::BeginShutdown() {
  std::lock_guard lock(mu_);
  stopping_ = true;
}

void WorkerHub::Shutdown() {
  Effects fx;
  std::unique_lock lock(mu_);
  if (!shut_down_) {
    shut_down_ = stopping_ = true;
    const Error why(ErrorCode::kUnavailable,
                    "goclaw is shutting down; connect again once it has restarted");
    for (auto& [id, w] : workers_) {
      for (const auto& attempt_id : w->held) w->link->Send(AttemptCancel{attempt_id, "shutdown"});
      w->link->Close(why);
      fx.Flush(w->link);
    }
    for (auto& [id, e] : attempts_) {
      fx.Done(std::move(e->done),
              exec::AttemptResult::Lost(
                  "goclaw is shutting down; the task runs again as its next attempt"));
    }
    if (!workers_.empty() || !attempts_.empty()) {
      options_.logger.Info("workers: shutting down; {} workers disconnected, {} attempts end",
                           workers_.size(), attempts_.size());
    }
    attempts_.clear();
    workers_.clear();
    queues_.clear();
    lost_.clear();
    counters_.connected = 0;
    counters_.held = 0;
    Run(fx, lock);
    lock.lock();
  }
  effects_done_.wait(lock, [this] { return running_effects_ == 0; });
}

}  // namespace goclaw::worker
