// The engine on a store: acknowledgements after durability, the journal's writes, recovery after
// a stop (completed tasks stay completed, interrupted attempts run again as the next attempt),
// eviction to the store, retention, a full store, and the graceful drain. Each test runs on the
// memory store and on RocksDB in a temp dir; a store outlives the engines built on it, so a
// second engine on the same store is a restart. Fake clock, manual timers: nothing sleeps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "goclaw/core/test_temp_dir.h"
#include "goclaw/dag/loader.h"
#include "goclaw/dag/spec_encoder.h"
#include "goclaw/engine/engine.h"

namespace goclaw::engine {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

constexpr const char* kChain = R"(
name: chain
tasks:
  - {id: a, type: function, config: {name: count}}
  - {id: b, depends_on: [a], config: {op: sleep, duration: 1h}}
  - {id: c, depends_on: [b], type: function, config: {name: count}}
)";

// One engine "process": its own timers (a stopped engine's timers never run again).
struct Process {
  std::unique_ptr<ManualTimerQueue> timers;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Event> events;
  std::unique_ptr<Engine> engine;  // last: stops before what its callbacks touch

  // Waits until some event matches.
  bool WaitFor(const std::string& task, const std::string& to, int attempt = 0) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] {
      for (const Event& e : events) {
        if (e.task_id == task && e.to_name() == to && (attempt == 0 || e.attempt == attempt)) return true;
      }
      return false;
    });
  }
};

class DurabilityTest : public ::testing::TestWithParam<std::string> {
 protected:
  DurabilityTest() { OpenStore(); }
  ~DurabilityTest() override {
    processes_.clear();
    store_.reset();
  }

  void OpenStore() {
    if (GetParam() == "memory") {
      store_ = std::move(*store::OpenMemoryStore({.faults = faults_, .tables = StoreTables()}));
    } else {
      auto s = store::OpenRocksDbStore({.path = dir_ + "/data", .faults = faults_, .tables = StoreTables()});
      ASSERT_TRUE(s) << s.error().ToString();
      store_ = std::move(*s);
    }
  }

  // Starts an engine on the store (recovering what it holds). The previous one must be stopped.
  Process& Start(Millis evict_after = Millis(3600 * 1000), Millis retention = Millis(0)) {
    auto p = std::make_unique<Process>();
    p->timers = std::make_unique<ManualTimerQueue>(clock_);
    EngineOptions options;
    options.shards = 2;
    options.function_workers = 2;
    options.clock = &clock_;
    options.timers = p->timers.get();
    options.seed = 7;
    options.store = store_.get();
    options.evict_after = evict_after;
    options.retention = retention;
    config::LaneConfig narrow;
    narrow.name = "narrow";
    narrow.max_concurrency = 1;
    config::LaneConfig wide;
    wide.name = "wide";
    wide.max_concurrency = 1000;
    options.lanes = {narrow, wide};
    auto engine = Engine::Create(std::move(options));
    EXPECT_TRUE(engine) << engine.error().ToString();
    p->engine = std::move(*engine);
    Process* raw = p.get();
    EXPECT_TRUE(p->engine->RegisterFunction("count", [this](TaskContext& ctx) -> Result<boost::json::value> {
      std::lock_guard lock(runs_mu_);
      return boost::json::value(++runs_[ctx.task_id]);
    }));
    p->engine->Subscribe([raw](const Event& e) {
      std::lock_guard lock(raw->mu);
      raw->events.push_back(e);
      raw->cv.notify_all();
    });
    p->engine->Resume();
    processes_.push_back(std::move(p));
    return *raw;
  }

  void Stop() { processes_.back()->engine.reset(); }

