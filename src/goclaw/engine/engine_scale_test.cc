// Engine tests at scale, at shutdown and of its metrics: real shard threads, fake clocks where
// time matters (no sleeps).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>

#include "goclaw/dag/compiler.h"
#include "goclaw/dag/loader.h"
#include "goclaw/engine/engine.h"

namespace goclaw::engine {
namespace {

using std::chrono::milliseconds;

// 10k tasks in a random DAG: every task runs exactly once, after all of its dependencies.
TEST(EngineScaleTest, RandomDagOf10kTasksRunsEachTaskOnceInOrder) {
  EngineOptions options;
  options.shards = 2;
  auto engine = Engine::Create(std::move(options));
  ASSERT_TRUE(engine);
  auto spec = std::make_shared<dag::WorkflowSpec>();
  spec->name = "random";
  std::mt19937 rng(3);
  constexpr int kN = 10000;
  spec->tasks.resize(kN);
  for (int i = 0; i < kN; ++i) {
    spec->tasks[i].id = "t" + std::to_string(i);
    for (int d = 0; d < 3 && i > 0; ++d) {
      std::string dep = "t" + std::to_string(rng() % i);
      auto& deps = spec->tasks[i].depends_on;
      if (std::find(deps.begin(), deps.end(), dep) == deps.end()) deps.push_back(dep);
    }
  }
  auto plan = dag::Compile(spec);
  ASSERT_TRUE(plan);
  std::mutex mu;
  std::vector<std::string> order;
  (*engine)->Subscribe([&](const Event& e) {
    if (e.to_name() == "running" && !e.task_id.empty()) {
      std::lock_guard lock(mu);
      order.push_back(e.task_id);
    }
  });
  auto id = (*engine)->Submit(*plan);
  ASSERT_TRUE(id);
  auto st = (*engine)->Wait(*id, milliseconds(60000));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, WorkflowState::kCompleted);
  std::lock_guard lock(mu);
  ASSERT_EQ(order.size(), static_cast<std::size_t>(kN));
  std::vector<int> position(kN, -1);
  for (int k = 0; k < kN; ++k) {
    int task = std::stoi(order[k].substr(1));
    ASSERT_EQ(position[task], -1) << "task ran twice: " << order[k];
    position[task] = k;
  }
  for (int i = 0; i < kN; ++i) {
    for (auto dep : plan->upstream(static_cast<dag::Plan::Index>(i))) {
      EXPECT_LT(position[dep], position[i]);
    }
  }
}

// A 200k-task chain of noops: every completion is synchronous, so the whole chain runs through
// the shard's trampoline. Recursion would overflow the stack long before the end.
TEST(EngineScaleTest, LongChainOfSynchronousTasksDoesNotRecurse) {
  EngineOptions options;
  options.shards = 1;
  auto engine = Engine::Create(std::move(options));
  ASSERT_TRUE(engine);
  auto spec = std::make_shared<dag::WorkflowSpec>();
  constexpr int kN = 200000;
  spec->tasks.resize(kN);
  for (int i = 0; i < kN; ++i) {
    spec->tasks[i].id = "t" + std::to_string(i);
    if (i > 0) spec->tasks[i].depends_on.push_back("t" + std::to_string(i - 1));
  }
  auto plan = dag::Compile(spec);
  ASSERT_TRUE(plan) << plan.error().ToString();
  auto id = (*engine)->Submit(std::make_shared<const dag::Plan>(std::move(*plan)));
  ASSERT_TRUE(id);
  auto st = (*engine)->Wait(*id, milliseconds(120000));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, WorkflowState::kCompleted);
  EXPECT_EQ(st->tasks.back().state, TaskState::kCompleted);
}

