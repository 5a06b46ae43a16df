// Tests only: a fake WorkerLink that records what the hub pushes, and a probe attempt (its
// channel's reports and its `done` result recorded) for driving the hub without gRPC.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "goclaw/exec/attempt_channel.h"
#include "goclaw/exec/executor.h"
#include "goclaw/worker/worker_hub.h"
#include "goclaw/worker/worker_protocol.h"

namespace goclaw::worker::testing {

class FakeLink final : public WorkerLink {
 public:
  void Send(ServerMsg m) override {
    std::lock_guard lock(mu_);
    if (!closed_) sent_.push_back(std::move(m));
  }
  void Close(const Error& why) override {
    std::lock_guard lock(mu_);
    if (!closed_) closed_ = why;
  }
  void Flush() override {
    std::lock_guard lock(mu_);
    ++flushes_;
  }

  // The messages of type T sent so far, in order.
  template <typename T>
  std::vector<T> Of() const {
    std::lock_guard lock(mu_);
    std::vector<T> out;
    for (const auto& m : sent_) {
      if (const T* t = std::get_if<T>(&m)) out.push_back(*t);
    }
    return out;
  }
  std::vector<ServerMsg> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  std::optional<Error> closed() const {
    std::lock_guard lock(mu_);
    return closed_;
  }
  int flushes() const {
    std::lock_guard lock(mu_);
    return flushes_;
  }
  // Attempt ids of the assignments received.
  std::vector<std::string> assigned() const {
    std::vector<std::string> ids;
    for (const auto& a : Of<Assignment>()) ids.push_back(a.attempt_id);
    return ids;
  }

 private:
  mutable std::mutex mu_;
  std::vector<ServerMsg> sent_;
  std::optional<Error> closed_;
  int flushes_ = 0;
};

// One attempt: its channel (reports recorded) and its outcome.
class Probe {
 public:
  Probe()
      : sink_([this](exec::AttemptReport r) {
          std::lock_guard lock(mu_);
          reports_.push_back(std::move(r));
        }),
        channel_(std::make_shared<exec::AttemptChannel>(&sink_)) {}
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  const std::shared_ptr<exec::AttemptChannel>& channel() const { return channel_; }
  exec::AttemptDone Done() {
    return [this](exec::AttemptResult r) {
      std::lock_guard lock(mu_);
      ++done_calls_;
      result_ = std::move(r);
    };
  }
  int done_calls() const {
    std::lock_guard lock(mu_);
    return done_calls_;
  }
  std::optional<exec::AttemptResult> result() const {
    std::lock_guard lock(mu_);
    return result_;
  }
  std::vector<exec::AttemptReport> reports(exec::AttemptReport::Kind kind) const {
    std::lock_guard lock(mu_);
    std::vector<exec::AttemptReport> out;
    for (const auto& r : reports_) {
      if (r.kind == kind) out.push_back(r);
    }
    return out;
  }
  // "stream: text" of the log lines reported.
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& r : reports(exec::AttemptReport::Kind::kLog))
      out.push_back(r.stream + ": " + r.text);
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<exec::AttemptReport> reports_;
  int done_calls_ = 0;
  std::optional<exec::AttemptResult> result_;
  exec::CallbackReportSink sink_;
  std::shared_ptr<exec::AttemptChannel> channel_;
};

inline Assignment Work(std::string workflow, std::string task, int attempt, std::string queue) {
  Assignment a;
  a.attempt_id = AttemptIdOf(workflow, task, attempt);
  a.workflow_id = std::move(workflow);
  a.task_id = std::move(task);
  a.attempt = attempt;
  a.queue = std::move(queue);
  a.config_json = "{\"queue\":\"" + a.queue + "\"}";
  a.input_json = "{}";
  return a;
}

inline Hello MakeHello(std::string name, std::vector<std::string> queues, std::int64_t capacity) {
  Hello h;
  h.name = std::move(name);
  h.queues = std::move(queues);
  h.capacity = capacity;
  return h;
}

}  // namespace goclaw::worker::testing
