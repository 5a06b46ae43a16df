// The saga service over an in-process engine: forward, compensation in reverse dependency
// order with stable idempotency keys, policies, compensate while running, compensation
// failure and recover, and bad input with paths.
#include "goclaw/service/saga_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <random>
#include <set>
#include <mutex>
#include <vector>

#include "goclaw/service/test_fixture.h"

namespace goclaw::service {
namespace {

using namespace std::chrono_literals;

class SagaServiceTest : public testing::ServiceTest {
 protected:
  void SetUp() override {
    // "book" answers {"id": "<task>-1"}; "undo" records who called it with which key and
    // fails while `undo_failures` is above zero.
    ASSERT_TRUE(engine_->RegisterFunction("book", [](exec::TaskContext& ctx) -> Result<boost::json::value> {
      return boost::json::object{{"id", ctx.task_id + "-1"}};
    }));
    ASSERT_TRUE(engine_->RegisterFunction("undo", [this](exec::TaskContext& ctx) -> Result<boost::json::value> {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back({ctx.task_id, ctx.idempotency_key, ctx.args});
      if (undo_failures_ > 0) {
        --undo_failures_;
        return MakeError(ErrorCode::kUnavailable, "cancel refused");
      }
      return boost::json::object{{"cancelled", ctx.task_id}};
    }));
    workflows_ = std::make_unique<WorkflowService>(*engine_, WorkflowPolicy{});
    auto s = SagaService::Create(*engine_, *workflows_, store_.get(), {}, &clock_, &timers_);
    ASSERT_TRUE(s) << s.error().ToString();
    sagas_ = std::move(*s);
  }
  void TearDown() override { sagas_->Shutdown(); }

