// The gRPC API on this machine: a real Server (engine, HTTP and gRPC) in the process, and its
// clients in the same process.
//
//   build/release/bench/grpc_benchmark --benchmark_counters_tabular=true
//
// - BM_Submit/0 REST, /1 gRPC: 1-task workflows submitted async by kClients threads, each
//   with one keep-alive HTTP connection (HttpClient) or one gRPC stub on a shared channel,
//   one request at a time: the same load over both transports, in the same run.
// - BM_RemoteRoundTrip/W: kRemoteTasks `remote` tasks served by W pull workers (capacity 1,
//   one thread and one WorkerService stream each). Per worker and task: result sent -> the next
//   assignment received (P50/P99), and tasks completed per second. /0 is the baseline: the same
//   DAG of builtin tasks, run by the engine itself (submitted over gRPC too).
// - BM_WatchFanout/N: N WatchWorkflow streams (callback API: no thread per stream) on one
//   workflow whose task waits for a signal; the time from the signal's acceptance to each
//   watcher's terminal update (P50/P99), and the time until the last watcher has it.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "goclaw/client/http_client.h"
#include "goclaw/server/server.h"
#include "goclaw/v1/signal.grpc.pb.h"
#include "goclaw/v1/streaming.grpc.pb.h"
#include "goclaw/v1/worker.grpc.pb.h"
#include "goclaw/v1/workflow.grpc.pb.h"

namespace goclaw {
namespace {

using Steady = std::chrono::steady_clock;
constexpr int kClients = 32;
constexpr int kSubmitsPerIteration = 20000;
constexpr int kRemoteTasks = 4000;
constexpr const char* kOneTask = R"({"name": "one", "tasks": [{"id": "a"}]})";

double Micros(Steady::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

void ReportLatency(benchmark::State& state, std::vector<double>& us, const char* prefix = "") {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us.empty() ? 0 : us[std::min(us.size() - 1, static_cast<std::size_t>(q * us.size()))]; };
  state.counters[std::string(prefix) + "p50_us"] = at(0.5);
  state.counters[std::string(prefix) + "p99_us"] = at(0.99);
}

std::unique_ptr<server::Server> StartServer() {
  config::Config c;
  c.server.port = 0;
  c.grpc.port = 0;
  c.storage.backend = config::StorageBackend::kMemory;
  config::LaneConfig lane;
  lane.name = "default";
  lane.max_concurrency = 1 << 16;
  lane.capacity = 1 << 22;
  c.lanes = {lane};
  auto s = server::Server::Start(c);
  if (!s) std::abort();
  return std::move(*s);
}

std::shared_ptr<grpc::Channel> ChannelTo(const server::Server& s) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(s.grpc_port()), grpc::InsecureChannelCredentials());
}

// ---- submit: REST beside gRPC ----

void BM_Submit(benchmark::State& state) {
  const bool over_grpc = state.range(0) == 1;
  auto server = StartServer();
  auto channel = ChannelTo(*server);
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port());
  std::vector<double> latency;
  std::mutex mu;
  std::atomic<int> failures{0};
  for (auto _ : state) {
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&] {
        std::vector<double> mine;
        auto stub = v1::WorkflowService::NewStub(channel);
        client::HttpClient http(*client::ParseServerUrl(url));
        for (int i = 0; i < kSubmitsPerIteration / kClients; ++i) {
          const auto start = Steady::now();
          bool ok = false;
          if (over_grpc) {
            grpc::ClientContext ctx;
            v1::SubmitWorkflowRequest req;
            req.set_spec(kOneTask);
            v1::SubmitWorkflowResponse res;
            ok = stub->SubmitWorkflow(&ctx, req, &res).ok() && !res.workflow_id().empty();
          } else {
            auto r = http.Send({.method = "POST", .target = "/api/v1/workflows?async=true", .body = kOneTask,
                                .content_type = "application/json"});
            ok = r && r->status == 202;
          }
          if (!ok) ++failures;
          mine.push_back(Micros(Steady::now() - start));
        }
        std::lock_guard lock(mu);
        latency.insert(latency.end(), mine.begin(), mine.end());
      });
    }
    for (auto& t : clients) t.join();
  }
  state.SetItemsProcessed(state.iterations() * kSubmitsPerIteration);
  state.counters["failures"] = failures.load();
  state.SetLabel(over_grpc ? "gRPC SubmitWorkflow" : "REST POST /api/v1/workflows");
  ReportLatency(state, latency);
}
BENCHMARK(BM_Submit)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// ---- remote tasks: assign -> result -> next assign ----

