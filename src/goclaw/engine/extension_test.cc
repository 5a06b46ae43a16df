// Extending the engine from outside (docs/design/extending.md): a test-only executor type,
// registered through EngineOptions::executors, validates its own config when specs are
// compiled against the engine's registry, runs, reports progress and log lines on its attempt
// channel, and is cancelled through it — with no edit to dag/ or engine/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "goclaw/core/document.h"
#include "goclaw/dag/loader.h"
#include "goclaw/engine/engine.h"
#include "goclaw/exec/exec_executor.h"

namespace goclaw::engine {
namespace {

using ::testing::HasSubstr;

// `shout`: returns config.text in capitals; logs a line per word; `hold: true` waits for a
// cancel (or a message on its channel, whose payload becomes its output).
class ShoutExecutor final : public exec::Executor {
 public:
  void Start(exec::Attempt attempt, exec::AttemptDone done) override {
    const auto& config = attempt.config.as_object();
    std::string text(config.at("text").as_string());
    std::string word;
    for (char c : text + " ") {
      if (c == ' ') {
        if (!word.empty()) attempt.channel->Log("log", "word: " + word);
        word.clear();
      } else {
        word.push_back(c);
      }
    }
    if (const auto* lose = config.if_contains("lose"); lose != nullptr && attempt.number <= lose->to_number<int>()) {
      done(exec::AttemptResult::Lost("the shouter went away"));  // e.g. a pull worker that vanished
      return;
    }
    attempt.channel->Progress(0.5, "half way");
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (const auto* hold = config.if_contains("hold"); hold != nullptr && hold->as_bool()) {
      auto shared = std::make_shared<exec::AttemptDone>(std::move(done));
      auto once = std::make_shared<std::once_flag>();
      attempt.channel->OnCancel([shared, once] {
        std::call_once(*once, [&] { (*shared)(exec::AttemptResult::Fail(ErrorCode::kCancelled, "shout cancelled", false)); });
      });
      attempt.channel->OnMessage([shared, once](const exec::ChannelMessage& m) {
        std::call_once(*once, [&] { (*shared)(exec::AttemptResult::Ok(m.payload)); });
      });
      return;
    }
    done(exec::AttemptResult::Ok(boost::json::value(text)));
  }

  void CheckConfig(const boost::json::object& config, const std::string& path, Diagnostics& diag) const override {
    const auto* text = config.if_contains("text");
    if (text == nullptr || !text->is_string()) diag.Add(JoinPath(path, "text"), "shout needs a text to shout");
  }
};

class ExtensionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.shards = 2;
    options.executors = [](const exec::ExecutorEnv& env) -> Result<std::unique_ptr<exec::ExecutorRegistry>> {
      auto registry = std::make_unique<exec::ExecutorRegistry>();
      GOCLAW_RETURN_IF_ERROR(exec::AddCoreExecutors(*registry, env));
      GOCLAW_RETURN_IF_ERROR(registry->Register("shout", std::make_unique<ShoutExecutor>(), {"yell"}));
      // Disabled: known (so specs get "disabled", not "unknown"), but not runnable.
      GOCLAW_RETURN_IF_ERROR(registry->Register("exec", std::make_unique<exec::ExecExecutor>(exec::ExecOptions{}), {"script"}));
      return registry;
    };
    auto engine = Engine::Create(std::move(options));
    ASSERT_TRUE(engine) << engine.error().ToString();
    engine_ = std::move(*engine);
  }

  Result<dag::Plan> Load(std::string_view yaml) {
    dag::LoadOptions load;
    load.environment.task_types = &engine_->executors();
    return dag::LoadWorkflow(yaml, load);
  }

  std::unique_ptr<Engine> engine_;
};

TEST_F(ExtensionTest, ARegisteredTypeValidatesRunsAndLogs) {
  auto plan = Load("tasks: [{id: s, type: yell, config: {text: hello big world}}]");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->task(0).type, "shout");  // the alias is resolved when the spec is compiled
  auto id = engine_->Submit(*plan);
  ASSERT_TRUE(id) << id.error().ToString();
  auto st = engine_->Wait(*id, std::chrono::seconds(10));
  ASSERT_TRUE(st) << st.error().ToString();
  ASSERT_EQ(st->state, WorkflowState::kCompleted) << st->error;
  EXPECT_EQ(st->tasks[0].type, "shout");
  EXPECT_EQ(st->tasks[0].output, boost::json::value("HELLO BIG WORLD"));

  auto logs = engine_->Logs(*id, "s");
  ASSERT_TRUE(logs) << logs.error().ToString();
  std::vector<std::string> texts;
  for (const auto& l : logs->lines) {
    EXPECT_EQ(l.attempt, 1);
    texts.push_back(l.stream + ": " + l.text);
  }
  EXPECT_THAT(texts, ::testing::ElementsAre("log: word: hello", "log: word: big", "log: word: world",
                                            "progress: 50% half way"));
  EXPECT_TRUE(logs->truncated.empty());
  EXPECT_EQ(engine_->Logs(*id, "nope").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(engine_->Logs("wf-nope", "s").error().code(), ErrorCode::kNotFound);
}