// Many workflows sharing one plan wait in a paused lane; opening it admits them all through
// the shards' inboxes; every task runs once and the lane ends empty.
TEST(EngineScaleTest, PausedLaneOpenedAdmitsEveryWaiterOnce) {
  EngineOptions options;
  options.shards = 2;
  config::LaneConfig gate;
  gate.name = "gate";
  gate.max_concurrency = 1;
  gate.capacity = 1 << 20;
  options.lanes = {gate};
  auto engine = Engine::Create(std::move(options));
  ASSERT_TRUE(engine);
  auto lane = (*engine)->lanes().Find("gate");
  lane->SetMaxConcurrency(0);
  auto spec = std::make_shared<dag::WorkflowSpec>();
  constexpr int kTasks = 500;
  constexpr int kWorkflows = 40;
  spec->tasks.resize(kTasks);
  for (int i = 0; i < kTasks; ++i) {
    spec->tasks[i].id = "t" + std::to_string(i);
    spec->tasks[i].lane = "gate";
  }
  auto plan = dag::Compile(spec);
  ASSERT_TRUE(plan);
  std::shared_ptr<const dag::Plan> shared = std::make_shared<const dag::Plan>(std::move(*plan));
  std::atomic<int> running{0};
  (*engine)->Subscribe([&](const Event& e) {
    if (e.to_name() == "running" && !e.task_id.empty()) running.fetch_add(1);
  });
  std::vector<std::string> ids;
  for (int w = 0; w < kWorkflows; ++w) ids.push_back(*(*engine)->Submit(shared));
  // Everything queued, nothing running (Get runs on each shard after its submit).
  for (const auto& id : ids) {
    auto st = (*engine)->Get(id);
    ASSERT_TRUE(st);
    for (const auto& t : st->tasks) ASSERT_EQ(t.state, TaskState::kQueued) << t.id;
  }
  EXPECT_EQ(lane->Stats().waiting, kTasks * kWorkflows);
  EXPECT_EQ(running.load(), 0);
  lane->SetMaxConcurrency(1 << 20);
  for (const auto& id : ids) {
    auto st = (*engine)->Wait(id, milliseconds(60000));
    ASSERT_TRUE(st);
    EXPECT_EQ(st->state, WorkflowState::kCompleted);
    for (const auto& t : st->tasks) EXPECT_EQ(t.attempts, 1) << t.id;
  }
  EXPECT_EQ(running.load(), kTasks * kWorkflows);
  EXPECT_EQ(lane->Stats().waiting, 0);
  EXPECT_EQ(lane->Stats().running, 0);
}

}  // namespace
}  // namespace goclaw::engine

namespace goclaw::engine {
namespace {

// Destroying an engine with work in flight — running, queued in a lane, waiting for a second
// lane while holding the first — must release every permit and not crash.
TEST(EngineShutdownTest, DestroyingWithWorkInFlightIsClean) {
  EngineOptions options;
  options.shards = 2;
  config::LaneConfig one;
  one.name = "one";
  one.max_concurrency = 1;
  config::LaneConfig sessions;
  sessions.name = "session:*";
  sessions.max_concurrency = 1;
  options.lanes = {one, sessions};
  auto engine = Engine::Create(std::move(options));
  ASSERT_TRUE(engine);
  auto plan = dag::LoadWorkflow(R"(
tasks:
  - {id: a, lane: one, session: s1, config: {op: sleep, duration: 1h}}
  - {id: b, lane: one, session: s2, config: {op: sleep, duration: 1h}}
  - {id: c, lane: one, session: s1, config: {op: sleep, duration: 1h}}
  - {id: d, config: {op: sleep, duration: 1h}}
)");
  ASSERT_TRUE(plan);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*engine)->Submit(*plan));
  auto id = (*engine)->Submit(*plan);
  ASSERT_TRUE(id);
  // Wait until something runs so that work is really in flight.
  for (int spin = 0; spin < 1000; ++spin) {
    auto st = (*engine)->Get(*id);
    if (st && st->state == WorkflowState::kRunning) break;
  }
  engine->reset();  // must not trip the lanes' "permits outstanding" check
}


