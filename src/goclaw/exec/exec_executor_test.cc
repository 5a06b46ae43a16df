// The exec executor with real processes (cat, sh, sleep from the base system).
#include "goclaw/exec/exec_executor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/core/test_temp_dir.h"

namespace goclaw::exec {
namespace {

using ::testing::HasSubstr;

class ExecExecutorTest : public ::testing::Test {
 protected:
  ExecOptions Options() {
    ExecOptions o;
    o.enabled = true;
    o.allow = {"cat", "sh", "sleep", "/nonexistent/tool"};
    o.max_stdout_bytes = 1000;
    return o;
  }

  // Starts an attempt and returns a future of its result.
  std::future<AttemptResult> Start(ExecExecutor& exec, std::string_view config_json,
                                   boost::json::value input = nullptr,
                                   std::shared_ptr<AttemptChannel> cancel = nullptr) {
    auto promise = std::make_shared<std::promise<AttemptResult>>();
    Attempt a;
    a.workflow_id = "wf";
    a.task_id = "t";
    a.idempotency_key = "wf/t/1";
    a.config = boost::json::parse(config_json);
    a.input = std::make_shared<const boost::json::value>(std::move(input));
    a.channel = cancel ? cancel : std::make_shared<AttemptChannel>();
    exec.Start(std::move(a), [promise](AttemptResult r) { promise->set_value(std::move(r)); });
    return promise->get_future();
  }
};

TEST_F(ExecExecutorTest, InputOnStdinJsonOutputOnStdout) {
  ExecExecutor exec(Options());
  auto r = Start(exec, R"({"command": ["cat"]})", boost::json::parse(R"({"q": [1, 2]})")).get();
  ASSERT_TRUE(r.output) << r.output.error().message();
  EXPECT_EQ(*r.output, boost::json::parse(R"({"q": [1, 2]})"));
  auto text = Start(exec, R"({"command": ["sh", "-c", "echo plain text"]})").get();
  ASSERT_TRUE(text.output);
  EXPECT_EQ(*text.output, "plain text\n");
}

TEST_F(ExecExecutorTest, EnvAndCwd) {
  ExecExecutor exec(Options());
  auto r = Start(exec, R"({"command": ["sh", "-c", "printf '%s %s' \"$GREETING\" \"$(pwd)\""],
                          "env": {"GREETING": "hi"}, "cwd": "/tmp"})").get();
  ASSERT_TRUE(r.output) << r.output.error().message();
  EXPECT_EQ(*r.output, "hi /tmp");
  // The attempt's idempotency key and number, for commands that talk to services.
  auto keyed = Start(exec, R"({"command": ["sh", "-c", "printf '%s %s' \"$GOCLAW_IDEMPOTENCY_KEY\" \"$GOCLAW_ATTEMPT\""]})").get();
  ASSERT_TRUE(keyed.output) << keyed.output.error().message();
  EXPECT_EQ(*keyed.output, "wf/t/1 1");
}

TEST_F(ExecExecutorTest, NonZeroExitFailsWithStderrTail) {
  ExecExecutor exec(Options());
  auto r = Start(exec, R"({"command": ["sh", "-c", "echo oops >&2; exit 3"]})").get();
  ASSERT_FALSE(r.output);
  EXPECT_TRUE(r.retryable);
  EXPECT_EQ(r.output.error().message(), "process exited with status 3; stderr: oops");
}

TEST_F(ExecExecutorTest, RefusesWhatIsNotAllowedOrCannotRun) {
  ExecExecutor exec(Options());
  auto denied = Start(exec, R"({"command": ["rm", "-rf", "/"]})").get();
  ASSERT_FALSE(denied.output);
  EXPECT_FALSE(denied.retryable);
  EXPECT_EQ(denied.output.error().message(), "command \"rm\" is not in executors.exec.allow");
  auto missing = Start(exec, R"({"command": ["/nonexistent/tool"]})").get();
  ASSERT_FALSE(missing.output);
  EXPECT_THAT(missing.output.error().message(),
              HasSubstr("cannot run \"/nonexistent/tool\": No such file or directory"));
  auto bad = Start(exec, R"({"command": "cat file"})").get();
  ASSERT_FALSE(bad.output);
  EXPECT_THAT(bad.output.error().message(), HasSubstr("argv, no shell"));
  ExecOptions off = Options();
  off.enabled = false;
  ExecExecutor disabled(off);
  auto r = Start(disabled, R"({"command": ["cat"]})").get();
  ASSERT_FALSE(r.output);
  EXPECT_THAT(r.output.error().message(), HasSubstr("exec tasks are disabled"));
}