  // Waits until the current engine has armed `n` timers (a task's "running" event goes out just
  // before its executor arms a sleep; an eviction is armed just after the final state).
  void WaitArmed(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (processes_.back()->timers->pending() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    ASSERT_GE(processes_.back()->timers->pending(), n);
  }

  // Moves the fake time and runs what became due on the current engine's timers.
  void Advance(Millis d) {
    clock_.Advance(d);
    processes_.back()->timers->RunDue();
  }

  static std::shared_ptr<const dag::Plan> Plan(std::string_view yaml) {
    auto plan = dag::LoadWorkflow(yaml);
    EXPECT_TRUE(plan) << plan.error().ToString();
    return std::make_shared<const dag::Plan>(std::move(*plan));
  }

  static const TaskStatus& TaskOf(const WorkflowStatus& st, const std::string& id) {
    for (const TaskStatus& t : st.tasks) {
      if (t.id == id) return t;
    }
    ADD_FAILURE() << "no task " << id;
    return st.tasks.front();
  }

  testing::ScratchDir scratch_{"goclaw-engine"};
  const std::string dir_ = scratch_.path();
  std::shared_ptr<store::WriteFaults> faults_ = std::make_shared<store::WriteFaults>();
  std::unique_ptr<store::Store> store_;
  FakeClock clock_;
  std::vector<std::unique_ptr<Process>> processes_;
  std::mutex runs_mu_;
  std::map<std::string, int> runs_;  // function runs by task id
};

TEST_P(DurabilityTest, SubmitIsDurableWhenAcknowledgedAndEveryChangeIsWritten) {
  Process& p = Start();
  auto id = p.engine->Submit(Plan("name: one\ntasks:\n  - {id: x, config: {op: echo, v: 1}}\n  - {id: y, depends_on: [x]}\n"));
  ASSERT_TRUE(id) << id.error().ToString();
  auto stored = store_->Workflow(*id);  // no flush: the acknowledgement came after the write
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ((*stored)->name, "one");
  EXPECT_EQ((*stored)->task_count, 2u);
  auto spec = store_->Spec(*id);
  ASSERT_TRUE(spec && spec->has_value());
  EXPECT_THAT((*spec)->spec_json, HasSubstr("\"x\""));

  auto done = p.engine->Wait(*id, milliseconds(10000));
  ASSERT_TRUE(done);
  ASSERT_TRUE(p.engine->Flush());
  EXPECT_EQ((*store_->Workflow(*id))->state, static_cast<std::uint8_t>(WorkflowState::kCompleted));
  auto tasks = store_->Tasks(*id);
  ASSERT_EQ(tasks->size(), 2u);
  EXPECT_EQ((*tasks)[0].state, static_cast<std::uint8_t>(TaskState::kCompleted));
  EXPECT_EQ((*tasks)[0].output_json, R"({"v":1})");
  auto live = p.engine->Events(*id);
  auto records = store_->Events(*id);
  ASSERT_TRUE(live && records);
  ASSERT_EQ(live->size(), records->size());
  for (std::size_t k = 0; k < live->size(); ++k) {
    EXPECT_EQ((*records)[k].seq, k + 1);
    EXPECT_EQ((*live)[k].seq, k + 1);
  }
}

TEST_P(DurabilityTest, ResumesAfterAStopWithoutRepeatingCompletedTasks) {
  std::string id;
  {
    Process& first = Start();
    auto submitted = first.engine->Submit(Plan(kChain));
    ASSERT_TRUE(submitted);
    id = *submitted;
    ASSERT_TRUE(first.WaitFor("b", "running"));  // a completed, b sleeps for an hour
    Stop();                                      // b's attempt is cut short
  }
  Process& second = Start();
  ASSERT_TRUE(second.WaitFor("b", "running", 2));
  auto mid = second.engine->Get(id);
  ASSERT_TRUE(mid);
  EXPECT_EQ(mid->state, WorkflowState::kRunning);
  EXPECT_EQ(TaskOf(*mid, "a").state, TaskState::kCompleted);
  EXPECT_EQ(TaskOf(*mid, "b").attempts, 2);
  WaitArmed(1);
  Advance(Millis(3600 * 1000));
  auto done = second.engine->Wait(id, milliseconds(10000));
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->state, WorkflowState::kCompleted);
  EXPECT_EQ(runs_["a"], 1);  // not run again
  EXPECT_EQ(runs_["c"], 1);
  EXPECT_EQ(TaskOf(*done, "c").output, boost::json::value(1));

