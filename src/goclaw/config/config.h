// goclaw's typed configuration: one struct per section, with the defaults a new user gets.
// Loaded and validated by loader.h (defaults < file < environment < flags); printed by
// encoder.h. Later capabilities add their sections here.
//
// Thread-safety: plain values; build once at start-up, then read-only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/core/duration.h"

namespace goclaw::config {

struct ServerConfig {
  std::string host = "127.0.0.1";  // loopback unless configured otherwise
  std::int64_t port = 8080;        // 0 picks a free port
  std::int64_t io_threads = 2;     // HTTP I/O threads
  std::int64_t handler_threads = 16;  // for requests that wait (submit with wait)
  std::int64_t max_body_bytes = 4 << 20;  // larger request bodies get 413
  Millis header_timeout{10000};   // to receive a request's headers
  Millis idle_timeout{60000};     // a keep-alive connection with no request is closed
  Millis request_timeout{60000};  // a handler slower than this answers 504
  Millis drain_timeout{10000};    // on SIGTERM: how long in-flight requests may finish
  std::vector<std::string> cors_origins;  // allowed browser origins; "*" for any; empty: none
  std::int64_t ws_max_queued_bytes = 32 << 20;  // waiting for a slow WebSocket client; then 1008
  // Host header values served besides the loopback names (with a loopback host), or the only
  // ones served (otherwise; empty: any). Against DNS rebinding; see docs/security.md.
  std::vector<std::string> allowed_hosts;
  std::int64_t max_connections = 0;  // open connections; 0: RLIMIT_NOFILE soft limit - 256 (min 16)
  Millis body_timeout{30000};        // a request body that stops arriving this long gets 408
};

enum class SyncMode { kAlways, kBatch, kNone };
enum class StorageBackend { kRocksDb, kMemory };  // memory: nothing survives the process

struct StorageConfig {
  StorageBackend backend = StorageBackend::kRocksDb;
  std::string path = "./data";
  SyncMode sync_mode = SyncMode::kBatch;  // fsync once per group-commit batch
  Millis retention{7LL * 24 * 3600 * 1000};  // finished workflows older than this are erased; 0: kept
  Millis evict_after{10000};  // a finished workflow leaves memory (stays in the store) after this
};

struct ShutdownConfig {
  Millis drain_timeout{10000};  // on SIGTERM: how long running task attempts may finish
};

enum class LogFormat { kAuto, kText, kJson };  // auto: text on a TTY, JSON otherwise

struct LogConfig {
  std::string level = "info";
  LogFormat format = LogFormat::kAuto;
  std::map<std::string, std::string> modules;  // per-module level overrides
};

enum class OnFull { kBlock, kDrop, kRedirect };

struct RateConfig {
  double per_second = 0;  // tokens added per second
  double burst = 0;       // bucket size; defaults to max(1, per_second)
};

struct LaneConfig {
  std::string name;
  std::int64_t max_concurrency = 16;
  std::int64_t capacity = 10000;  // items that may wait
  std::optional<RateConfig> rate;
  OnFull on_full = OnFull::kBlock;
  std::string redirect_to;  // with on_full: redirect
};

struct DagConfig {
  std::int64_t max_tasks = 100000;
  std::int64_t max_spec_bytes = 16 << 20;
};

// Bounds on what one workflow may make the engine hold (docs/security.md): checked before the
// memory is spent; exceeding one fails the task with a message naming the key.
struct LimitsConfig {
  std::int64_t max_output_bytes = 1 << 20;            // one task's output (as JSON text)
  std::int64_t max_config_bytes = 1 << 20;            // a task's config once {{...}} are resolved
  std::int64_t max_workflow_output_bytes = 64 << 20;  // every output of one workflow together
  std::int64_t max_task_log_bytes = 64 << 10;  // one attempt's log lines together (later ones dropped)
  std::int64_t max_status_bytes = 8 << 20;            // outputs inlined in one status response
  // Workflows submitted by http tasks (Goclaw-Lineage header) deeper than this are refused.
  std::int64_t max_lineage_depth = 8;
};

struct ExecConfig {
  bool enabled = false;            // subprocess tasks are off unless enabled
  std::vector<std::string> allow;  // commands (argv[0]) that may run
};

// Which hosts http tasks may call (docs/security.md); patterns as in core/host_pattern.h.
struct HttpEgressConfig {
  std::vector<std::string> allow;  // empty: any host not denied
  std::vector<std::string> deny;   // wins over allow
  bool allow_self = false;         // tasks may call this server's own listeners
};

struct HttpConfig {
  std::string ca_file;                 // extra trusted CA certificates (PEM) for https tasks
  std::int64_t max_idle_per_host = 32;  // keep-alive connections kept per host
  HttpEgressConfig egress;
};

struct ExecutorsConfig {
  ExecConfig exec;
  HttpConfig http;
};

// Durable signals to running workflows (DESIGN.md §7): how long and how large they may be.
struct SignalsConfig {
  Millis pending_ttl{10LL * 60 * 1000};     // a signal not yet delivered is dropped after this
  std::int64_t max_payload_bytes = 65536;  // one signal's payload, as JSON text
  Millis interrupt_grace{10000};           // a graceful interrupt waits this long, then cancels
  std::int64_t max_per_workflow = 10000;   // signals one workflow may receive
};

// What a new input to a session does while the session's run is active (signal/README.md).
enum class QueueMode { kSteer, kFollowup, kCollect, kInterrupt };
// Which input goes when more than `cap` inputs would wait.
enum class DropPolicy { kOldest, kNewest, kSummarize };

// A kind of session: the keys it serves, the workflow a run starts, and its queue mode.
struct SessionKindConfig {
  // "chat:alice" (that key only) or a prefix followed by '*' ("chat:*"); the exact pattern wins,
  // then the longest prefix.
  std::string match;
  // A path to a spec file (string; the runtime resolves and loads it) or an inline spec
  // (object; the runtime compiles it). Kept as written.
  boost::json::value workflow;
  QueueMode queue_mode = QueueMode::kFollowup;
  std::int64_t cap = 20;  // waiting inputs at most (1..100000)
  DropPolicy drop = DropPolicy::kOldest;
  Millis debounce{0};  // an idle session starts its run once no input came for this long
  // With drop: summarize, the task ({type, config, ...}) that merges the waiting inputs into
  // one; null otherwise. Kept as written: the runtime checks it against the executors.
  boost::json::value summarize;
};

// Where the memory hub's vectors come from (memory/embedder.h): `builtin` (a hashing embedder
// that needs no model), `http` (an OpenAI-compatible /v1/embeddings endpoint) or `none` (only
// vectors sent by clients; the first one fixes a session's dimension).
struct MemoryEmbedderConfig {
  std::string kind = "builtin";  // builtin | http | none; http when a url is given
  std::string url;               // http: the endpoint base, e.g. http://127.0.0.1:8000/v1
  std::string model;             // http: the model name sent
  std::string api_key_env;       // http: the environment variable holding the API key
  std::int64_t dimensions = 384; // builtin: its size; http: what the endpoint must return
  Millis timeout{30000};         // http: one embeddings request
};

// The gRPC API (docs/design/grpc.md): where it listens and its limits.
struct GrpcConfig {
  bool enabled = true;
  std::string host = "127.0.0.1";  // loopback unless configured otherwise
  std::int64_t port = 9090;        // 0 picks a free port
  std::int64_t max_receive_message_bytes = 4 << 20;  // larger requests get RESOURCE_EXHAUSTED
  std::int64_t max_send_message_bytes = 16 << 20;
  Millis max_wait{300000};          // the longest SubmitWorkflow wait, and unary deadline cap
  Millis drain_timeout{10000};      // on SIGTERM: how long streams and calls may finish
  std::int64_t max_streams = 10000; // concurrent watch/log/worker streams; more: RESOURCE_EXHAUSTED
  bool reflection = true;           // grpc.reflection.v1alpha (grpcurl, grpc_cli)
};

// Pull workers (WorkerService, the `remote` executor; docs/design/workers.md).
struct WorkersConfig {
  Millis heartbeat_interval{2000};  // told to workers: send something at least this often
  Millis heartbeat_timeout{10000};  // silent this long: the worker is lost, its attempts re-run
  std::int64_t max_workers = 10000;
  std::int64_t max_capacity = 10000;       // credits one worker may ask for
  std::int64_t max_lost_attempts = 100;    // an attempt lost more often than this fails the task
  std::int64_t max_log_line_bytes = 16384; // longer worker log lines are cut
};

// The memory hub (DESIGN.md §9, docs/design/memory.md): retrieval weights, FSRS-6 settings and
// limits.
struct MemoryConfig {
  bool enabled = true;
  MemoryEmbedderConfig embedder;
  double bm25_k1 = 1.2;
  double bm25_b = 0.75;
  std::int64_t rrf_k = 60;
  double vector_weight = 0.7;
  double bm25_weight = 0.3;
  double retrievability_weight = 0.3;  // 0: retrievability does not change scores
  std::string review_rating = "good";  // what a retrieval counts as: again|hard|good|easy|none
  double request_retention = 0.9;      // FSRS desired retention (next review intervals)
  double maximum_interval_days = 36500;
  bool enable_short_term = true;       // FSRS same-day (learning step) stability
  std::int64_t hnsw_threshold = 4096;  // vectors per session from which HNSW replaces exact search
  std::int64_t max_content_bytes = 65536;
  std::int64_t max_batch = 1000;             // items per memorize request
  std::int64_t max_items_per_session = 1000000;
  std::int64_t max_top_k = 1000;
};

// The web UI served at /ui (docs/ui.md; api/http/ui_files.h).
struct UiConfig {
  bool enabled = true;
  // The built UI (web/dist). Empty: GOCLAW_UI_DIR, then <exe dir>/../share/goclaw/ui, then the
  // build tree's web/dist found above the executable.
  std::string dir;
};

struct Config {
  ServerConfig server;
  StorageConfig storage;
  ShutdownConfig shutdown;
  LogConfig log;
  DagConfig dag;
  LimitsConfig limits;
  ExecutorsConfig executors;
  // Always contains a lane named "default" (added with defaults when not configured).
  std::vector<LaneConfig> lanes;
  SignalsConfig signals;
  std::vector<SessionKindConfig> sessions;  // matched by key; none: no sessions are served
  MemoryConfig memory;
  GrpcConfig grpc;
  WorkersConfig workers;
  UiConfig ui;
};

std::string_view SyncModeName(SyncMode m);
std::string_view StorageBackendName(StorageBackend b);
std::string_view LogFormatName(LogFormat f);
std::string_view OnFullName(OnFull p);
std::string_view QueueModeName(QueueMode m);
std::string_view DropPolicyName(DropPolicy p);

}  // namespace goclaw::config