TEST_F(ExecExecutorTest, CancelKillsTheProcessGroup) {
  ExecExecutor exec(Options());
  auto cancel = std::make_shared<AttemptChannel>();
  // The shell starts a child; killing the group must end both, so the pipes close.
  auto f = Start(exec, R"({"command": ["sh", "-c", "sleep 60 & sleep 60; wait"]})", nullptr, cancel);
  cancel->Cancel();
  auto r = f.get();
  ASSERT_FALSE(r.output);
  EXPECT_EQ(r.output.error().code(), ErrorCode::kCancelled);
}

// Restores the process's SIGPIPE disposition when the test ends.
class ScopedSigpipe {
 public:
  explicit ScopedSigpipe(void (*handler)(int)) {
    struct sigaction sa {};
    sa.sa_handler = handler;
    ::sigaction(SIGPIPE, &sa, &old_);
  }
  ~ScopedSigpipe() { ::sigaction(SIGPIPE, &old_, nullptr); }

 private:
  struct sigaction old_ {};
};

// The goclaw binary ignores SIGPIPE in main; a program that embeds the engine need not. A
// command that exits without reading its input must fail the write with EPIPE, not end the
// process with SIGPIPE.
TEST_F(ExecExecutorTest, ACommandThatDoesNotReadItsInputDoesNotKillTheProcess) {
  ExecExecutor exec(Options());
  const std::string big(1 << 20, 'x');  // far more than a pipe holds
  // Set after the executor exists (it must not rely on changing it), then as in goclaw.
  for (auto* action : {SIG_DFL, SIG_IGN}) {
    ScopedSigpipe sigpipe(action);
    for (int i = 0; i < 3; ++i) {
      auto r = Start(exec, R"({"command": ["sh", "-c", "echo done"]})", boost::json::value(big)).get();
      ASSERT_TRUE(r.output) << r.output.error().message();
      EXPECT_EQ(*r.output, "done\n");
    }
  }
}

// Whatever the engine does with SIGPIPE, a command starts with the default action, neither
// ignored nor blocked (`yes | head` must end).
TEST_F(ExecExecutorTest, CommandsStartWithTheDefaultSigpipe) {
  ScopedSigpipe ignored(SIG_IGN);  // as in the goclaw binary
  ExecExecutor exec(Options());
  auto r = Start(exec, R"({"command": ["sh", "-c", "grep -E '^Sig(Blk|Ign):' /proc/self/status"]})").get();
  ASSERT_TRUE(r.output) << r.output.error().message();
  ASSERT_TRUE(r.output->is_string());
  const std::string status(r.output->as_string());
  for (const char* field : {"SigBlk:", "SigIgn:"}) {
    const std::size_t at = status.find(field);
    ASSERT_NE(at, std::string::npos) << status;
    const unsigned long long mask = std::strtoull(status.c_str() + at + std::strlen(field), nullptr, 16);
    EXPECT_EQ(mask & (1ull << (SIGPIPE - 1)), 0u) << field << " has SIGPIPE: " << status;
  }
}

TEST_F(ExecExecutorTest, OversizedStdoutIsCutOff) {
  ExecExecutor exec(Options());
  auto r = Start(exec, R"({"command": ["sh", "-c", "yes x | head -c 100000"]})").get();
  ASSERT_FALSE(r.output);
  EXPECT_FALSE(r.retryable);
  EXPECT_THAT(r.output.error().message(), HasSubstr("stdout is larger than 1000 bytes"));
}

TEST_F(ExecExecutorTest, ChildThatIgnoresStdinDoesNotHurt) {
  ExecExecutor exec(Options());
  std::string big(1 << 20, 'a');
  auto r = Start(exec, R"({"command": ["sh", "-c", "exit 0"]})", boost::json::value(big)).get();
  EXPECT_TRUE(r.output) << r.output.error().message();
}

// Issue 12 ("Hardening"): env overrides, NUL bytes, and what a task starts.