  Result<boost::json::object> Submit(const std::string& spec) {
    std::promise<Result<boost::json::object>> p;
    sagas_->Submit(spec, DocumentFormat::kAuto, [&p](Result<boost::json::object> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }
  Result<boost::json::object> Call(void (SagaService::*method)(const std::string&, std::string, JsonDone),
                                   const std::string& id, std::string reason = {}) {
    std::promise<Result<boost::json::object>> p;
    (sagas_.get()->*method)(id, std::move(reason), [&p](Result<boost::json::object> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }
  Result<boost::json::object> Recover(const std::string& id) {
    std::promise<Result<boost::json::object>> p;
    sagas_->Recover(id, [&p](Result<boost::json::object> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  }
  boost::json::object Settle(const std::string& id) {
    auto v = sagas_->Wait(id, 20s);
    EXPECT_TRUE(v) << v.error().ToString();
    return v ? *v : boost::json::object();
  }
  // A deadline's timer is armed once the submit before it is durable, which may come after the
  // test saw the task run and moved the clock: runs due timers until the saga settles.
  boost::json::object SettleRunningTimers(const std::string& id) {
    for (int i = 0; i < 1000; ++i) {
      timers_.RunDue();
      if (auto v = sagas_->Wait(id, 10ms)) return *v;
    }
    ADD_FAILURE() << "saga " << id << " did not settle";
    return {};
  }
  std::vector<std::string> CalledSteps() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& c : calls_) out.push_back(c.step);
    return out;
  }

  struct Call_ {
    std::string step, key;
    boost::json::value args;
  };
  std::mutex mu_;
  std::vector<Call_> calls_;
  int undo_failures_ = 0;
  std::unique_ptr<WorkflowService> workflows_;
  std::unique_ptr<SagaService> sagas_;
};

std::string Step(const std::string& id, const std::string& deps, bool fail = false, const std::string& extra = "") {
  std::string s = R"({"id": ")" + id + R"(", "depends_on": [)" + deps + "], ";
  if (fail) {
    s += R"("type": "builtin", "config": {"op": "fail"})";
  } else {
    s += R"("type": "function", "config": {"name": "book"})";
  }
  s += R"(, "compensate": {"type": "function", "config": {"name": "undo", "args": {"booking": "{{step.output.id}}", "who": "{{input.who}}"}}})";
  return s + extra + "}";
}

std::vector<std::string> Strings(const boost::json::value& v) {
  std::vector<std::string> out;
  for (const auto& s : v.as_array()) out.emplace_back(s.as_string());
  return out;
}

TEST_F(SagaServiceTest, ACompletedSagaCompensatesNothing) {
  auto created = Submit(R"({"name": "ok", "input": {"who": "ann"}, "tasks": [)" + Step("a", "") + "," +
                        Step("b", R"("a")") + "]}");
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(created->at("status"), "running");
  const std::string id(created->at("saga_id").as_string());
  auto done = Settle(id);
  EXPECT_EQ(done.at("state"), "completed");
  EXPECT_EQ(Strings(done.at("completed_steps")), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(done.at("step_results").at("b").at("id"), "b-1");
  EXPECT_TRUE(CalledSteps().empty());
}

TEST_F(SagaServiceTest, AFailureCompensatesCompletedStepsInReverseDependencyOrderWithStableKeys) {
  // a -> b -> d(fails); a -> c. Completed: a, b, c. Compensations: b and c first, then a.
  auto created = Submit(R"({"name": "trip", "input": {"who": "ann"}, "tasks": [)" + Step("a", "") + "," +
                        Step("b", R"("a")") + "," + Step("c", R"("a")") + "," + Step("d", R"("b")", true) + "]}");
  ASSERT_TRUE(created) << created.error().ToString();
  const std::string id(created->at("saga_id").as_string());
  auto done = Settle(id);
  EXPECT_EQ(done.at("state"), "compensated");
  EXPECT_EQ(done.at("failed_step"), "d");
  auto called = CalledSteps();
  ASSERT_EQ(called.size(), 3u);
  EXPECT_EQ(called.back(), "a");
  auto compensated = Strings(done.at("compensated_steps"));
  std::sort(compensated.begin(), compensated.end());
  EXPECT_EQ(compensated, (std::vector<std::string>{"a", "b", "c"}));
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& c : calls_) {
    EXPECT_EQ(c.key, id + "/" + c.step + "/compensate");
    EXPECT_EQ(c.args.at("booking"), boost::json::value(c.step + "-1"));  // {{step.output.id}}
    EXPECT_EQ(c.args.at("who"), "ann");               // {{input.who}}
  }
  for (const auto& s : done.at("steps").as_array()) {
    if (s.at("id") == "d") {
      EXPECT_EQ(s.at("state"), "failed");
      EXPECT_TRUE(s.at("compensation").is_object());
      EXPECT_EQ(s.at("compensation").at("state"), "none");
    } else {
      EXPECT_EQ(s.at("compensation").at("state"), "compensated") << s;
    }
  }
}

TEST_F(SagaServiceTest, ManualPolicyWaitsForCompensate) {
  auto created = Submit(R"({"name": "m", "policy": "manual", "input": {"who": "ann"}, "tasks": [)" + Step("a", "") + "," +
                        Step("b", R"("a")", true) + "]}");
  ASSERT_TRUE(created) << created.error().ToString();
  const std::string id(created->at("saga_id").as_string());
  EXPECT_EQ(Settle(id).at("state"), "pending-compensation");
  EXPECT_TRUE(CalledSteps().empty());
  EXPECT_EQ(Recover(id).error().code(), ErrorCode::kFailedPrecondition);
  auto accepted = Call(&SagaService::Compensate, id, "operator said so");
  ASSERT_TRUE(accepted) << accepted.error().ToString();
  EXPECT_EQ(accepted->at("state"), "compensating");
  auto done = Settle(id);
  EXPECT_EQ(done.at("state"), "compensated");
  EXPECT_EQ(CalledSteps(), (std::vector<std::string>{"a"}));
  // A finished saga cannot be compensated again; unknown ids are not found.
  EXPECT_EQ(Call(&SagaService::Compensate, id).error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Call(&SagaService::Compensate, "saga-nope").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(sagas_->Get("saga-nope").error().code(), ErrorCode::kNotFound);
}

TEST_F(SagaServiceTest, SkipPolicyLeavesTheFailureUncompensatedUntilRecover) {
  auto created = Submit(R"({"name": "s", "policy": "skip", "input": {"who": "ann"}, "tasks": [)" + Step("a", "") + "," +
                        Step("b", R"("a")", true) + "]}");
  ASSERT_TRUE(created) << created.error().ToString();
  const std::string id(created->at("saga_id").as_string());
  auto done = Settle(id);
  EXPECT_EQ(done.at("state"), "compensation-failed");
  EXPECT_EQ(done.at("compensation_skipped"), true);
  EXPECT_TRUE(CalledSteps().empty());
  ASSERT_TRUE(Recover(id));
  auto recovered = Settle(id);
  EXPECT_EQ(recovered.at("state"), "compensated") << recovered;
  EXPECT_EQ(CalledSteps(), (std::vector<std::string>{"a"}));
}

TEST_F(SagaServiceTest, CompensationFailureThenRecoverResumesWhereItStopped) {
  undo_failures_ = 1;  // the first undo call fails; with on_compensation_failure: fail, no retry
  auto created = Submit(R"({"name": "cf", "input": {"who": "ann"}, "tasks": [)" + Step("a", "", false, R"(, "on_compensation_failure": "fail")") +
                        "," + Step("b", R"("a")", false, R"(, "on_compensation_failure": "fail")") + "," +
                        Step("c", R"("b")", true) + "]}");
  ASSERT_TRUE(created) << created.error().ToString();
  const std::string id(created->at("saga_id").as_string());
  auto failed = Settle(id);
  ASSERT_EQ(failed.at("state"), "compensation-failed");
  EXPECT_EQ(failed.at("failed_step"), "c");  // the forward failure; the reason names the compensation
  EXPECT_NE(std::string(failed.at("failure_reason").as_string()).find("compensation of b failed: cancel refused"),
            std::string::npos) << failed;
  EXPECT_TRUE(failed.at("compensated_steps").as_array().empty());  // a waits for b
  auto accepted = Recover(id);
  ASSERT_TRUE(accepted) << accepted.error().ToString();
  auto done = Settle(id);
  EXPECT_EQ(done.at("state"), "compensated");
  EXPECT_EQ(done.at("compensation_round"), 2);
  EXPECT_EQ(Strings(done.at("compensated_steps")), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(CalledSteps(), (std::vector<std::string>{"b", "b", "a"}));
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(calls_[0].key, calls_[1].key);  // the same key in every round
}

TEST_F(SagaServiceTest, CompensateWhileRunningCancelsAndCompensatesWhatCompleted) {
  // b sleeps until the test's manual timers run, which they never do here.
  auto created = Submit(R"({"name": "c", "input": {"who": "ann"}, "tasks": [)" + Step("a", "") +
                        R"(, {"id": "b", "depends_on": ["a"], "type": "builtin", "config": {"op": "sleep", "duration": "1h"},
                              "compensate": {"type": "function", "config": {"name": "undo"}}}]})");
  ASSERT_TRUE(created) << created.error().ToString();
  const std::string id(created->at("saga_id").as_string());
  const std::string forward(created->at("workflow_id").as_string());
  // Wait until a completed and b runs.
  for (int i = 0; i < 2000; ++i) {
    auto st = engine_->Get(forward);
    if (st && st->tasks[1].state == engine::TaskState::kRunning) break;
    std::this_thread::sleep_for(1ms);
  }
  auto accepted = Call(&SagaService::Compensate, id, "user cancelled");
  ASSERT_TRUE(accepted) << accepted.error().ToString();
  auto done = Settle(id);
  EXPECT_EQ(done.at("state"), "compensated");
  EXPECT_EQ(done.at("reason"), "user cancelled");
  EXPECT_EQ(CalledSteps(), (std::vector<std::string>{"a"}));
}

TEST_F(SagaServiceTest, BadSpecsAreRefusedWithPaths) {
  auto paths = [&](const std::string& spec) {
    auto r = Submit(spec);
    EXPECT_FALSE(r);
    std::vector<std::string> out;
    if (r) return out;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << spec;
    for (const auto& d : r.error().details()) out.push_back(d.path);
    return out;
  };
  auto has = [](const std::vector<std::string>& v, const std::string& p) {
    for (const auto& s : v) {
      if (s.rfind(p, 0) == 0) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(paths(R"({"name": "cyc", "tasks": [{"id": "a", "depends_on": ["b"]}, {"id": "b", "depends_on": ["a"]}]})"),
                  "tasks"));
  EXPECT_TRUE(has(paths(R"({"name": "dep", "tasks": [{"id": "a", "depends_on": ["zz"]}]})"), "tasks[0].depends_on"));
  EXPECT_TRUE(has(paths(R"({"name": "ct", "tasks": [{"id": "a", "compensate": {"type": "teleport"}}]})"),
                  "tasks[0].compensate.type"));
  EXPECT_TRUE(has(paths(R"({"name": "cc", "tasks": [{"id": "a", "compensate": {"type": "function", "config": {"name": "nope"}}}]})"),
                  "tasks[0].compensate.config"));
  EXPECT_TRUE(has(paths(R"({"name": "cr", "tasks": [{"id": "a", "compensate": {"type": "builtin", "config": {"x": "{{step.nope}}"}}}]})"),
                  "tasks[0].compensate.config"));
  EXPECT_TRUE(has(paths(R"({"name": "pol", "policy": "never", "tasks": [{"id": "a"}]})"), "policy"));
  auto malformed = Submit("{not json");
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code(), ErrorCode::kInvalidArgument);
  auto list = sagas_->List(std::nullopt, 100, 0);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->at("total"), 0);  // nothing stored for refused specs
}

TEST_F(SagaServiceTest, ReferenceBodiesRunAsBuiltinSteps) {
  auto created = Submit(R"({"name": "ref", "policy": "auto", "steps": [
      {"id": "s1", "enable_compensation": true},
      {"id": "s2", "depends_on": ["s1"], "enable_compensation": true},
      {"id": "s3", "depends_on": ["s2"], "should_fail": true}]})");
  ASSERT_TRUE(created) << created.error().ToString();
  const std::string id(created->at("saga_id").as_string());
  auto done = Settle(id);
  EXPECT_EQ(done.at("state"), "compensated");
  EXPECT_EQ(Strings(done.at("compensated_steps")), (std::vector<std::string>{"s2", "s1"}));
  EXPECT_EQ(done.at("step_results").at("s1").at("status"), "ok");
  auto list = sagas_->List(saga::SagaState::kCompensated, 10, 0);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->at("total"), 1);
  EXPECT_EQ(list->at("items").at(0).at("saga_id"), boost::json::value(id));
}


// Waits (briefly, in real time) until `pred` holds for the forward workflow's status.
template <typename Pred>
bool WaitForForward(engine::Engine& engine, const std::string& id, Pred pred) {
  for (int i = 0; i < 5000; ++i) {
    auto st = engine.Get(id);
    if (st && pred(*st)) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

TEST_F(SagaServiceTest, TheSagaTimeoutCompensatesWhatCompleted) {
  auto created = Submit(R"({"name": "t", "timeout": "1m", "input": {"who": "ann"}, "tasks": [)" + Step("a", "") +
                        R"(, {"id": "b", "depends_on": ["a"], "type": "builtin", "config": {"op": "sleep", "duration": "1h"},
                              "compensate": {"type": "function", "config": {"name": "undo"}}}]})");
  ASSERT_TRUE(created) << created.error().ToString();
  const std::string id(created->at("saga_id").as_string());
  ASSERT_TRUE(WaitForForward(*engine_, std::string(created->at("workflow_id").as_string()),
                             [](const engine::WorkflowStatus& st) { return st.tasks[1].state == engine::TaskState::kRunning; }));
  clock_.Advance(std::chrono::minutes(2));
  auto done = SettleRunningTimers(id);
  EXPECT_EQ(done.at("state"), "compensated") << done;
  EXPECT_THAT(std::string(done.at("failure_reason").as_string()), ::testing::HasSubstr("timeout (1m) passed"));
  EXPECT_EQ(CalledSteps(), (std::vector<std::string>{"a"}));
}

