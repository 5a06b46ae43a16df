// Signals in the engine (docs/design/signals.md): acceptance and its errors, delivery in order
// with the workflow's seq, acknowledgement, redelivery to the next attempt, expiry, interrupts
// (forced, graceful, restart), wait_signal and collect, and signals surviving a restart.
// Real shard threads, the memory store, a fake clock and manual timers: nothing sleeps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "goclaw/dag/loader.h"
#include "goclaw/engine/engine.h"
#include "goclaw/store/store.h"

namespace goclaw::engine {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

class SignalsTest : public ::testing::Test {
 protected:
  SignalsTest() {
    store_ = std::move(*store::OpenMemoryStore({.tables = StoreTables()}));
    Start();
  }

  void Start() {
    engine_.reset();
    EngineOptions options;
    options.shards = 2;
    options.function_workers = 4;
    options.clock = &clock_;
    options.timers = &timers_;
    options.store = store_.get();
    options.signals.pending_ttl = milliseconds(60000);
    options.signals.interrupt_grace = milliseconds(5000);
    options.signals.max_per_workflow = 50;
    auto engine = Engine::Create(std::move(options));
    ASSERT_TRUE(engine) << engine.error().ToString();
    engine_ = std::move(*engine);
    engine_->Subscribe([this](const Event& e) {
      std::lock_guard lock(mu_);
      events_.push_back(e);
      cv_.notify_all();
    });
    // Reads signals until told to stop (a "stop" signal), then returns what it read in order.
    ASSERT_TRUE(engine_->RegisterFunction("listen", [](TaskContext& ctx) -> Result<boost::json::value> {
      boost::json::array seen;
      while (auto m = ctx.wait(milliseconds(20000))) {
        if (m->kind == "stop") break;
        seen.push_back(boost::json::object{{"seq", m->seq}, {"kind", m->kind}, {"payload", m->payload}});
      }
      if (ctx.cancelled()) return MakeError(ErrorCode::kCancelled, "cancelled");
      return boost::json::value(std::move(seen));
    }));
    // Returns the interrupt it was restarted with (null on the first attempt), after waiting.
    ASSERT_TRUE(engine_->RegisterFunction("restartable", [](TaskContext& ctx) -> Result<boost::json::value> {
      if (!ctx.interrupt.is_null()) return boost::json::object{{"restarted_by", ctx.interrupt}};
      while (!ctx.cancelled()) {
        if (auto m = ctx.wait(milliseconds(20000)); m && m->kind == "interrupt") {
          return MakeError(ErrorCode::kAborted, "stopping as asked");
        }
      }
      return MakeError(ErrorCode::kCancelled, "cancelled");
    }));
    engine_->Resume();
  }

  std::string Submit(std::string_view yaml) {
    auto plan = dag::LoadWorkflow(yaml);
    EXPECT_TRUE(plan) << plan.error().ToString();
    auto id = engine_->Submit(*plan);
    EXPECT_TRUE(id) << id.error().ToString();
    return *id;
  }

