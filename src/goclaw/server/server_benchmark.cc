// REST API throughput on this machine: a real Server (engine + HTTP) in the process, and a
// load generator of keep-alive connections (Beast coroutines on one thread) in the same
// process. Next to a baseline: the same load against a bare Beast server that answers every
// request with a fixed 202 (the ceiling of HTTP parsing and sockets here).
//
//   build/release/src/goclaw/server/server_benchmark --benchmark_counters_tabular=true
//
// - BM_SubmitAsync: POST /api/v1/workflows?async=true of a 1-task workflow (target ≥ 20k/s).
// - BM_GetStatus: GET /api/v1/workflows/{id} of a finished 1-task workflow.
// - BM_EventStream/1: a 10,000-task fan-out workflow watched by one /ws/events client that
//   receives every event (≈40k messages); /0 is the same workflow with nobody listening.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include "goclaw/client/http_client.h"
#include "goclaw/client/websocket_client.h"
#include "goclaw/core/test_temp_dir.h"
#include "goclaw/server/server.h"

namespace goclaw::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
using Steady = std::chrono::steady_clock;

constexpr int kConnections = 32;
constexpr int kRequestsPerIteration = 20000;
constexpr const char* kSpec = R"({"name": "one", "tasks": [{"id": "a"}]})";

struct Load {
  std::vector<double> latency_us;
  int failures = 0;
  std::string last_body;
};

asio::awaitable<void> Connection(int port, http::verb verb, std::string target, std::string body, int requests,
                                 Load& load) {
  auto ex = co_await asio::this_coro::executor;
  beast::tcp_stream stream(ex);
  auto [cec] = co_await stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                                           static_cast<unsigned short>(port)), kTuple);
  if (cec) {
    load.failures += requests;
    co_return;
  }
  beast::flat_buffer buffer;
  for (int i = 0; i < requests; ++i) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.keep_alive(true);
    req.prepare_payload();
    const auto start = Steady::now();
    auto [wec, w] = co_await http::async_write(stream, req, kTuple);
    http::response<http::string_body> res;
    auto [rec, r] = co_await http::async_read(stream, buffer, res, kTuple);
    if (wec || rec || res.result_int() >= 300) {
      ++load.failures;
      if (wec || rec) co_return;
      continue;
    }
    load.latency_us.push_back(std::chrono::duration<double, std::micro>(Steady::now() - start).count());
    if (i == requests - 1) load.last_body = res.body();
  }
}

// Runs `total` requests over kConnections keep-alive connections from one client thread.
Load RunLoad(int port, http::verb verb, const std::string& target, const std::string& body, int total) {
  asio::io_context io(1);
  Load load;
  for (int c = 0; c < kConnections; ++c) {
    asio::co_spawn(io, Connection(port, verb, target, body, total / kConnections, load), asio::detached);
  }
  io.run();
  return load;
}

void Report(benchmark::State& state, std::vector<double>& latency, int failures) {
  std::sort(latency.begin(), latency.end());
  auto at = [&](double q) { return latency.empty() ? 0 : latency[std::min(latency.size() - 1, static_cast<std::size_t>(q * latency.size()))]; };
  state.counters["p50_us"] = at(0.5);
  state.counters["p99_us"] = at(0.99);
  state.counters["failures"] = failures;
}

// `data_dir` empty: the memory store; else RocksDB there (fsync per group-commit batch).
std::unique_ptr<Server> StartServer(const std::string& data_dir = "") {
  config::Config c;
  c.server.port = 0;
  c.storage.backend = data_dir.empty() ? config::StorageBackend::kMemory : config::StorageBackend::kRocksDb;
  c.storage.path = data_dir;
  config::LaneConfig lane;
  lane.name = "default";
  lane.max_concurrency = 1 << 16;
  lane.capacity = 1 << 22;
  c.lanes = {lane};
  auto s = Server::Start(c);
  if (!s) std::abort();
  return std::move(*s);
}