TEST_F(SagaServiceTest, ATimeoutIsAFailureThePolicyDecidesOn) {
  auto created = Submit(R"({"name": "t", "policy": "manual", "timeout": "1m", "input": {"who": "ann"}, "tasks": [)" +
                        Step("a", "") +
                        R"(, {"id": "b", "depends_on": ["a"], "type": "builtin", "config": {"op": "sleep", "duration": "1h"}}]})");
  ASSERT_TRUE(created) << created.error().ToString();
  const std::string id(created->at("saga_id").as_string());
  ASSERT_TRUE(WaitForForward(*engine_, std::string(created->at("workflow_id").as_string()),
                             [](const engine::WorkflowStatus& st) { return st.tasks[1].state == engine::TaskState::kRunning; }));
  clock_.Advance(std::chrono::minutes(2));
  auto pending = SettleRunningTimers(id);
  EXPECT_EQ(pending.at("state"), "pending-compensation") << pending;
  EXPECT_TRUE(CalledSteps().empty());
  ASSERT_TRUE(Call(&SagaService::Compensate, id));
  EXPECT_EQ(Settle(id).at("state"), "compensated");
  EXPECT_EQ(CalledSteps(), (std::vector<std::string>{"a"}));
}

TEST_F(SagaServiceTest, TheCompensationDeadlineEndsARoundThatDoesNotFinish) {
  // a's compensation sleeps for an hour; the saga allows ten minutes.
  auto created = Submit(R"({"name": "d", "compensation_timeout": "10m", "input": {"who": "ann"}, "tasks": [
      {"id": "a", "type": "function", "config": {"name": "book"},
       "compensate": {"type": "builtin", "config": {"op": "sleep", "duration": "1h"}}},)" +
                        Step("b", R"("a")", true) + "]}");
  ASSERT_TRUE(created) << created.error().ToString();
  const std::string id(created->at("saga_id").as_string());
  std::string round;
  for (int i = 0; i < 5000 && round.empty(); ++i) {
    auto v = sagas_->Get(id);
    if (v && !v->at("compensation_workflow_id").as_string().empty()) round = std::string(v->at("compensation_workflow_id").as_string());
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_FALSE(round.empty());
  ASSERT_TRUE(WaitForForward(*engine_, round, [](const engine::WorkflowStatus& st) {
    return st.tasks[0].state == engine::TaskState::kRunning;
  }));
  clock_.Advance(std::chrono::minutes(11));
  auto done = SettleRunningTimers(id);
  EXPECT_EQ(done.at("state"), "compensation-failed") << done;
  EXPECT_THAT(std::string(done.at("failure_reason").as_string()),
              ::testing::HasSubstr("compensation deadline (10m) passed before a was compensated"));
  EXPECT_EQ(done.at("steps").at(0).at("compensation").at("state"), "pending");
}

