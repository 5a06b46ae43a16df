// Hello checks and attempt ids (worker_protocol.h).
#include "goclaw/worker/worker_protocol.h"

#include "goclaw/core/names.h"
#include "goclaw/core/text.h"

namespace goclaw::worker {

bool IsValidWorkerName(std::string_view name) {
  return IsValidLaneName(name, /*allow_template=*/false);
}

std::string AttemptIdOf(std::string_view workflow_id, std::string_view task_id, int attempt) {
  std::string id;
  id.reserve(workflow_id.size() + task_id.size() + 12);
  id.append(workflow_id).append("/").append(task_id).append("/").append(std::to_string(attempt));
  return id;
}

Status CheckHello(const Hello& hello, const config::WorkersConfig& config) {
  std::vector<ErrorDetail> details;
  auto add = [&](std::string path, std::string message) {
    details.push_back({std::move(path), std::move(message), 0, ""});
  };
  if (!IsValidWorkerName(hello.name)) {
    add("hello.name",
        "expected " + std::string(kWorkerNameRule) + ", got " + QuoteForMessage(hello.name));
  }
  if (hello.queues.empty()) {
    add("hello.queues", "name at least one queue to take attempts from");
  } else if (hello.queues.size() > kMaxQueuesPerWorker) {
    add("hello.queues", "at most " + std::to_string(kMaxQueuesPerWorker) +
                            " queues per worker, got " + std::to_string(hello.queues.size()));
  } else {
    for (std::size_t i = 0; i < hello.queues.size(); ++i) {
      if (!IsValidWorkerName(hello.queues[i])) {
        add("hello.queues[" + std::to_string(i) + "]", "expected a queue name of " +
                                                           std::string(kWorkerNameRule) + ", got " +
                                                           QuoteForMessage(hello.queues[i]));
      }
    }
  }
  if (hello.capacity < 1 || hello.capacity > config.max_capacity) {
    add("hello.capacity", "expected how many attempts the worker runs at once, 1 to " +
                              std::to_string(config.max_capacity) +
                              " (workers.max_capacity), got " + std::to_string(hello.capacity));
  }
  if (hello.labels.size() > kMaxLabels) {
    add("hello.labels", "at most " + std::to_string(kMaxLabels) + " labels, got " +
                            std::to_string(hello.labels.size()));
  } else {
    for (const auto& [key, value] : hello.labels) {
      if (!IsValidWorkerName(key)) {
        add("hello.labels",
            "label keys are " + std::string(kWorkerNameRule) + ", got " + QuoteForMessage(key));
      } else if (value.size() > kMaxLabelValueBytes) {
        add("hello.labels." + key, "at most " + std::to_string(kMaxLabelValueBytes) +
                                       " bytes, got " + std::to_string(value.size()));
      }
    }
  }
  if (details.empty()) return OkStatus();
  std::string message = "invalid hello: " + details[0].path + ": " + details[0].message;
  if (details.size() > 1) message += " (and " + std::to_string(details.size() - 1) + " more)";
  return MakeError(Error(ErrorCode::kInvalidArgument, std::move(message), std::move(details)));
}

}  // namespace goclaw::worker
