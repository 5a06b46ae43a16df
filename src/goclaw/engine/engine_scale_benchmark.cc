// Engine scale: memory and completion of many tasks at once, each next to a baseline measured
// in the same process. Peak RSS is per process, so run one benchmark per process:
//
//   bench/engine_scale.sh            (runs each of the three below in its own process)
//
// - BM_SleepingTasks: one workflow of 100,000 `sleep 10s` tasks, all running at once.
//   Baseline: 100,000 asio steady_timer waits on one io_context (no engine).
// - BM_PendingTasks: 1,000 workflows x 1,000 noop tasks on a paused lane (concurrency 0):
//   1,000,000 pending tasks, then the lane is opened. Baseline: the same 1,000,000 items as
//   (workflow, task) pairs in a std::deque.
// - BM_HttpTasks: one workflow of 10,000 http tasks against an agent in a child process that
//   answers after 200 ms, so all of them are in flight together. Baseline: the same 10,000
//   requests from bare Beast coroutines (one connection each) on one thread.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <dirent.h>
#include <fstream>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "bench_util.h"
#include "goclaw/exec/http_executor.h"
#include "goclaw/dag/compiler.h"
#include "goclaw/engine/engine.h"

namespace goclaw::engine {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

int ThreadCount() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/task")) {
    while (dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
    ::closedir(d);
  }
  return n;
}

std::shared_ptr<const dag::Plan> IndependentTasks(std::size_t n, const std::string& type,
                                                  const boost::json::object& config,
                                                  const std::string& lane = "default") {
  auto spec = std::make_shared<dag::WorkflowSpec>();
  spec->name = "wide";
  spec->tasks.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    spec->tasks[i].id = "t" + std::to_string(i);
    spec->tasks[i].type = type;
    spec->tasks[i].config = config;
    spec->tasks[i].lane = lane;
  }
  auto plan = dag::Compile(spec);
  if (!plan) std::abort();
  return std::make_shared<const dag::Plan>(std::move(*plan));
}

std::unique_ptr<Engine> MakeEngine(std::vector<config::LaneConfig> lanes) {
  EngineOptions options;
  options.shards = 2;
  options.lanes = std::move(lanes);
  options.executors = [](const exec::ExecutorEnv& env) -> Result<std::unique_ptr<exec::ExecutorRegistry>> {
    auto registry = std::make_unique<exec::ExecutorRegistry>();
    GOCLAW_RETURN_IF_ERROR(exec::AddCoreExecutors(*registry, env));
    GOCLAW_ASSIGN_OR_RETURN(auto http, exec::HttpExecutor::Create({}));
    GOCLAW_RETURN_IF_ERROR(registry->Register("http", std::move(http)));
    return registry;
  };
  auto engine = Engine::Create(std::move(options));
  if (!engine) std::abort();
  return std::move(*engine);
}

config::LaneConfig WideLane(const std::string& name, std::int64_t concurrency) {
  config::LaneConfig lane;
  lane.name = name;
  lane.max_concurrency = concurrency;
  lane.capacity = 1 << 22;
  return lane;
}

// ---- 100,000 sleeping tasks ----

void BM_SleepingTasks(benchmark::State& state) {
  constexpr std::size_t kTasks = 100000;
  const std::string duration = std::to_string(state.range(0)) + "s";
  auto plan = IndependentTasks(kTasks, "builtin", {{"op", "sleep"}, {"duration", duration}});
  double before = bench::RssMb();
  auto engine = MakeEngine({WideLane("default", 1 << 20)});
  int threads = 0;
  for (auto _ : state) {
    auto id = engine->Submit(plan);
    threads = ThreadCount();  // while they sleep
    auto st = engine->Wait(*id);
    if (!st || st->state != WorkflowState::kCompleted) state.SkipWithError("workflow failed");
  }
  state.counters["tasks"] = kTasks;
  state.counters["rss_before_MB"] = before;
  state.counters["peak_rss_MB"] = bench::PeakRssMb();
  state.counters["threads"] = threads;
}
BENCHMARK(BM_SleepingTasks)->Arg(10)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BaselineSleepingTimers(benchmark::State& state) {
  constexpr std::size_t kTasks = 100000;
  double before = bench::RssMb();
  for (auto _ : state) {
    asio::io_context io(1);
    std::vector<std::unique_ptr<asio::steady_timer>> timers;
    timers.reserve(kTasks);
    std::size_t fired = 0;
    for (std::size_t i = 0; i < kTasks; ++i) {
      timers.push_back(std::make_unique<asio::steady_timer>(io, std::chrono::seconds(state.range(0))));
      timers.back()->async_wait([&fired](const boost::system::error_code&) { ++fired; });
    }
    io.run();
    if (fired != kTasks) state.SkipWithError("timers lost");
  }
  state.counters["rss_before_MB"] = before;
  state.counters["peak_rss_MB"] = bench::PeakRssMb();
}
BENCHMARK(BM_BaselineSleepingTimers)->Arg(10)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- 1,000,000 pending tasks ----