// The property of the issue, end to end: random DAG sagas with a random failing step; the
// compensated steps are exactly the completed ones, each compensated once, and a step's
// compensation ran after those of every completed step downstream of it.
TEST_F(SagaServiceTest, RandomDagSagasCompensateExactlyTheCompletedStepsInReverseDependencyOrder) {
  std::mt19937 rng(15);
  for (int round = 0; round < 25; ++round) {
    const int n = 2 + static_cast<int>(rng() % 7);
    const int failing = static_cast<int>(rng() % n);
    std::map<std::string, std::vector<std::string>> deps;
    std::string tasks;
    for (int i = 0; i < n; ++i) {
      const std::string id = "s" + std::to_string(i);
      std::string d;
      for (int j = 0; j < i; ++j) {
        if (rng() % 3 != 0) continue;
        deps[id].push_back("s" + std::to_string(j));
        d += std::string(d.empty() ? "" : ",") + "\"s" + std::to_string(j) + "\"";
      }
      tasks += std::string(i ? "," : "") + Step(id, d, i == failing);
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.clear();
    }
    auto created = Submit(R"({"name": "p", "input": {"who": "ann"}, "tasks": [)" + tasks + "]}");
    ASSERT_TRUE(created) << created.error().ToString();
    auto done = Settle(std::string(created->at("saga_id").as_string()));
    ASSERT_EQ(done.at("state"), "compensated") << done;
    auto completed = Strings(done.at("completed_steps"));
    auto called = CalledSteps();
    EXPECT_EQ(std::set<std::string>(called.begin(), called.end()), std::set<std::string>(completed.begin(), completed.end()))
        << "round " << round << ": " << done;
    EXPECT_EQ(called.size(), completed.size()) << "a step compensated twice, round " << round;
    std::map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < called.size(); ++i) at[called[i]] = i;
    for (const auto& [step, ds] : deps) {
      if (!at.contains(step)) continue;
      for (const auto& d : ds) {
        if (at.contains(d)) {
          EXPECT_LT(at[step], at[d]) << step << " depends on " << d << ", round " << round;
        }
      }
    }
  }
}

}  // namespace
}  // namespace goclaw::service
