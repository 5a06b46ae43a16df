// End-to-end tests of `goclaw run`: the real binary runs workflows in its embedded engine.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "run_command.h"

namespace goclaw::testing {
namespace {

TEST(RunE2E, HelloRunsAndPrintsSummaryAndOutputs) {
  CommandResult r = RunGoclaw({"run", SourcePath("examples/hello.yaml")});
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("task greet running (attempt 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(hello) completed in"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("greet: {\"message\":\"hello, world\"}"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("shout: {\"message\":\"hello, world!\"}"), std::string::npos) << r.out;
}

TEST(RunE2E, InputsOverrideTheSpecAndKeepTheirTypes) {
  CommandResult r = RunGoclaw({"run", SourcePath("examples/hello.yaml"), "--input", "name=you",
                               "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto v = boost::json::parse(r.out);
  EXPECT_EQ(v.at("status"), "completed");
  EXPECT_EQ(v.at("tasks").as_array()[0].at("result").at("message"), "hello, you");

  TempDir dir;
  std::string spec = dir.Write("typed.yaml", "tasks: [{id: t, config: {op: echo, n: \"{{input.n}}\", on: \"{{input.on}}\"}}]\n");
  std::string input = dir.Write("input.json", R"({"on": true})");
  CommandResult typed = RunGoclaw({"run", spec, "--input", "n=3", "--input-file", input, "--json"});
  ASSERT_EQ(typed.exit_code, 0) << typed.err;
  auto result = boost::json::parse(typed.out).at("tasks").as_array()[0].at("result");
  EXPECT_EQ(result.at("n"), 3);
  EXPECT_EQ(result.at("on"), true);
}

TEST(RunE2E, RetriesAndContinue) {
  CommandResult r = RunGoclaw({"run", SourcePath("examples/retry.yaml"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto v = boost::json::parse(r.out);
  const auto& tasks = v.at("tasks").as_array();
  EXPECT_EQ(tasks[0].at("attempts"), 3);
  EXPECT_EQ(tasks[1].at("status"), "failed");
  EXPECT_EQ(tasks[2].at("result").at("flaky_attempts"), 3);
}

TEST(RunE2E, FanoutOfAThousandTasks) {
  CommandResult r = RunGoclaw({"run", SourcePath("examples/fanout.yaml"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto v = boost::json::parse(r.out);
  EXPECT_EQ(v.at("status"), "completed");
  EXPECT_EQ(v.at("tasks").as_array().size(), 1002u);
}

TEST(RunE2E, FailureExitsOneWithTheReason) {
  TempDir dir;
  std::string spec = dir.Write("fail.yaml", "name: broken\ntasks:\n  - {id: a, config: {op: fail, message: no luck}}\n  - {id: b, depends_on: [a]}\n");
  CommandResult r = RunGoclaw({"run", spec});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("(broken) failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("error: task \"a\" failed: no luck (attempt 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("skipped"), std::string::npos);
}

TEST(RunE2E, BadInputIsRefusedClearly) {
  TempDir dir;
  CommandResult no_eq = RunGoclaw({"run", SourcePath("examples/hello.yaml"), "--input", "name"});
  EXPECT_EQ(no_eq.exit_code, 1);
  EXPECT_NE(no_eq.err.find("--input name: expected key=value"), std::string::npos) << no_eq.err;
  CommandResult missing = RunGoclaw({"run", SourcePath("examples/hello.yaml"), "--input-file", "/nope.json"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot read file"), std::string::npos) << missing.err;
  std::string list = dir.Write("list.json", "[1, 2]");
  CommandResult not_object = RunGoclaw({"run", SourcePath("examples/hello.yaml"), "--input-file", list});
  EXPECT_EQ(not_object.exit_code, 1);
  EXPECT_NE(not_object.err.find("the input must be an object"), std::string::npos);
  std::string cycle = dir.Write("cycle.yaml", "tasks: [{id: a, depends_on: [a]}]\n");
  CommandResult invalid = RunGoclaw({"run", cycle});
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_NE(invalid.err.find("depends on itself"), std::string::npos);
  std::string unknown = dir.Write("teleport.yaml", "tasks: [{id: fetch, type: teleport}]\n");
  CommandResult no_executor = RunGoclaw({"run", unknown});
  EXPECT_EQ(no_executor.exit_code, 1);
  EXPECT_NE(no_executor.err.find("tasks[0].type: unknown task type \"teleport\"; accepted: builtin, function, http, exec, "
                                 "script, remote"),
            std::string::npos)
      << no_executor.err;
  // Remote tasks are known (the spec is valid) but need a server for workers to connect to.
  std::string remote = dir.Write("remote.yaml", "tasks: [{id: fetch, type: remote, config: {queue: research}}]\n");
  CommandResult no_workers = RunGoclaw({"run", remote});
  EXPECT_EQ(no_workers.exit_code, 1);
  EXPECT_NE(no_workers.err.find("remote tasks need `goclaw server` (workers connect to its gRPC port)"), std::string::npos)
      << no_workers.err;
}

TEST(RunE2E, CtrlCCancelsCleanlyAndExits130) {
  TempDir dir;
  std::string spec = dir.Write("long.yaml",
                               "name: long\ntasks:\n  - {id: sleeper, config: {op: sleep, duration: 1h}}\n"
                               "  - {id: after, depends_on: [sleeper]}\n");
  CommandResult r = RunGoclaw({"run", spec}, "", {}, 30, "task sleeper running");
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_NE(r.err.find("interrupted: cancelling"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("(long) cancelled"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace goclaw::testing

namespace goclaw::testing {
namespace {

TEST(RunE2E, ExecTasksNeedToBeEnabledAndAllowed) {
  TempDir dir;
  std::string spec = dir.Write("exec.yaml",
                               "name: sub\ninput: {n: 7}\ntasks:\n"
                               "  - {id: echo, type: exec, config: {command: [cat]}}\n"
                               "  - {id: count, type: script, depends_on: [echo],\n"
                               "     config: {command: [sh, -c, 'wc -c'], env: {X: '{{tasks.echo.output.n}}'}}}\n");
  CommandResult off = RunGoclaw({"run", spec});
  EXPECT_EQ(off.exit_code, 1);
  EXPECT_NE(off.err.find("exec tasks are disabled"), std::string::npos) << off.err;

  CommandResult on = RunGoclaw({"--set", "executors.exec.enabled=true", "--set",
                                "executors.exec.allow=[cat, sh]", "run", spec, "--json"});
  ASSERT_EQ(on.exit_code, 0) << on.err << on.out;
  auto v = boost::json::parse(on.out);
  EXPECT_EQ(v.at("tasks").as_array()[0].at("result").at("n"), 7);
  EXPECT_EQ(v.at("tasks").as_array()[1].at("result"), 7);  // `wc -c` of {"n":7}

  CommandResult denied = RunGoclaw({"--set", "executors.exec.enabled=true", "--set",
                                    "executors.exec.allow=[cat]", "run", spec});
  EXPECT_EQ(denied.exit_code, 1);  // refused before anything runs, at the command's path
  EXPECT_NE(denied.err.find("config.command[0]: command \"sh\" is not in executors.exec.allow"), std::string::npos)
      << denied.err;
}

}  // namespace
}  // namespace goclaw::testing

namespace goclaw::testing {
namespace {

// The example agent (Python standard library) on a free port, killed when done.
class EchoAgent {
 public:
  EchoAgent() {
    int out[2];
    if (pipe(out) != 0) std::abort();
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      std::string script = SourcePath("examples/agents/echo_agent.py");
      execlp("python3", "python3", script.c_str(), "--port", "0", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    url_ = line.substr(line.rfind(' ') + 1);  // "echo agent listening on http://127.0.0.1:N"
  }
  ~EchoAgent() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  const std::string& url() const { return url_; }

 private:
  pid_t pid_ = -1;
  std::string url_;
};

TEST(RunE2E, HttpAgentExampleAgainstTheExampleAgent) {
  EchoAgent agent;
  ASSERT_EQ(agent.url().rfind("http://127.0.0.1:", 0), 0u) << agent.url();
  CommandResult r = RunGoclaw({"run", SourcePath("examples/http-agent.yaml"), "--input",
                               "agent=" + agent.url(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto v = boost::json::parse(r.out);
  const auto& tasks = v.at("tasks").as_array();
  ASSERT_EQ(tasks.size(), 4u);
  EXPECT_EQ(tasks[0].at("result").at("status"), 200);
  EXPECT_EQ(tasks[3].at("result").at("words"), 9);
  EXPECT_EQ(tasks[3].at("result").at("summary"),
            "notes on multi-agent orchestration with lanes and durable si");

  // The agent gone: connection refused is retried, then the workflow fails.
  CommandResult down = RunGoclaw({"run", SourcePath("examples/http-agent.yaml"), "--input",
                                  "agent=http://127.0.0.1:1", "--json"});
  EXPECT_EQ(down.exit_code, 1);
  auto d = boost::json::parse(down.out);
  EXPECT_EQ(d.at("tasks").as_array()[0].at("attempts"), 4);
  EXPECT_EQ(d.at("tasks").as_array()[1].at("status"), "skipped");
}

}  // namespace
}  // namespace goclaw::testing