// `remote`: tasks for the pull workers; otherwise the same DAG of default (builtin) tasks run
// in the engine: the baseline, the engine's own cost per task.
std::string RemoteSpec(int tasks, bool remote) {
  std::string spec = R"({"name": "remote", "tasks": [)";
  for (int i = 0; i < tasks; ++i) {
    spec += (i ? "," : "") + std::string(R"({"id": "t)") + std::to_string(i) +
            (remote ? R"(", "type": "remote", "config": {"queue": "bench"}})" : R"("})");
  }
  return spec + "]}";
}

// One pull worker: Hello, then answers every assignment at once with {"ok": true}; records the
// time from each result to the next assignment. Ends when `stop` is set and the stream closes.
struct BenchWorker {
  std::unique_ptr<grpc::ClientContext> ctx = std::make_unique<grpc::ClientContext>();
  std::unique_ptr<grpc::ClientReaderWriter<v1::WorkerMessage, v1::ServerMessage>> stream;
  std::vector<double> round_trip_us;
  std::atomic<int> done{0};
  std::thread thread;

  void Run(v1::WorkerService::Stub& stub, int index) {
    stream = stub.Connect(ctx.get());
    v1::WorkerMessage hello;
    hello.mutable_hello()->set_name("bench-" + std::to_string(index));
    hello.mutable_hello()->add_queues("bench");
    hello.mutable_hello()->set_capacity(1);
    if (!stream->Write(hello)) std::abort();
    thread = std::thread([this] {
      v1::ServerMessage in;
      std::optional<Steady::time_point> sent;
      while (stream->Read(&in)) {
        if (!in.has_assignment()) continue;
        if (sent) round_trip_us.push_back(Micros(Steady::now() - *sent));
        v1::WorkerMessage out;
        auto* result = out.mutable_result();
        result->set_attempt_id(in.assignment().attempt_id());
        result->set_success(true);
        result->set_output_json(R"({"ok": true})");
        sent = Steady::now();
        if (!stream->Write(out)) break;
        done.fetch_add(1, std::memory_order_relaxed);
      }
      sent.reset();
    });
  }
  void Stop() {
    ctx->TryCancel();
    thread.join();
  }
};

void BM_RemoteRoundTrip(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  auto server = StartServer();
  auto channel = ChannelTo(*server);
  auto worker_stub = v1::WorkerService::NewStub(channel);
  auto workflow_stub = v1::WorkflowService::NewStub(channel);
  std::vector<std::unique_ptr<BenchWorker>> pool;
  for (int w = 0; w < workers; ++w) {
    pool.push_back(std::make_unique<BenchWorker>());
    pool.back()->Run(*worker_stub, w);
  }
  const std::string spec = RemoteSpec(kRemoteTasks, workers > 0);
  for (auto _ : state) {
    grpc::ClientContext ctx;
    v1::SubmitWorkflowRequest req;
    req.set_spec(spec);
    v1::SubmitWorkflowResponse res;
    if (!workflow_stub->SubmitWorkflow(&ctx, req, &res).ok()) std::abort();
    auto st = server->engine().Wait(res.workflow_id(), std::chrono::minutes(5));
    if (!st || st->state != engine::WorkflowState::kCompleted) std::abort();
  }
  std::vector<double> latency;
  for (auto& w : pool) {
    w->Stop();
    latency.insert(latency.end(), w->round_trip_us.begin(), w->round_trip_us.end());
  }
  state.SetItemsProcessed(state.iterations() * kRemoteTasks);
  ReportLatency(state, latency);
}
BENCHMARK(BM_RemoteRoundTrip)->Arg(0)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// ---- WatchWorkflow fan-out ----

