// The pull-worker protocol as the hub sees it, without a transport (docs/design/workers.md):
// what a worker says (Hello, reports, results), what goclaw pushes to it (ServerMsg), and the
// per-worker sink those pushes go through (WorkerLink). worker_grpc_service.cc converts these
// to and from goclaw.v1 WorkerService messages; unit tests drive the hub with fake links.
//
// Attempt ids are "<workflow_id>/<task_id>/<attempt number>" (AttemptIdOf): a worker quotes
// one in every report, and the hub accepts a report only from the worker holding that attempt
// now — the id fences results of attempts that were lost, cancelled or already finished.
//
// Thread-safety: plain values; WorkerLink implementations are called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "goclaw/config/config.h"
#include "goclaw/core/status.h"

namespace goclaw::worker {

// [A-Za-z0-9._:-]{1,128}: worker names, queue names and label keys.
bool IsValidWorkerName(std::string_view name);
inline constexpr std::string_view kWorkerNameRule =
    "1 to 128 letters, digits, '.', '_', ':' or '-'";

inline constexpr std::size_t kMaxQueuesPerWorker = 256;
inline constexpr std::size_t kMaxLabels = 64;
inline constexpr std::size_t kMaxLabelValueBytes = 1024;

std::string AttemptIdOf(std::string_view workflow_id, std::string_view task_id, int attempt);

// ---- worker -> goclaw ----

struct Hello {
  std::string name;
  std::vector<std::string> queues;
  std::int64_t capacity = 0;
  std::map<std::string, std::string> labels;
};

// kInvalidArgument with one detail per bad field ("hello.queues[1]", "hello.capacity", ...):
// the name and every queue follow kWorkerNameRule, at least one queue (at most
// kMaxQueuesPerWorker), capacity 1..workers.max_capacity, labels keyed like names.
Status CheckHello(const Hello& hello, const config::WorkersConfig& config);

struct WorkerResult {
  std::string attempt_id;
  bool success = false;
  std::string output_json;  // success: the output as JSON text; empty: null
  std::string error_message;
  bool retryable = false;
};

// ---- goclaw -> worker ----

struct Welcome {
  std::string worker_id;
  std::int64_t heartbeat_interval_ms = 0;
  std::int64_t heartbeat_timeout_ms = 0;
};

struct Assignment {
  std::string attempt_id;
  std::string workflow_id;
  std::string task_id;
  int attempt = 0;
  std::string queue;
  std::string config_json;
  std::string input_json;
  std::string idempotency_key;
  std::int64_t timeout_ms = 0;
  std::string interrupt_json;
  std::map<std::string, std::string> trace;
};

struct AttemptSignal {
  std::string attempt_id;
  std::uint64_t seq = 0;
  std::string kind;
  std::string payload_json;
};

// reason: "cancelled" (the workflow was cancelled, the task interrupted or timed out) or
// "shutdown" (goclaw is stopping).
struct AttemptCancel {
  std::string attempt_id;
  std::string reason;
};

struct ResultAck {
  std::string attempt_id;
  bool accepted = false;
  std::string reason;
};

using ServerMsg = std::variant<Welcome, Assignment, AttemptSignal, AttemptCancel, ResultAck>;

// One connected worker's outbound side. The hub calls Send and Close with its lock held: they
// only queue (never block, never call back into the hub, never call into the transport, which
// may run its callbacks inline). Flush, called by the hub once its lock is released, starts
// writing what is queued. After Close, Send is ignored; what was queued before is still
// written, then the stream ends with `why` (a transport maps the code to its own status).
class WorkerLink {
 public:
  virtual ~WorkerLink() = default;
  virtual void Send(ServerMsg message) = 0;
  virtual void Close(const Error& why) = 0;
  virtual void Flush() = 0;
};

}  // namespace goclaw::worker