  void WaitForEvent(const std::function<bool(const Event&)>& match, const std::string& what) {
    std::unique_lock lock(mu_);
    bool ok = cv_.wait_for(lock, std::chrono::seconds(10), [&] {
      return std::any_of(events_.begin(), events_.end(), match);
    });
    ASSERT_TRUE(ok) << "no event: " << what;
  }
  // Timers an executor arms in Start may come after the "running" event: moves the clock on
  // in steps until the task reaches `to`.
  void AdvanceUntil(const std::string& task, const std::string& to, milliseconds step) {
    auto reached = [&](const Event& e) { return e.kind == EventKind::kTaskState && e.task_id == task && e.to_name() == to; };
    for (int k = 0; k < 200; ++k) {
      clock_.Advance(step);
      timers_.RunDue();
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, milliseconds(50), [&] { return std::any_of(events_.begin(), events_.end(), reached); })) {
        return;
      }
    }
    ADD_FAILURE() << "no event: " << task << " -> " << to;
  }
  void WaitForTask(const std::string& task, const std::string& to) {
    WaitForEvent([&](const Event& e) { return e.kind == EventKind::kTaskState && e.task_id == task && e.to_name() == to; },
                 task + " -> " + to);
  }
  void WaitForSignal(std::uint64_t seq, const std::string& to) {
    WaitForEvent([&](const Event& e) {
      return e.kind == EventKind::kSignal && e.payload.at("seq").to_number<std::uint64_t>() == seq && e.to_name() == to;
    }, "signal " + std::to_string(seq) + " -> " + to);
  }

  SignalStatus Send(const std::string& id, std::string kind, std::string task = {},
                    boost::json::value payload = boost::json::object()) {
    auto sent = engine_->Signal(id, {std::move(kind), std::move(task), std::move(payload)});
    EXPECT_TRUE(sent) << sent.error().ToString();
    return sent ? *sent : SignalStatus{};
  }

  WorkflowStatus Finish(const std::string& id) {
    auto st = engine_->Wait(id, milliseconds(10000));
    EXPECT_TRUE(st) << st.error().ToString();
    return st ? *st : WorkflowStatus{};
  }

  FakeClock clock_;
  ManualTimerQueue timers_{clock_};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Engine> engine_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

TEST_F(SignalsTest, AFunctionReadsSignalsInOrderWithTheWorkflowsSeqAndAcknowledgesThem) {
  std::string id = Submit("tasks: [{id: l, type: function, config: {name: listen}}]");
  WaitForTask("l", "running");
  SignalStatus first = Send(id, "steer", "l", boost::json::object{{"parameters", {{"tone", "short"}}}});
  EXPECT_EQ(first.seq, 1u);
  EXPECT_EQ(first.state, SignalState::kPending);
  EXPECT_EQ(first.workflow_id, id);
  EXPECT_EQ(Send(id, "note", "l", boost::json::object{{"n", 2}}).seq, 2u);
  EXPECT_EQ(Send(id, "stop").seq, 3u);  // the whole workflow: the running task
  WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, WorkflowState::kCompleted) << st.error;
  const boost::json::array& seen = st.tasks[0].output.as_array();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].at("seq"), 1);
  EXPECT_EQ(seen[0].at("kind"), "steer");
  EXPECT_EQ(seen[0].at("payload").at("parameters").at("tone"), "short");
  EXPECT_EQ(seen[1].at("seq"), 2);
  auto history = engine_->Signals(id);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 3u);
  for (const SignalStatus& s : *history) {
    EXPECT_EQ(s.state, SignalState::kAcknowledged) << s.seq;
    ASSERT_EQ(s.deliveries.size(), 1u);
    EXPECT_EQ(s.deliveries[0].task, "l");
    EXPECT_EQ(s.deliveries[0].attempt, 1);
    EXPECT_TRUE(s.deliveries[0].delivered_at && s.deliveries[0].acknowledged_at);
  }
  // Each step was an event, stored with the run's history.
  auto events = engine_->Events(id);
  ASSERT_TRUE(events);
  std::vector<std::string> steps;
  for (const Event& e : *events) {
    if (e.kind == EventKind::kSignal && e.payload.at("seq") == 1) steps.push_back(std::string(e.to_name()));
  }
  EXPECT_THAT(steps, ::testing::ElementsAre("pending", "delivered", "acknowledged"));
}