  // One history across both processes: seq 1..n, b interrupted once and retried.
  auto events = second.engine->Events(id);
  ASSERT_TRUE(events);
  std::vector<std::string> b;
  for (std::size_t k = 0; k < events->size(); ++k) {
    const Event& e = (*events)[k];
    EXPECT_EQ(e.seq, k + 1);
    if (e.task_id == "b") b.push_back(std::string(e.from_name()) + ">" + std::string(e.to_name()) + "#" + std::to_string(e.attempt));
    if (e.task_id == "b" && e.to_name() == "retrying") {
      EXPECT_THAT(e.error, HasSubstr("interrupted"));
    }
  }
  EXPECT_THAT(b, ::testing::ElementsAre("pending>ready#0", "ready>queued#0", "queued>running#1",
                                        "running>retrying#1", "retrying>queued#1", "queued>running#2",
                                        "running>completed#2"));
  auto since = second.engine->Events(id, events->size() - 2);
  ASSERT_TRUE(since);
  ASSERT_EQ(since->size(), 2u);
  EXPECT_EQ(since->front().seq, events->size() - 1);
}

TEST_P(DurabilityTest, FinishedWorkflowsLeaveMemoryAndAreServedFromTheStore) {
  Process& p = Start(Millis(1000));
  auto id = p.engine->Submit(Plan("name: evict\ntasks:\n  - {id: x, config: {op: echo, v: 2}}\n"));
  ASSERT_TRUE(id);
  auto before = p.engine->Wait(*id, milliseconds(10000));
  ASSERT_TRUE(before);
  auto events_before = p.engine->Events(*id);
  ASSERT_TRUE(events_before);
  WaitArmed(1);
  Advance(Millis(1000));
  // The eviction waits for the run's last write, then happens on its shard.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (p.engine->Metrics().in_memory > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(p.engine->Metrics().in_memory, 0u);
  auto after = p.engine->Get(*id);
  ASSERT_TRUE(after) << after.error().ToString();
  EXPECT_EQ(after->state, WorkflowState::kCompleted);
  EXPECT_EQ(after->name, "evict");
  EXPECT_EQ(TaskOf(*after, "x").output, (boost::json::object{{"v", 2}}));
  EXPECT_EQ(TaskOf(*after, "x").attempts, 1);
  auto events_after = p.engine->Events(*id);
  ASSERT_TRUE(events_after);
  ASSERT_EQ(events_after->size(), events_before->size());
  for (std::size_t k = 0; k < events_after->size(); ++k) {
    EXPECT_EQ((*events_after)[k].to, (*events_before)[k].to);
    EXPECT_EQ((*events_after)[k].task_id, (*events_before)[k].task_id);
  }
  Status again = p.engine->Cancel(*id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(p.engine->List({}).total, 1u);
  EXPECT_EQ(p.engine->Get("wf-nope").error().code(), ErrorCode::kNotFound);
}

TEST_P(DurabilityTest, CancelIsDurableWhenAcknowledged) {
  Process& p = Start();
  auto id = p.engine->Submit(Plan("tasks:\n  - {id: s, config: {op: sleep, duration: 1h}}\n"));
  ASSERT_TRUE(id);
  ASSERT_TRUE(p.WaitFor("s", "running"));
  ASSERT_TRUE(p.engine->Cancel(*id));
  EXPECT_EQ((*store_->Workflow(*id))->state, static_cast<std::uint8_t>(WorkflowState::kCancelled));
  auto tasks = store_->Tasks(*id);
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ(tasks->front().state, static_cast<std::uint8_t>(TaskState::kCancelled));
  Stop();
  Process& again = Start();  // nothing to resume
  auto st = again.engine->Get(*id);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, WorkflowState::kCancelled);
  EXPECT_EQ(again.engine->Metrics().in_memory, 0u);
}

