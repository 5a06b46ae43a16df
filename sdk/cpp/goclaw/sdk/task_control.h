// Internal to the worker: what the worker does to a Task that its handler cannot (make it,
// deliver a signal, cancel it, abandon it when the connection broke).
//
// Thread-safety: as Task's methods (any thread).
#pragma once

#include <memory>
#include <string>

#include "goclaw/sdk/task.h"

namespace goclaw::sdk::internal {

class TaskControl {
 public:
  static std::shared_ptr<Task> Make(v1::Assignment assignment, std::shared_ptr<Session> session);
  static void Deliver(Task& task, Signal signal) { task.Deliver(std::move(signal)); }
  static void Cancel(Task& task, std::string reason) { task.Cancel(std::move(reason)); }
  // The connection that assigned it is gone: cancel it ("disconnected") and send nothing more.
  static void Abandon(Task& task, std::string reason);
  static bool Abandoned(const Task& task) {
    return task.abandoned_.load(std::memory_order_acquire);
  }
  static Session& SessionOf(Task& task) { return *task.session_; }
};

}  // namespace goclaw::sdk::internal
