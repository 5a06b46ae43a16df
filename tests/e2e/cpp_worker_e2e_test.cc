// The C++ example worker (examples/workers/cpp) end to end: the real `goclaw server` and the
// real worker binary. Workflows of remote tasks run on it; it is killed (-9) mid-run and started
// again, and every task still ends completed, exactly once per attempt id, the attempts the
// dead worker held running again as their next attempt. A steer signal changes what a running
// attempt does; SIGTERM stops the worker cleanly.
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "goclaw/client/test_http_client.h"

#include "run_command.h"
#include "server_process.h"

namespace goclaw::testing {
namespace {

using client::testing::TestHttpClient;
using ::testing::HasSubstr;

// The worker binary in the background, its stdout and stderr kept.
class WorkerProcess {
 public:
  explicit WorkerProcess(const std::vector<std::string>& args) {
    int out[2];
    if (pipe(out) != 0) std::abort();
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      dup2(out[1], 2);
      close(out[0]);
      close(out[1]);
      std::vector<std::string> all = {GOCLAW_EXAMPLE_WORKER_PATH};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    reader_ = std::thread([this, fd = out[0]] {
      char buf[4096];
      for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
        std::lock_guard lock(mu_);
        text_.append(buf, static_cast<std::size_t>(n));
      }
      close(fd);
    });
  }
  ~WorkerProcess() {
    Stop(SIGKILL);
    if (reader_.joinable()) reader_.join();
  }
  // Sends `signal` and waits for the exit; the exit code (-1: killed by a signal).
  int Stop(int signal) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (reader_.joinable()) reader_.join();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string Output() {
    std::lock_guard lock(mu_);
    return text_;
  }
  bool WaitFor(const std::string& text, int seconds = 30) {
    for (int i = 0; i < seconds * 100; ++i) {
      if (Output().find(text) != std::string::npos) return true;
      usleep(10000);
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
  std::thread reader_;
  std::mutex mu_;
  std::string text_;
};

boost::json::value Workflow(TestHttpClient& http, const std::string& id) {
  auto r = http.Get("/api/v1/workflows/" + id);
  return r.status == 200 ? r.Json() : boost::json::value();
}

bool Finished(const boost::json::value& w) {
  if (!w.is_object()) return false;
  const auto& s = w.at("status");
  return s == "completed" || s == "failed" || s == "cancelled";
}

// How many times a task of the workflow reached `completed`, from its stored events.
int TaskCompletions(TestHttpClient& http, const std::string& id) {
  auto events = http.Get("/api/v1/workflows/" + id + "/events").Json();
  int completed = 0;
  for (const auto& e : events.at("events").as_array()) {
    const auto* to = e.as_object().if_contains("to");
    if (e.as_object().contains("task_id") && to && *to == "completed") ++completed;
  }
  return completed;
}

constexpr const char* kSpec = R"({"name": "research-e2e", "input": {"topic": "tides"}, "tasks": [
  {"id": "research", "type": "remote", "retries": 0,
   "config": {"queue": "research", "topic": "{{input.topic}}", "steps": 6, "step_ms": 250}}]})";

TEST(CppWorkerE2eTest, KilledMidRunAndRestartedEveryTaskCompletesOncePerAttempt) {
  ServerProcess server(
      {"--set", "workers.heartbeat_interval=200ms", "--set", "workers.heartbeat_timeout=3s"});
  ASSERT_GT(server.port(), 0) << server.Stderr();
  ASSERT_GT(server.grpc_port(), 0) << server.Stderr();
  const std::string target = "127.0.0.1:" + std::to_string(server.grpc_port());
  const std::vector<std::string> flags = {"--target", target,       "--name",
                                          "cpp-e2e",  "--capacity", "3"};
  TestHttpClient http(server.port());

  auto first = std::make_unique<WorkerProcess>(flags);
  ASSERT_TRUE(first->WaitFor("connected to " + target)) << first->Output();
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    auto r = http.Request("POST", "/api/v1/workflows?async=true", kSpec,
                          {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 202) << r.body;
    ids.push_back(std::string(r.Json().at("id").as_string()));
  }
  // Mid-run: three attempts are on the worker, none can be finished yet (6 steps x 250 ms).
  ASSERT_TRUE(first->WaitFor("researching \"tides\"")) << first->Output();
  EXPECT_EQ(first->Stop(SIGKILL), -1);
  const std::string killed_output = first->Output();
  first.reset();

  WorkerProcess second(flags);
  for (const std::string& id : ids) {
    boost::json::value w;
    for (int i = 0; i < 6000 && !Finished(w = Workflow(http, id)); ++i) usleep(10000);
    ASSERT_EQ(w.at("status"), "completed") << boost::json::serialize(w) << "\n" << second.Output();
    const auto& task = w.at("tasks").as_array()[0];
    const auto& output = task.at("result");
    // The output is the attempt that completed: the task's last.
    EXPECT_EQ(output.at("attempt"), task.at("attempts")) << boost::json::serialize(task);
    EXPECT_EQ(output.at("steps_done"), 6);
    // Exactly one completion per workflow, by one attempt id.
    EXPECT_EQ(TaskCompletions(http, id), 1) << id;
  }
  // What the killed worker had started ran again as attempt 2 on the new one.
  const std::string out = second.Output();
  int reruns = 0;
  for (std::size_t at = 0; (at = out.find("(attempt 2)", at)) != std::string::npos; ++at) ++reruns;
  EXPECT_GE(reruns, 1) << "killed worker:\n" << killed_output << "\nnew worker:\n" << out;
  EXPECT_EQ(second.Stop(SIGTERM), 0);
  EXPECT_THAT(second.Output(), HasSubstr("stopped: "));
}