// /0: memory store; /1: RocksDB (each 202 is sent once the workflow is durable).
void BM_SubmitAsync(benchmark::State& state) {
  testing::ScratchDir dir("goclaw-bench-server");
  auto server = StartServer(state.range(0) == 1 ? dir.path() + "/data" : "");
  std::vector<double> latency;
  int failures = 0;
  for (auto _ : state) {
    Load load = RunLoad(server->port(), http::verb::post, "/api/v1/workflows?async=true", kSpec, kRequestsPerIteration);
    latency.insert(latency.end(), load.latency_us.begin(), load.latency_us.end());
    failures += load.failures;
  }
  state.SetItemsProcessed(state.iterations() * kRequestsPerIteration);
  Report(state, latency, failures);
}
BENCHMARK(BM_SubmitAsync)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_GetStatus(benchmark::State& state) {
  auto server = StartServer();
  Load one = RunLoad(server->port(), http::verb::post, "/api/v1/workflows", kSpec, kConnections);
  std::string id(boost::json::parse(one.last_body).at("id").as_string());
  std::vector<double> latency;
  int failures = 0;
  for (auto _ : state) {
    Load load = RunLoad(server->port(), http::verb::get, "/api/v1/workflows/" + id, "", kRequestsPerIteration);
    latency.insert(latency.end(), load.latency_us.begin(), load.latency_us.end());
    failures += load.failures;
  }
  state.SetItemsProcessed(state.iterations() * kRequestsPerIteration);
  Report(state, latency, failures);
}
BENCHMARK(BM_GetStatus)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

std::string WideSpec(int tasks) {
  std::string spec = R"({"name": "wide", "tasks": [)";
  for (int i = 0; i < tasks; ++i) spec += (i ? "," : "") + std::string(R"({"id": "t)") + std::to_string(i) + R"("})";
  return spec + "]}";
}

void BM_EventStream(benchmark::State& state) {
  const bool listening = state.range(0) == 1;
  auto server = StartServer();
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port());
  const std::string spec = WideSpec(10000);
  std::unique_ptr<client::WebSocketClient> ws;
  if (listening) {
    ws = std::move(*client::WebSocketClient::Connect(url, "/ws/events"));
    if (!ws->Send(R"({"type": "subscribe"})") || !ws->Read(Millis(10000))) std::abort();
  }
  std::uint64_t events = 0;
  for (auto _ : state) {
    auto submit = client::HttpCall(url, {.method = "POST", .target = "/api/v1/workflows?async=true", .body = spec,
                                      .content_type = "application/json"});
    if (!submit || submit->status != 202) std::abort();
    std::string id(submit->Json().at("id").as_string());
    if (!listening) {
      if (!server->engine().Wait(id, std::chrono::seconds(60))) std::abort();
      continue;
    }
    while (true) {
      auto text = ws->Read(Millis(60000));
      if (!text) std::abort();
      ++events;
      if (text->find("\"kind\":\"workflow.completed\"") != std::string::npos && text->find(id) != std::string::npos) break;
    }
  }
  state.SetItemsProcessed(state.iterations() * 10000);
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EventStream)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

// ---- baseline: a bare Beast server with a fixed answer, same threads as goclaw's I/O ----

asio::awaitable<void> BareSession(tcp::socket socket) {
  beast::flat_buffer buffer;
  while (true) {
    http::request<http::string_body> req;
    auto [rec, r] = co_await http::async_read(socket, buffer, req, kTuple);
    if (rec) co_return;
    http::response<http::string_body> res{http::status::accepted, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"id":"wf-0190f0a1-7c2e-7d4b-9a1e-0123456789ab","name":"one","status":"pending"})";
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    auto [wec, w] = co_await http::async_write(socket, res, kTuple);
    if (wec) co_return;
  }
}

void BM_BaselineBareBeast(benchmark::State& state) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const int port = acceptor.local_endpoint().port();
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    while (true) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) co_return;
      asio::co_spawn(asio::make_strand(io), BareSession(std::move(socket)), asio::detached);
    }
  }, asio::detached);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&] { io.run(); });
  std::vector<double> latency;
  int failures = 0;
  for (auto _ : state) {
    Load load = RunLoad(port, http::verb::post, "/api/v1/workflows?async=true", kSpec, kRequestsPerIteration);
    latency.insert(latency.end(), load.latency_us.begin(), load.latency_us.end());
    failures += load.failures;
  }
  io.stop();
  for (auto& t : threads) t.join();
  state.SetItemsProcessed(state.iterations() * kRequestsPerIteration);
  Report(state, latency, failures);
}
BENCHMARK(BM_BaselineBareBeast)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace goclaw::server

BENCHMARK_MAIN();