TEST_P(DurabilityTest, AFullStoreRefusesAcknowledgementsAndCatchesUpWhenSpaceReturns) {
  Process& p = Start();
  auto id = p.engine->Submit(Plan("tasks:\n  - {id: s, config: {op: sleep, duration: 1s}}\n"));
  ASSERT_TRUE(id);
  ASSERT_TRUE(p.WaitFor("s", "running"));
  ASSERT_TRUE(p.engine->Flush());

  faults_->no_space = true;
  auto refused = p.engine->Submit(Plan("tasks:\n  - {id: x}\n"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(refused.error().message(), HasSubstr("not stored"));
  EXPECT_EQ(p.engine->List({}).total, 1u);  // the refused workflow left nothing behind
  WaitArmed(1);
  Advance(Millis(1000));                    // s completes, in memory; its write fails
  ASSERT_TRUE(p.WaitFor("s", "completed"));
  Status flushed = p.engine->Flush();
  ASSERT_FALSE(flushed);
  EXPECT_EQ(flushed.error().code(), ErrorCode::kUnavailable);
  EXPECT_FALSE(p.engine->StoreHealthy());
  EXPECT_EQ((*store_->Workflow(*id))->state, static_cast<std::uint8_t>(WorkflowState::kRunning));
  // Finished in memory, but nobody is told so until that is durable.
  EXPECT_EQ(p.engine->Get(*id)->state, WorkflowState::kCompleted);
  EXPECT_EQ(p.engine->Wait(*id, milliseconds(0)).error().code(), ErrorCode::kDeadlineExceeded);

  faults_->no_space = false;
  Advance(Millis(100));  // the journal's retry
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!p.engine->StoreHealthy() && std::chrono::steady_clock::now() < deadline) {
    Advance(Millis(100));
    std::this_thread::yield();
  }
  ASSERT_TRUE(p.engine->StoreHealthy());
  ASSERT_TRUE(p.engine->Flush());
  EXPECT_EQ((*store_->Workflow(*id))->state, static_cast<std::uint8_t>(WorkflowState::kCompleted));
  auto done = p.engine->Wait(*id, milliseconds(10000));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, WorkflowState::kCompleted);
  auto live = p.engine->Events(*id);
  auto records = store_->Events(*id);
  EXPECT_EQ(live->size(), records->size());  // every event written once the store took writes
  auto accepted = p.engine->Submit(Plan("tasks:\n  - {id: x}\n"));
  EXPECT_TRUE(accepted) << accepted.error().ToString();
}

// An after-durable observer (event.h) hears of an event only once the store committed it: a
// write that fails (a full disk) holds it back until the store takes writes again.
class DurableLog final : public RunObserver {
 public:
  void OnEvent(const EventView& e) override {
    std::lock_guard lock(mu);
    if (e.task_id == "s") seen.push_back(std::string(e.task_id) + ":" + std::string(Event(e.ToEvent()).to_name()));
  }
  bool WantsDurable() const override { return true; }
  void OnDurable(const EventView& e) override {
    std::lock_guard lock(mu);
    if (e.task_id == "s") durable.push_back(std::string(e.task_id) + ":" + std::string(Event(e.ToEvent()).to_name()));
    last_durable_seq = std::max(last_durable_seq, e.seq);
  }
  std::mutex mu;
  std::vector<std::string> seen, durable;
  std::uint64_t last_durable_seq = 0;
};

TEST_P(DurabilityTest, AfterDurableObserversHearOnlyWhatWasCommitted) {
  Process& p = Start();
  auto log = std::make_shared<DurableLog>();
  p.engine->AddObserver(log);
  auto id = p.engine->Submit(Plan("tasks:\n  - {id: s, config: {op: sleep, duration: 1s}}\n"));
  ASSERT_TRUE(id);
  ASSERT_TRUE(p.WaitFor("s", "running"));
  ASSERT_TRUE(p.engine->Flush());
  {
    std::lock_guard lock(log->mu);
    EXPECT_EQ(log->durable, log->seen);  // everything so far is committed
  }
  faults_->no_space = true;
  WaitArmed(1);
  Advance(Millis(1000));
  ASSERT_TRUE(p.WaitFor("s", "completed"));
  EXPECT_FALSE(p.engine->Flush());
  {
    std::lock_guard lock(log->mu);
    EXPECT_EQ(log->seen.back(), "s:completed");
    EXPECT_NE(log->durable.back(), "s:completed");  // not written, so not told
  }
  faults_->no_space = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!p.engine->StoreHealthy() && std::chrono::steady_clock::now() < deadline) {
    Advance(Millis(100));
    std::this_thread::yield();
  }
  ASSERT_TRUE(p.engine->Flush());
  std::lock_guard lock(log->mu);
  EXPECT_EQ(log->durable, log->seen);
  EXPECT_EQ(log->last_durable_seq, (*store_->LastEventSeq(*id)));
}