TEST_F(SignalsTest, BadRequestsAreRefusedWithWhatAndWhere) {
  std::string id = Submit("tasks: [{id: l, type: function, config: {name: listen}}, {id: later, depends_on: [l]}]");
  WaitForTask("l", "running");
  auto code = [&](SignalRequest r) {
    auto sent = engine_->Signal(id, std::move(r));
    EXPECT_FALSE(sent);
    return sent ? ErrorCode::kInternal : sent.error().code();
  };
  EXPECT_EQ(code({"", "", {}}), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code({"no spaces", "", {}}), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code({"steer", "l", boost::json::object()}), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code({"steer", "l", boost::json::object{{"parameters", boost::json::object()}}}),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code({"interrupt", "l", boost::json::object{{"graceful", "yes"}}}), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code({"note", "l", boost::json::array{1}}), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code({"note", "l", boost::json::object{{"big", std::string(70000, 'x')}}}), ErrorCode::kInvalidArgument);
  auto unknown_task = engine_->Signal(id, {"note", "nope", {}});
  ASSERT_FALSE(unknown_task);
  EXPECT_EQ(unknown_task.error().code(), ErrorCode::kInvalidArgument);
  ASSERT_EQ(unknown_task.error().details().size(), 1u);
  EXPECT_EQ(unknown_task.error().details()[0].path, "task");
  EXPECT_EQ(engine_->Signal("wf-nope", {"note", "", {}}).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(engine_->Signals("wf-nope").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(engine_->Signals(id, "nope").error().code(), ErrorCode::kNotFound);
  // Refused requests left nothing behind.
  EXPECT_TRUE(engine_->Signals(id)->empty());
  Send(id, "stop", "l");
  EXPECT_EQ(Finish(id).state, WorkflowState::kCompleted);
  auto finished = engine_->Signal(id, {"note", "", {}});
  EXPECT_EQ(finished.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(SignalsTest, ASignalForATaskThatHasNotStartedWaitsThenExpiresAfterItsTtl) {
  std::string id = Submit(R"(
tasks:
  - {id: first, type: function, config: {name: listen}}
  - {id: second, type: function, config: {name: listen}, depends_on: [first]}
  - {id: third, type: function, config: {name: listen}, depends_on: [second]}
)");
  WaitForTask("first", "running");
  EXPECT_EQ(Send(id, "hello", "second").seq, 1u);
  EXPECT_EQ(Send(id, "late", "third").seq, 2u);
  clock_.Advance(milliseconds(30000));
  timers_.RunDue();
  Send(id, "stop", "first");
  WaitForTask("second", "running");
  WaitForSignal(1, "acknowledged");
  clock_.Advance(milliseconds(30001));  // signal 2 is now older than the TTL; `third` has not started
  timers_.RunDue();
  WaitForSignal(2, "expired");
  Send(id, "stop", "second");
  WaitForTask("third", "running");
  Send(id, "stop", "third");
  WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, WorkflowState::kCompleted);
  EXPECT_EQ(st.tasks[1].output.as_array().at(0).at("kind"), "hello");
  EXPECT_TRUE(st.tasks[2].output.as_array().empty());  // the expired one never arrived
  auto history = engine_->Signals(id, "third");
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);  // `late`, and the stop sent to it
  EXPECT_EQ(history->at(0).state, SignalState::kExpired);
  EXPECT_THAT(history->at(0).deliveries[0].reason, HasSubstr("signals.pending_ttl"));
}

TEST_F(SignalsTest, WaitSignalIsApprovalWithoutCode) {
  std::string id = Submit(R"(
tasks:
  - {id: draft, config: {op: echo, text: hello}}
  - {id: approve, depends_on: [draft], config: {op: wait_signal, name: approval, timeout: 1h}}
  - {id: publish, depends_on: [approve], config: {op: echo, approved_by: "{{tasks.approve.output.by}}"}}
)");
  WaitForTask("approve", "running");
  Send(id, "approval", "", boost::json::object{{"by", "alice"}});  // to the workflow: reaches the waiting task
  WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(st.tasks[2].output.at("approved_by"), "alice");
  EXPECT_EQ(engine_->Signals(id)->at(0).state, SignalState::kAcknowledged);
}

TEST_F(SignalsTest, WaitSignalTimesOut) {
  std::string id = Submit("tasks: [{id: approve, config: {op: wait_signal, name: approval, timeout: 10m}}]");
  WaitForTask("approve", "running");
  AdvanceUntil("approve", "failed", milliseconds(600000));
  WorkflowStatus st = Finish(id);
  EXPECT_EQ(st.state, WorkflowState::kFailed);
  EXPECT_THAT(st.tasks[0].error, HasSubstr("no \"approval\" signal within 10m"));
}

TEST_F(SignalsTest, ASignalToAWaitingTaskThatHasNotStartedIsDeliveredWhenItStarts) {
  std::string id = Submit(R"(
tasks:
  - {id: work, type: function, config: {name: listen}}
  - {id: approve, depends_on: [work], config: {op: wait_signal, name: approval}}
)");
  WaitForTask("work", "running");
  SignalStatus s = Send(id, "approval", "", boost::json::object{{"ok", true}});
  ASSERT_EQ(s.deliveries.size(), 2u);  // the running task and the one waiting for "approval"
  Send(id, "stop", "work");
  WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(st.tasks[1].output, (boost::json::object{{"ok", true}}));
}

TEST_F(SignalsTest, CollectGathersResultsIntoTheTasksOutput) {
  std::string id = Submit("tasks: [{id: gather, config: {op: collect, count: 2, timeout: 1h}}]");
  WaitForTask("gather", "running");
  Send(id, "collect", "gather", boost::json::object{{"request_id", "r1"}, {"result", 1}});
  Send(id, "collect", "", boost::json::object{{"request_id", "r2"}, {"error", "no"}});
  WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, WorkflowState::kCompleted) << st.error;
  const auto& out = st.tasks[0].output;
  EXPECT_EQ(out.at("complete"), true);
  EXPECT_EQ(out.at("results").as_array().size(), 2u);
  EXPECT_EQ(out.at("results").at(0).at("request_id"), "r1");
  EXPECT_EQ(out.at("results").at(1).at("error"), "no");
}

TEST_F(SignalsTest, CollectEndsAtItsTimeoutWithWhatArrived) {
  std::string id = Submit("tasks: [{id: gather, config: {op: collect, count: 3, timeout: 1m}}]");
  WaitForTask("gather", "running");
  Send(id, "collect", "gather", boost::json::object{{"request_id", "r1"}, {"result", 1}});
  WaitForSignal(1, "acknowledged");
  AdvanceUntil("gather", "completed", milliseconds(60000));
  WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(st.tasks[0].output.at("complete"), false);
  EXPECT_EQ(st.tasks[0].output.at("results").as_array().size(), 1u);
}

TEST_F(SignalsTest, AForcedInterruptEndsTheAttemptAndFailsTheTaskWithoutRetries) {
  std::string id = Submit("tasks: [{id: slow, config: {op: sleep, duration: 1h}, retries: 3}]");
  WaitForTask("slow", "running");
  Send(id, "interrupt", "slow", boost::json::object{{"reason", "user changed their mind"}});
  WorkflowStatus st = Finish(id);
  EXPECT_EQ(st.state, WorkflowState::kFailed);
  EXPECT_EQ(st.tasks[0].attempts, 1);
  EXPECT_THAT(st.tasks[0].error, HasSubstr("interrupted by signal 1: user changed their mind"));
  EXPECT_EQ(engine_->Signals(id)->at(0).state, SignalState::kAcknowledged);
}

TEST_F(SignalsTest, AGracefulInterruptLetsTheAttemptFinishThenCancelsItAfterTheTimeout) {
  // The listener ignores the interrupt (it is just a message to it) and keeps waiting.
  std::string id = Submit("tasks: [{id: l, type: function, config: {name: listen}}]");
  WaitForTask("l", "running");
  Send(id, "interrupt", "l", boost::json::object{{"graceful", true}, {"timeout", 2000000000}});
  WaitForSignal(1, "delivered");
  clock_.Advance(milliseconds(1999));
  timers_.RunDue();
  EXPECT_EQ(engine_->Get(id)->tasks[0].state, TaskState::kRunning);
  clock_.Advance(milliseconds(1));
  timers_.RunDue();
  WorkflowStatus st = Finish(id);
  EXPECT_EQ(st.state, WorkflowState::kFailed);
  EXPECT_THAT(st.tasks[0].error, HasSubstr("interrupted by signal 1"));
}

TEST_F(SignalsTest, OnInterruptRestartRunsTheTaskAgainWithTheInterruptAsInput) {
  std::string id = Submit(R"(
tasks:
  - {id: r, type: function, config: {name: restartable}, on_interrupt: restart, retries: 0}
)");
  WaitForTask("r", "running");
  Send(id, "interrupt", "r", boost::json::object{{"graceful", true}, {"reason", "new question"}});
  WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(st.tasks[0].attempts, 2);
  EXPECT_EQ(st.tasks[0].output.at("restarted_by").at("reason"), "new question");
}

TEST_F(SignalsTest, ASignalNotAcknowledgedByAFailedAttemptGoesToTheNextAttemptWithItsSeq) {
  ASSERT_TRUE(engine_->RegisterFunction("fails_once", [](TaskContext& ctx) -> Result<boost::json::value> {
    if (ctx.attempt == 1) {
      while (!ctx.channel.Poll()) std::this_thread::yield();  // takes it without acknowledging
      return MakeError(ErrorCode::kUnavailable, "flaky");
    }
    auto m = ctx.wait(milliseconds(20000));
    if (!m) return MakeError(ErrorCode::kDeadlineExceeded, "nothing came again");
    return boost::json::object{{"seq", m->seq}, {"kind", m->kind}};
  }));
  std::string id = Submit("tasks: [{id: f, type: function, config: {name: fails_once}, retries: 1}]");
  WaitForTask("f", "running");
  Send(id, "note", "f", boost::json::object{{"x", 1}});
  WaitForTask("f", "retrying");
  clock_.Advance(milliseconds(60000));
  timers_.RunDue();
  WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(st.tasks[0].output, (boost::json::object{{"seq", 1}, {"kind", "note"}}));
  auto history = engine_->Signals(id);
  EXPECT_EQ(history->at(0).deliveries[0].attempt, 2);
  EXPECT_EQ(history->at(0).state, SignalState::kAcknowledged);
}

TEST_F(SignalsTest, PendingSignalsSurviveARestartAndAreDeliveredOnceWithTheirSeq) {
  std::string id = Submit(R"(
tasks:
  - {id: gate, config: {op: wait_signal, name: go}}
  - {id: l, type: function, config: {name: listen}, depends_on: [gate]}
)");
  WaitForTask("gate", "running");
  Send(id, "hello", "l", boost::json::object{{"n", 1}});
  Send(id, "again", "l", boost::json::object{{"n", 2}});
  ASSERT_TRUE(engine_->Flush());
  events_.clear();
  Start();  // a restart: the engine goes, a new one recovers from the store
  WaitForTask("gate", "running");
  auto history = engine_->Signals(id);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->at(0).state, SignalState::kPending);
  EXPECT_EQ(Send(id, "go", "gate").seq, 3u);  // numbering goes on
  WaitForTask("l", "running");
  Send(id, "stop", "l");
  WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, WorkflowState::kCompleted) << st.error;
  const auto& seen = st.tasks[1].output.as_array();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].at("seq"), 1);
  EXPECT_EQ(seen[1].at("seq"), 2);
}

TEST_F(SignalsTest, AWorkflowTakesAtMostItsLimitOfSignals) {
  std::string id = Submit("tasks: [{id: l, type: function, config: {name: listen}}]");
  WaitForTask("l", "running");
  for (int k = 0; k < 50; ++k) Send(id, "note", "l");
  auto over = engine_->Signal(id, {"note", "", {}});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_THAT(over.error().message(), HasSubstr("signals.max_per_workflow"));
  EXPECT_EQ(engine_->Signals(id)->size(), 50u);
  ASSERT_TRUE(engine_->Cancel(id));
}

}  // namespace
}  // namespace goclaw::engine