TEST(EngineMetricsTest, CountsStatesAndTimesAttemptsAndQueueWaits) {
  FakeClock clock;
  ManualTimerQueue timers{clock};
  EngineOptions options;
  options.shards = 2;
  options.clock = &clock;
  options.timers = &timers;
  config::LaneConfig narrow;
  narrow.name = "narrow";
  narrow.max_concurrency = 1;
  options.lanes = {narrow};
  auto engine = std::move(*Engine::Create(std::move(options)));
  std::mutex mu;
  std::condition_variable cv;
  int running = 0;
  engine->Subscribe([&](const Event& e) {
    std::lock_guard lock(mu);
    running += e.to_name() == "running" && !e.task_id.empty();
    cv.notify_all();
  });
  auto plan = dag::LoadWorkflow(R"(
tasks:
  - {id: a, lane: narrow, config: {op: sleep, duration: 1s}}
  - {id: b, lane: narrow, config: {op: sleep, duration: 1s}}
  - {id: c, config: {op: fail}, depends_on: [a, b], on_failure: continue}
)");
  ASSERT_TRUE(plan) << plan.error().ToString();
  auto id = engine->Submit(*plan);
  ASSERT_TRUE(id);
  auto wait_running = [&](int n) {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return running >= n; }));
  };
  wait_running(1);
  EngineMetrics m = engine->Metrics();  // also a barrier: the first sleeper's timer is armed
  auto task = [&](TaskState s) { return m.tasks[static_cast<std::size_t>(s)]; };
  EXPECT_EQ(task(TaskState::kRunning), 1);
  EXPECT_EQ(task(TaskState::kQueued), 1);  // the other one waits for the narrow lane
  EXPECT_EQ(task(TaskState::kPending), 1);
  EXPECT_EQ(m.workflows[static_cast<std::size_t>(WorkflowState::kRunning)], 1);
  clock.Advance(milliseconds(1000));
  timers.RunDue();  // the first sleeper finishes; the second starts after 1 s in the queue
  wait_running(2);
  engine->Metrics();  // a barrier: the shard finished starting the attempt (its timer is armed)
  clock.Advance(milliseconds(1000));
  timers.RunDue();
  auto st = engine->Wait(*id, milliseconds(10000));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, WorkflowState::kCompleted);

  m = engine->Metrics();
  EXPECT_EQ(task(TaskState::kCompleted), 2);
  EXPECT_EQ(task(TaskState::kFailed), 1);
  EXPECT_EQ(task(TaskState::kRunning), 0);
  EXPECT_EQ(task(TaskState::kPending), 0);
  EXPECT_EQ(m.tasks_entered[static_cast<std::size_t>(TaskState::kRunning)], 3u);
  EXPECT_EQ(m.tasks_entered[static_cast<std::size_t>(TaskState::kPending)], 3u);
  EXPECT_EQ(m.workflows[static_cast<std::size_t>(WorkflowState::kCompleted)], 1);
  EXPECT_EQ(m.workflows[static_cast<std::size_t>(WorkflowState::kRunning)], 0);
  EXPECT_EQ(m.workflows_entered[static_cast<std::size_t>(WorkflowState::kScheduled)], 1u);
  ASSERT_EQ(m.timings.size(), 2u);  // (builtin, default) for c, (builtin, narrow) for a and b
  const TaskTimings& def = m.timings[0];
  const TaskTimings& nar = m.timings[1];
  EXPECT_EQ(def.lane, "default");
  EXPECT_EQ(def.duration.count(), 1u);
  EXPECT_EQ(nar.lane, "narrow");
  EXPECT_EQ(nar.type, "builtin");
  EXPECT_EQ(nar.duration.count(), 2u);
  EXPECT_DOUBLE_EQ(nar.duration.sum(), 2.0);
  EXPECT_EQ(nar.queue_wait.count(), 2u);
  EXPECT_DOUBLE_EQ(nar.queue_wait.sum(), 1.0);

  auto counts = engine->CountByState();
  EXPECT_EQ(counts[static_cast<std::size_t>(WorkflowState::kCompleted)], 1u);
  EXPECT_EQ(counts[static_cast<std::size_t>(WorkflowState::kRunning)], 0u);
}

TEST(EngineMetricsTest, ACancelledRunningAttemptIsTimed) {
  FakeClock clock;
  ManualTimerQueue timers{clock};
  EngineOptions options;
  options.shards = 1;
  options.clock = &clock;
  options.timers = &timers;
  auto engine = std::move(*Engine::Create(std::move(options)));
  std::mutex mu;
  std::condition_variable cv;
  bool running = false;
  engine->Subscribe([&](const Event& e) {
    std::lock_guard lock(mu);
    running |= e.to_name() == "running" && !e.task_id.empty();
    cv.notify_all();
  });
  auto plan = dag::LoadWorkflow("tasks: [{id: nap, config: {op: sleep, duration: 10s}}]");
  ASSERT_TRUE(plan);
  auto id = engine->Submit(*plan);
  ASSERT_TRUE(id);
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return running; }));
  }
  engine->Metrics();  // a barrier: the attempt has started
  clock.Advance(milliseconds(2500));
  ASSERT_TRUE(engine->Cancel(*id));
  EngineMetrics m = engine->Metrics();
  ASSERT_EQ(m.timings.size(), 1u);
  EXPECT_EQ(m.timings[0].duration.count(), 1u);
  EXPECT_DOUBLE_EQ(m.timings[0].duration.sum(), 2.5);
  EXPECT_EQ(m.tasks[static_cast<std::size_t>(TaskState::kCancelled)], 1);
}

}  // namespace
}  // namespace goclaw::engine