TEST_P(DurabilityTest, HealthComesBackOnItsOwnAfterAFailedSubmitOnAnIdleEngine) {
  Process& p = Start();
  faults_->no_space = true;
  ASSERT_FALSE(p.engine->Submit(Plan("tasks:\n  - {id: x}\n")));
  EXPECT_FALSE(p.engine->StoreHealthy());
  Advance(Millis(1000));  // the probe: still full
  ASSERT_TRUE(store_->CommitAndWait({}).has_value() == false);  // (and behind the probe's commit)
  EXPECT_FALSE(p.engine->StoreHealthy());
  faults_->no_space = false;
  WaitArmed(1);
  Advance(Millis(1000));  // the next probe writes
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!p.engine->StoreHealthy() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_TRUE(p.engine->StoreHealthy());
}

TEST_P(DurabilityTest, RetentionErasesOldFinishedWorkflows) {
  Process& p = Start(Millis(3600 * 1000), Millis(3600 * 1000));
  auto old_id = p.engine->Submit(Plan("tasks:\n  - {id: x}\n"));
  ASSERT_TRUE(old_id);
  ASSERT_TRUE(p.engine->Wait(*old_id, milliseconds(10000)));
  auto running = p.engine->Submit(Plan("tasks:\n  - {id: s, config: {op: sleep, duration: 1d}}\n"));
  ASSERT_TRUE(running);
  ASSERT_TRUE(p.engine->Flush());
  Advance(Millis(2 * 3600 * 1000));  // the sweep runs every retention/10
  ASSERT_TRUE(store_->CommitAndWait({}));  // the erase, queued before this, is written
  EXPECT_EQ(p.engine->Get(*old_id).error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(store_->Workflow(*old_id)->has_value());
  EXPECT_TRUE(store_->Events(*old_id)->empty());
  EXPECT_TRUE(p.engine->Get(*running));  // unfinished: kept whatever its age
  EXPECT_EQ(p.engine->List({}).total, 1u);
}

TEST_P(DurabilityTest, DrainLetsRunningAttemptsFinishAndLeavesQueuedWorkForTheNextStart) {
  std::string id;
  {
    Process& first = Start();
    auto submitted = first.engine->Submit(Plan(R"(
tasks:
  - {id: a, lane: narrow, config: {op: sleep, duration: 1s}}
  - {id: b, lane: narrow}
  - {id: c, depends_on: [a, b]}
)"));
    ASSERT_TRUE(submitted);
    id = *submitted;
    ASSERT_TRUE(first.WaitFor("a", "running"));
    auto drained = std::async(std::launch::async, [&] { return first.engine->Drain(milliseconds(10000)); });
    while (!first.engine->draining()) std::this_thread::yield();
    WaitArmed(1);
    Advance(Millis(1000));  // a finishes; b must not start
    EXPECT_EQ(drained.get(), 0u);
    auto refused = first.engine->Submit(Plan("tasks:\n  - {id: x}\n"));
    ASSERT_FALSE(refused);  // drained: no new work
    EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
    auto st = first.engine->Get(id);
    ASSERT_TRUE(st);
    EXPECT_EQ(TaskOf(*st, "a").state, TaskState::kCompleted);
    EXPECT_EQ(TaskOf(*st, "b").state, TaskState::kQueued);
    Stop();
  }
  Process& second = Start();
  auto done = second.engine->Wait(id, milliseconds(10000));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, WorkflowState::kCompleted);
  EXPECT_EQ(TaskOf(*done, "a").attempts, 1);
  EXPECT_EQ(TaskOf(*done, "b").attempts, 1);
}

TEST_P(DurabilityTest, ResumesManyWorkflowsInEveryState) {
  std::vector<std::string> ids;
  {
    Process& first = Start();
    for (int i = 0; i < 50; ++i) {
      auto id = first.engine->Submit(Plan(R"(
tasks:
  - {id: a}
  - {id: b, depends_on: [a], lane: wide, config: {op: sleep, duration: 10s}}
  - {id: f, depends_on: [a], config: {op: fail, message: boom}, on_failure: continue}
  - {id: c, depends_on: [b, f]}
)"));
      ASSERT_TRUE(id);
      ids.push_back(*id);
    }
    ASSERT_TRUE(first.engine->Cancel(ids[0]));
    ASSERT_TRUE(first.WaitFor("b", "running"));
    Stop();
  }
  Process& second = Start();
  WaitArmed(ids.size() - 1);  // every b but the cancelled workflow's sleeps again
  Advance(Millis(10000));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto st = second.engine->Wait(ids[i], milliseconds(10000));
    ASSERT_TRUE(st) << st.error().ToString();
    if (i == 0) {
      EXPECT_EQ(st->state, WorkflowState::kCancelled);
      continue;
    }
    EXPECT_EQ(st->state, WorkflowState::kCompleted) << st->error;
    EXPECT_EQ(TaskOf(*st, "f").state, TaskState::kFailed);
    EXPECT_EQ(TaskOf(*st, "c").state, TaskState::kCompleted);
  }
}

TEST_P(DurabilityTest, AWorkflowThatNeverStartedRunsItsWholeDagAfterARestart) {
  // What a crash right after the submit's acknowledgement leaves: the workflow and spec records.
  auto plan = Plan("name: late\ntasks:\n  - {id: a}\n  - {id: b, depends_on: [a]}\n  - {id: c, depends_on: [b]}\n");
  store::StoreBatch batch;
  batch.workflows.push_back({"wf-00000000-0000-7000-8000-000000000001", "late", 0, 1, 0, 0, "", 3});
  batch.specs.push_back({"wf-00000000-0000-7000-8000-000000000001", dag::SpecToJsonText(plan->spec()), "{}"});
  ASSERT_TRUE(store_->CommitAndWait(std::move(batch)));
  Process& p = Start();
  auto done = p.engine->Wait("wf-00000000-0000-7000-8000-000000000001", milliseconds(10000));
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->state, WorkflowState::kCompleted);
  for (const auto& t : done->tasks) EXPECT_EQ(t.state, TaskState::kCompleted) << t.id;
}

