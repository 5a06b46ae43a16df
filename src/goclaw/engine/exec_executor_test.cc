// The exec executor with real processes (cat, sh, sleep from the base system).
#include "goclaw/engine/exec_executor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

#include <boost/json/parse.hpp>

namespace goclaw::engine {
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
                                   std::shared_ptr<CancellationSource> cancel = nullptr) {
    auto promise = std::make_shared<std::promise<AttemptResult>>();
    Attempt a;
    a.workflow_id = "wf";
    a.task_id = "t";
    a.config = boost::json::parse(config_json);
    a.input = std::make_shared<const boost::json::value>(std::move(input));
    a.cancel = cancel ? cancel : std::make_shared<CancellationSource>();
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
  auto cancel = std::make_shared<CancellationSource>();
  // The shell starts a child; killing the group must end both, so the pipes close.
  auto f = Start(exec, R"({"command": ["sh", "-c", "sleep 60 & sleep 60; wait"]})", nullptr, cancel);
  cancel->Cancel();
  auto r = f.get();
  ASSERT_FALSE(r.output);
  EXPECT_EQ(r.output.error().code(), ErrorCode::kCancelled);
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

}  // namespace
}  // namespace goclaw::engine