TEST_F(ExecExecutorTest, EnvOverrideReplacesTheVariable) {
  ::setenv("GOCLAW_EXEC_TEST_VAR", "old", 1);
  ExecOptions o = Options();
  o.max_stdout_bytes = 1 << 20;
  ExecExecutor exec(o);
  // The process's own environment block, as exec'd (a shell would hide a duplicate).
  auto r = Start(exec, R"({"command": ["cat", "/proc/self/environ"],
                          "env": {"GOCLAW_EXEC_TEST_VAR": "new"}})").get();
  ::unsetenv("GOCLAW_EXEC_TEST_VAR");
  ASSERT_TRUE(r.output) << r.output.error().message();
  ASSERT_TRUE(r.output->is_string());
  const std::string block(r.output->get_string());
  std::vector<std::string> entries;
  for (std::size_t start = 0; start < block.size();) {
    std::size_t end = block.find('\0', start);
    if (end == std::string::npos) end = block.size();
    std::string entry = block.substr(start, end - start);
    if (entry.rfind("GOCLAW_EXEC_TEST_VAR=", 0) == 0) entries.push_back(entry);
    start = end + 1;
  }
  EXPECT_EQ(entries, std::vector<std::string>{"GOCLAW_EXEC_TEST_VAR=new"});  // once, the task's value
}

TEST_F(ExecExecutorTest, RefusesNulInCommandEnvAndCwd) {
  ExecExecutor exec(Options());
  struct Case {
    boost::json::object config;
    std::string message;
  } cases[] = {
      {{{"command", {"sh", "-c", std::string("echo a\0b", 8)}}},
       "config.command[2]: contains a NUL character at offset 6"},
      {{{"command", {std::string("sh\0x", 4)}}}, "config.command[0]: contains a NUL character"},
      {{{"command", {"cat"}}, {"env", {{"K", std::string("v\0w", 3)}}}},
       "config.env.K: contains a NUL character at offset 1"},
      {{{"command", {"cat"}}, {"env", {{std::string("K\0", 2), "v"}}}}, "config.env: contains a NUL"},
      {{{"command", {"cat"}}, {"env", {{"A=B", "v"}}}}, "config.env: invalid variable name \"A=B\""},
      {{{"command", {"cat"}}, {"cwd", std::string("/tmp\0/etc", 9)}},
       "config.cwd: contains a NUL character at offset 4"},
  };
  for (const Case& c : cases) {
    auto r = Start(exec, boost::json::serialize(c.config)).get();
    ASSERT_FALSE(r.output) << c.message;
    EXPECT_FALSE(r.retryable);
    EXPECT_EQ(r.output.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(r.output.error().message(), HasSubstr(c.message));
  }
}

// A pid written by the command into a FIFO (blocks until the command opened it).
pid_t ReadPid(const std::string& fifo) {
  const int fd = ::open(fifo.c_str(), O_RDONLY);
  if (fd < 0) return -1;
  char buf[32] = {};
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  return n > 0 ? static_cast<pid_t>(std::atoi(buf)) : -1;
}

bool Alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

TEST_F(ExecExecutorTest, CancelKillsAGrandchildThatCalledSetsid) {
  testing::ScratchDir dir;
  const std::string fifo = dir.path() + "/pid";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ExecExecutor exec(Options());
  auto cancel = std::make_shared<AttemptChannel>();
  // The grandchild leaves the process group (setsid) and keeps stdout open.
  auto f = Start(exec, R"({"command": ["sh", "-c", "setsid sleep 60 & echo $! > )" + fifo + R"(; wait"]})",
                 nullptr, cancel);
  const pid_t grandchild = ReadPid(fifo);
  ASSERT_GT(grandchild, 0);
  cancel->Cancel();
  // Before the fix this never finished: the grandchild survived and held the pipe.
  ASSERT_EQ(f.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  auto r = f.get();
  ASSERT_FALSE(r.output);
  EXPECT_EQ(r.output.error().code(), ErrorCode::kCancelled);
  EXPECT_FALSE(Alive(grandchild));
  ::kill(grandchild, SIGKILL);  // in case it did survive
}

TEST_F(ExecExecutorTest, NothingTheCommandStartedOutlivesIt) {
  testing::ScratchDir dir;
  const std::string fifo = dir.path() + "/pid";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ExecExecutor exec(Options());
  // A daemon: own session, stdio detached; the command exits at once.
  auto f = Start(exec, R"({"command": ["sh", "-c",
                  "setsid sleep 60 </dev/null >/dev/null 2>&1 & echo $! > )" + fifo + R"(; echo done"]})");
  const pid_t daemon = ReadPid(fifo);
  ASSERT_GT(daemon, 0);
  ASSERT_EQ(f.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  auto r = f.get();
  ASSERT_TRUE(r.output) << r.output.error().message();
  EXPECT_EQ(*r.output, "done\n");
  EXPECT_FALSE(Alive(daemon));
  ::kill(daemon, SIGKILL);
}

}  // namespace
}  // namespace goclaw::exec