// A loopback port nothing listens on now (the restarted server must get the same gRPC port,
// which the worker keeps reconnecting to).
int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::abort();
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// The server is killed (-9) while the worker runs its attempts, and started again on the same
// data directory and gRPC port: recovery runs the interrupted attempts again as their next
// attempt, the worker reconnects by itself, and every workflow completes exactly once.
TEST(CppWorkerE2eTest, TheServerKilledMidRunResumesAndTheWorkerReconnects) {
  const std::string grpc_port = std::to_string(FreeLoopbackPort());
  const std::vector<std::string> args = {"--set", "grpc.port=" + grpc_port, "--set", "workers.heartbeat_interval=200ms",
                                         "--set", "workers.heartbeat_timeout=3s"};
  auto first = std::make_unique<ServerProcess>(args);
  ASSERT_GT(first->port(), 0) << first->Stderr();
  const std::string target = "127.0.0.1:" + grpc_port;
  WorkerProcess worker({"--target", target, "--name", "cpp-e2e-restart", "--capacity", "3"});
  ASSERT_TRUE(worker.WaitFor("connected to " + target)) << worker.Output();
  std::vector<std::string> ids;
  {
    TestHttpClient http(first->port());
    for (int i = 0; i < 4; ++i) {
      auto r = http.Request("POST", "/api/v1/workflows?async=true", kSpec, {{"Content-Type", "application/json"}});
      ASSERT_EQ(r.status, 202) << r.body;
      ids.push_back(std::string(r.Json().at("id").as_string()));
    }
  }
  ASSERT_TRUE(worker.WaitFor("researching \"tides\"")) << worker.Output();
  EXPECT_EQ(first->Stop(SIGKILL), -1);

  ServerProcess second(args, first->data_dir());
  ASSERT_GT(second.port(), 0) << second.Stderr();
  TestHttpClient http(second.port());
  for (const std::string& id : ids) {
    boost::json::value w;
    for (int i = 0; i < 6000 && !Finished(w = Workflow(http, id)); ++i) usleep(10000);
    ASSERT_EQ(w.at("status"), "completed") << boost::json::serialize(w) << "\n" << worker.Output();
    const auto& task = w.at("tasks").as_array()[0];
    EXPECT_EQ(task.at("result").at("attempt"), task.at("attempts")) << boost::json::serialize(task);
    EXPECT_EQ(TaskCompletions(http, id), 1) << id;
  }
  // The attempts the first server was running when it died ran again, on the reconnected worker.
  EXPECT_THAT(worker.Output(), HasSubstr("(attempt 2)"));
  EXPECT_EQ(worker.Stop(SIGTERM), 0);
}

TEST(CppWorkerE2eTest, ASteerSignalChangesTheFocusOfARunningAttempt) {
  ServerProcess server;
  ASSERT_GT(server.grpc_port(), 0) << server.Stderr();
  WorkerProcess worker(
      {"--target", "127.0.0.1:" + std::to_string(server.grpc_port()), "--name", "steer-e2e"});
  ASSERT_TRUE(worker.WaitFor("connected to")) << worker.Output();
  TestHttpClient http(server.port());
  auto r = http.Request("POST", "/api/v1/workflows?async=true",
                        R"({"tasks": [{"id": "research", "type": "remote",
                            "config": {"queue": "research", "topic": "tides", "steps": 4, "step_ms": 500}}]})",
                        {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id(r.Json().at("id").as_string());
  ASSERT_TRUE(worker.WaitFor("researching \"tides\"")) << worker.Output();
  CommandResult steered = RunGoclaw({"signal", id, "steer", "--task", "research", "--data",
                                     R"({"parameters": {"focus": "costs"}})", "--transport", "grpc",
                                     "--grpc", "127.0.0.1:" + std::to_string(server.grpc_port())});
  ASSERT_EQ(steered.exit_code, 0) << steered.err;
  boost::json::value w;
  for (int i = 0; i < 3000 && !Finished(w = Workflow(http, id)); ++i) usleep(10000);
  ASSERT_EQ(w.at("status"), "completed") << boost::json::serialize(w);
  const auto& output = w.at("tasks").as_array()[0].at("result");
  EXPECT_EQ(output.at("focus"), "costs");
  EXPECT_EQ(output.at("steered").as_array().size(), 1u);
  EXPECT_TRUE(worker.WaitFor("steered: focus overview -> costs")) << worker.Output();
  EXPECT_EQ(worker.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace goclaw::testing