// One watcher: a callback-API stream that counts updates and notes when the terminal one came.
class Watcher final : public grpc::ClientReadReactor<v1::WorkflowStatusUpdate> {
 public:
  Watcher(v1::StreamingService::Stub& stub, const std::string& id, std::atomic<int>& started,
          std::atomic<int>& finished) : started_(started), finished_(finished) {
    v1::WatchWorkflowRequest req;
    req.set_workflow_id(id);
    stub.async()->WatchWorkflow(&ctx_, &req, this);
    StartRead(&update_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    if (!counted_start_) {
      counted_start_ = true;
      started_.fetch_add(1);
    }
    if (update_.status() == v1::WORKFLOW_STATUS_COMPLETED) {
      terminal_at_ = Steady::now();
      finished_.fetch_add(1);
    }
    StartRead(&update_);
  }
  void OnDone(const grpc::Status&) override {
    std::lock_guard lock(mu_);
    over_ = true;
    cv_.notify_all();
  }
  void AwaitDone() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return over_; });
  }
  Steady::time_point terminal_at() const { return terminal_at_; }

 private:
  grpc::ClientContext ctx_;
  v1::WorkflowStatusUpdate update_;
  std::atomic<int>& started_;
  std::atomic<int>& finished_;
  bool counted_start_ = false;
  Steady::time_point terminal_at_{};
  std::mutex mu_;
  std::condition_variable cv_;
  bool over_ = false;
};

void BM_WatchFanout(benchmark::State& state) {
  const int watchers = static_cast<int>(state.range(0));
  auto server = StartServer();
  auto channel = ChannelTo(*server);
  auto workflows = v1::WorkflowService::NewStub(channel);
  auto streaming = v1::StreamingService::NewStub(channel);
  auto signals = v1::SignalService::NewStub(channel);
  std::vector<double> latency;
  std::vector<double> last_ms;
  for (auto _ : state) {
    state.PauseTiming();
    grpc::ClientContext ctx;
    v1::SubmitWorkflowRequest req;
    req.set_spec(R"({"name": "gate", "tasks": [{"id": "g", "type": "builtin", "config": {"op": "wait_signal", "name": "go"}}]})");
    v1::SubmitWorkflowResponse res;
    if (!workflows->SubmitWorkflow(&ctx, req, &res).ok()) std::abort();
    std::atomic<int> started{0};
    std::atomic<int> finished{0};
    std::vector<std::unique_ptr<Watcher>> pool;
    for (int w = 0; w < watchers; ++w) pool.push_back(std::make_unique<Watcher>(*streaming, res.workflow_id(), started, finished));
    while (started.load() < watchers) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    state.ResumeTiming();
    grpc::ClientContext sctx;
    v1::SignalTaskRequest sreq;
    sreq.set_workflow_id(res.workflow_id());
    sreq.set_task_id("g");
    sreq.set_kind("go");
    v1::SignalTaskResponse sres;
    const auto signalled = Steady::now();
    if (!signals->SignalTask(&sctx, sreq, &sres).ok()) std::abort();
    for (auto& w : pool) w->AwaitDone();
    Steady::time_point last = signalled;
    for (auto& w : pool) {
      if (w->terminal_at() == Steady::time_point{}) std::abort();
      latency.push_back(Micros(w->terminal_at() - signalled));
      last = std::max(last, w->terminal_at());
    }
    last_ms.push_back(Micros(last - signalled) / 1000);
    if (finished.load() != watchers) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * watchers);
  ReportLatency(state, latency);
  std::sort(last_ms.begin(), last_ms.end());
  state.counters["last_watcher_ms"] = last_ms[last_ms.size() / 2];
}
BENCHMARK(BM_WatchFanout)->Arg(1)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace
}  // namespace goclaw

BENCHMARK_MAIN();