void BM_PendingTasks(benchmark::State& state) {
  constexpr std::size_t kWorkflows = 1000;
  constexpr std::size_t kTasksEach = 1000;
  auto plan = IndependentTasks(kTasksEach, "builtin", {}, "gate");
  double before = bench::RssMb();
  auto engine = MakeEngine({WideLane("gate", 1)});
  auto gate = engine->lanes().Find("gate");
  double pending_rss = 0;
  for (auto _ : state) {
    gate->SetMaxConcurrency(0);  // paused
    std::vector<std::string> ids;
    for (std::size_t w = 0; w < kWorkflows; ++w) ids.push_back(*engine->Submit(plan));
    while (gate->Stats().waiting < static_cast<std::int64_t>(kWorkflows * kTasksEach)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pending_rss = bench::RssMb();
    gate->SetMaxConcurrency(1 << 20);  // open
    for (const auto& id : ids) {
      auto st = engine->Wait(id);
      if (!st || st->state != WorkflowState::kCompleted) state.SkipWithError("workflow failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kWorkflows * kTasksEach));
  state.counters["rss_before_MB"] = before;
  state.counters["rss_1M_pending_MB"] = pending_rss;
  state.counters["peak_rss_MB"] = bench::PeakRssMb();
}
BENCHMARK(BM_PendingTasks)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BaselinePendingDeque(benchmark::State& state) {
  double before = bench::RssMb();
  double pending_rss = 0;
  for (auto _ : state) {
    std::deque<std::pair<std::string, std::uint32_t>> queue;
    for (std::size_t w = 0; w < 1000; ++w) {
      std::string id = "wf-0000000000000000000000000000000000" + std::to_string(w);
      for (std::uint32_t t = 0; t < 1000; ++t) queue.emplace_back(id, t);
    }
    pending_rss = bench::RssMb();
    std::size_t sum = 0;
    while (!queue.empty()) {
      sum += queue.front().second;
      queue.pop_front();
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * 1000000);
  state.counters["rss_before_MB"] = before;
  state.counters["rss_1M_pending_MB"] = pending_rss;
  state.counters["peak_rss_MB"] = bench::PeakRssMb();
}
BENCHMARK(BM_BaselinePendingDeque)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- 10,000 concurrent http tasks ----

// The agent: a child process (its own file-descriptor table) answering every request with a
// small JSON body after `delay`.
class ChildAgent {
 public:
  explicit ChildAgent(std::chrono::milliseconds delay) {
    asio::io_context probe;
    tcp::acceptor a(probe, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port_ = a.local_endpoint().port();
    a.close();
    int ready[2];
    if (::pipe(ready) != 0) std::abort();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(ready[0]);
      Serve(delay, ready[1]);
      ::_exit(0);
    }
    ::close(ready[1]);
    char c;
    if (::read(ready[0], &c, 1) != 1) std::abort();
    ::close(ready[0]);
  }
  ~ChildAgent() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/agent"; }
  unsigned short port() const { return port_; }

 private:
  static asio::awaitable<void> Session(tcp::socket socket, std::chrono::milliseconds delay) {
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> req;
      auto [rec, n] = co_await http::async_read(socket, buffer, req, kTuple);
      if (rec) co_return;
      asio::steady_timer timer(socket.get_executor(), delay);
      co_await timer.async_wait(kTuple);
      http::response<http::string_body> res{http::status::ok, 11};
      res.set(http::field::content_type, "application/json");
      res.body() = R"({"answer": 42})";
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      auto [wec, m] = co_await http::async_write(socket, res, kTuple);
      if (wec || !req.keep_alive()) co_return;
    }
  }

  void Serve(std::chrono::milliseconds delay, int ready_fd) {
    asio::io_context io(1);
    tcp::acceptor acceptor(io);
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port_);
    acceptor.open(ep.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(65535);
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      while (true) {
        auto [ec, socket] = co_await acceptor.async_accept(kTuple);
        if (ec) continue;  // e.g. EMFILE: keep serving the others
        asio::co_spawn(io, Session(std::move(socket), delay), asio::detached);
      }
    }, asio::detached);
    char c = 1;
    if (::write(ready_fd, &c, 1) != 1) ::_exit(1);
    ::close(ready_fd);
    io.run();
  }

  unsigned short port_ = 0;
  pid_t pid_ = -1;
};

constexpr std::size_t kHttpTasks = 10000;
constexpr std::chrono::milliseconds kAgentDelay{200};

void BM_HttpTasks(benchmark::State& state) {
  ChildAgent agent(kAgentDelay);
  auto plan = IndependentTasks(kHttpTasks, "http",
                               {{"url", agent.Url()}, {"body", {{"q", "x"}}}, {"timeout", "60s"}});
  double before = bench::RssMb();
  auto engine = MakeEngine({WideLane("default", 1 << 20)});
  std::size_t max_in_flight = 0;
  int threads = 0;
  for (auto _ : state) {
    auto id = engine->Submit(plan);
    threads = ThreadCount();
    auto st = engine->Wait(*id);
    if (!st || st->state != WorkflowState::kCompleted) {
      state.SkipWithError(st ? st->error.c_str() : "wait failed");
      break;
    }
    // The most attempts in flight at once, from the task timings.
    std::vector<std::pair<Clock::WallTime, int>> edges;
    for (const auto& t : st->tasks) {
      edges.emplace_back(*t.started_at, 1);
      edges.emplace_back(*t.finished_at, -1);
    }
    std::sort(edges.begin(), edges.end());
    int now = 0;
    for (const auto& e : edges) max_in_flight = std::max<std::size_t>(max_in_flight, now += e.second);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kHttpTasks));
  state.counters["max_in_flight"] = static_cast<double>(max_in_flight);
  state.counters["threads"] = threads;
  state.counters["rss_before_MB"] = before;
  state.counters["peak_rss_MB"] = bench::PeakRssMb();
}
BENCHMARK(BM_HttpTasks)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

asio::awaitable<void> BareRequest(unsigned short port, std::size_t& ok) {
  auto ex = co_await asio::this_coro::executor;
  tcp::socket socket(ex);
  auto [cec] = co_await socket.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), kTuple);
  if (cec) co_return;
  http::request<http::string_body> req{http::verb::post, "/agent", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  req.body() = R"({"q": "x"})";
  req.prepare_payload();
  auto [wec, w] = co_await http::async_write(socket, req, kTuple);
  if (wec) co_return;
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  auto [rec, r] = co_await http::async_read(socket, buffer, res, kTuple);
  if (!rec && res.result_int() == 200) ++ok;
}

void BM_BaselineBareHttp(benchmark::State& state) {
  ChildAgent agent(kAgentDelay);
  double before = bench::RssMb();
  for (auto _ : state) {
    asio::io_context io(1);
    std::size_t ok = 0;
    for (std::size_t i = 0; i < kHttpTasks; ++i) asio::co_spawn(io, BareRequest(agent.port(), ok), asio::detached);
    io.run();
    if (ok != kHttpTasks) state.SkipWithError("requests failed");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kHttpTasks));
  state.counters["rss_before_MB"] = before;
  state.counters["peak_rss_MB"] = bench::PeakRssMb();
}
BENCHMARK(BM_BaselineBareHttp)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace goclaw::engine

BENCHMARK_MAIN();