// Observers see each line as the task's log keeps it, with its index there (how a log stream
// that read Logs tells the live lines it already has).
TEST_F(ExtensionTest, ObserversSeeEachKeptLogLineWithItsIndex) {
  struct Lines final : RunObserver {
    void OnLog(const LogView& l) override {
      std::lock_guard lock(mu);
      seen.push_back(std::string(l.workflow_id) + " " + std::string(l.task_id) + " " + std::to_string(l.attempt) +
                     " #" + std::to_string(l.index) + " " + std::string(l.stream) + ": " + std::string(l.text));
    }
    std::mutex mu;
    std::vector<std::string> seen;
  };
  auto lines = std::make_shared<Lines>();
  const std::uint64_t handle = engine_->AddObserver(lines);
  auto plan = Load("tasks: [{id: s, type: shout, config: {text: two words}}]");
  ASSERT_TRUE(plan) << plan.error().ToString();
  auto id = engine_->Submit(*plan);
  ASSERT_TRUE(id) << id.error().ToString();
  ASSERT_TRUE(engine_->Wait(*id, std::chrono::seconds(10)));
  engine_->RemoveObserver(handle);
  std::lock_guard lock(lines->mu);
  EXPECT_THAT(lines->seen, ::testing::ElementsAre(*id + " s 1 #0 log: word: two", *id + " s 1 #1 log: word: words",
                                                  *id + " s 1 #2 progress: 50% half way"));
}

// A lost attempt (the thing running it went away) runs again at once as the next attempt and
// uses up no retry: with retries 0, two lost attempts still end in a completed third.
TEST_F(ExtensionTest, ALostAttemptRunsAgainWithoutUsingARetry) {
  auto plan = Load("tasks: [{id: s, type: shout, retries: {max: 0}, config: {text: hi, lose: 2}}]");
  ASSERT_TRUE(plan) << plan.error().ToString();
  auto id = engine_->Submit(*plan);
  ASSERT_TRUE(id) << id.error().ToString();
  auto st = engine_->Wait(*id, std::chrono::seconds(10));
  ASSERT_TRUE(st) << st.error().ToString();
  ASSERT_EQ(st->state, WorkflowState::kCompleted) << st->error;
  EXPECT_EQ(st->tasks[0].attempts, 3);
  EXPECT_EQ(st->tasks[0].output, boost::json::value("HI"));
  auto events = engine_->Events(*id);
  ASSERT_TRUE(events) << events.error().ToString();
  int lost = 0;
  for (const Event& e : *events) {
    if (e.is_task() && e.task_to() == TaskState::kRetrying) {
      ++lost;
      EXPECT_THAT(e.error, HasSubstr("the shouter went away; running it again"));
    }
  }
  EXPECT_EQ(lost, 2);
}

TEST_F(ExtensionTest, TheTypeChecksItsOwnConfigAndUnknownTypesListTheRegisteredOnes) {
  auto bad = Load("tasks: [{id: s, type: shout, config: {txt: x}}]");
  ASSERT_FALSE(bad);
  ASSERT_EQ(bad.error().details().size(), 1u);
  EXPECT_EQ(bad.error().details()[0].path, "tasks[0].config.text");
  EXPECT_EQ(bad.error().details()[0].message, "shout needs a text to shout");

  auto unknown = Load("tasks: [{id: s, type: shuot, config: {text: x}}]");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().details()[0].path, "tasks[0].type");
  EXPECT_THAT(unknown.error().details()[0].message,
              HasSubstr("unknown task type \"shuot\"; accepted: builtin, function, shout, yell, exec, script; did you "
                        "mean \"shout\"?"));

  auto from_defaults = Load("defaults: {type: nope}\ntasks: [{id: a}, {id: b}]");
  ASSERT_FALSE(from_defaults);
  ASSERT_EQ(from_defaults.error().details().size(), 1u);  // one problem, where the type came from
  EXPECT_EQ(from_defaults.error().details()[0].path, "defaults.type");

  auto builtin = Load("tasks: [{id: s, config: {op: fial}}]");
  ASSERT_FALSE(builtin);
  EXPECT_EQ(builtin.error().details()[0].path, "tasks[0].config.op");
  EXPECT_THAT(builtin.error().details()[0].message, HasSubstr("did you mean \"fail\"?"));
}

TEST_F(ExtensionTest, ADisabledTypeIsKnownButCannotRun) {
  auto plan = Load("tasks: [{id: sh, type: script, config: {command: [ls]}}]");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->task(0).type, "exec");
  auto id = engine_->Submit(*plan);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().details()[0].path, "tasks[0].type");
  EXPECT_THAT(id.error().details()[0].message, HasSubstr("has type exec, which cannot run here: exec tasks are disabled"));
}

TEST_F(ExtensionTest, CancelReachesTheAttemptThroughItsChannel) {
  auto plan = Load("tasks: [{id: s, type: shout, config: {text: wait, hold: true}}]");
  ASSERT_TRUE(plan) << plan.error().ToString();
  auto id = engine_->Submit(*plan);
  ASSERT_TRUE(id);
  // Running once its log line arrived (lines are reported before the attempt holds).
  for (int i = 0; i < 10000; ++i) {
    auto logs = engine_->Logs(*id, "s");
    if (logs && !logs->lines.empty()) break;
    std::this_thread::yield();
  }
  ASSERT_TRUE(engine_->Cancel(*id));
  auto st = engine_->Wait(*id, std::chrono::seconds(10));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, WorkflowState::kCancelled);
  EXPECT_EQ(st->tasks[0].state, TaskState::kCancelled);
}

}  // namespace
}  // namespace goclaw::engine