TEST_P(DurabilityTest, AFailureWhoseWorkflowRecordWasNotWrittenStillFailsTheWorkflow) {
  // A crash between a journal write of the failed task and the one of the workflow's error.
  auto plan = Plan("name: split\ntasks:\n  - {id: a}\n  - {id: b, depends_on: [a]}\n");
  const std::string id = "wf-00000000-0000-7000-8000-000000000002";
  store::StoreBatch batch;
  batch.workflows.push_back({id, "split", 2, 1, 1, 0, "", 2});
  batch.specs.push_back({id, dag::SpecToJsonText(plan->spec()), "{}"});
  batch.tasks.push_back({id, 0, static_cast<std::uint8_t>(TaskState::kFailed), 1, 1, 2, "boom", "", 0});
  ASSERT_TRUE(store_->CommitAndWait(std::move(batch)));
  Process& p = Start();
  auto done = p.engine->Wait(id, milliseconds(10000));
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->state, WorkflowState::kFailed);
  EXPECT_THAT(done->error, HasSubstr("task \"a\" failed: boom"));
  EXPECT_EQ(TaskOf(*done, "b").state, TaskState::kSkipped);
}

INSTANTIATE_TEST_SUITE_P(Stores, DurabilityTest, ::testing::Values("memory", "rocksdb"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace goclaw::engine
