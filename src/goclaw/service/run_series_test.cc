#include "goclaw/service/run_series.h"

#include <thread>

#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/service/test_fixture.h"

namespace goclaw::service {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

// Events as a shard would send them, at times the test picks.
class Feed {
 public:
  explicit Feed(RunSeries& series) : series_(series) {}

  void Admit(const std::string& id, Clock::WallTime created, std::uint32_t shard = 0,
             bool recovered = false,
             engine::WorkflowState state = engine::WorkflowState::kPending) {
    series_.OnRunAdmitted({.workflow_id = id,
                           .shard = shard,
                           .state = state,
                           .created_at = created,
                           .recovered = recovered});
  }
  void Workflow(const std::string& id, engine::WorkflowState to, Clock::WallTime at,
                std::uint32_t shard = 0) {
    Transition(engine::EventKind::kWorkflowState, id, "",
               static_cast<std::uint8_t>(engine::WorkflowState::kRunning),
               static_cast<std::uint8_t>(to), at, shard);
  }
  void Task(const std::string& id, engine::TaskState to, Clock::WallTime at,
            std::uint32_t shard = 0) {
    Transition(engine::EventKind::kTaskState, id, "t",
               static_cast<std::uint8_t>(engine::TaskState::kRunning),
               static_cast<std::uint8_t>(to), at, shard);
  }

 private:
  // A workflow's or a task's state change (from running), as the shard reports it.
  void Transition(engine::EventKind kind, std::string_view workflow_id, std::string_view task_id,
                  std::uint8_t from, std::uint8_t to, Clock::WallTime at, std::uint32_t shard) {
    series_.OnEvent({.kind = kind,
                     .workflow_id = workflow_id,
                     .task_id = task_id,
                     .from = from,
                     .to = to,
                     .time = at,
                     .shard = shard});
  }

  RunSeries& series_;
};

class RunSeriesTest : public ::testing::Test {
 protected:
  // The fake clock starts at 2026-01-01T00:00:00Z; move into the middle of a minute.
  RunSeriesTest() { clock_.Advance(seconds(3600 + 42)); }
  Clock::WallTime Ago(int s) const { return clock_.Now() - seconds(s); }

  FakeClock clock_;
  RunSeries series_{clock_};
  Feed feed_{series_};
};

TEST_F(RunSeriesTest, AnEmptySeriesIsTheWholeWindowOfZeros) {
  auto buckets = series_.Read(seconds(5));
  ASSERT_TRUE(buckets) << buckets.error().ToString();
  ASSERT_EQ(buckets->size(), 120u);
  // Oldest first, 5 s apart; the last is the bucket now falls in (01:00:40 for 01:00:42).
  EXPECT_EQ(buckets->back().start, Clock::WallTime(seconds(1767225600 + 3640)));
  EXPECT_EQ(buckets->front().start, buckets->back().start - seconds(5 * 119));
  for (const auto& b : *buckets) {
    EXPECT_EQ(b.workflows_submitted + b.workflows_completed + b.tasks_completed, 0u);
    EXPECT_EQ(b.workflow_latency.count(), 0u);
  }
  auto doc = series_.Json(seconds(5));
  ASSERT_TRUE(doc);
  const std::string text = boost::json::serialize(*doc);
  EXPECT_THAT(text, HasSubstr(R"("step_seconds":5,"window_seconds":600,"buckets":[{"start":")"));
  EXPECT_THAT(
      text,
      HasSubstr(R"("workflow_latency_p50_seconds":null,"workflow_latency_p99_seconds":null})"));
}

TEST_F(RunSeriesTest, CountsLandInTheBucketOfTheirEventsTime) {
  feed_.Admit("wf-1", Ago(12));
  feed_.Admit("wf-2", Ago(12), 1);
  feed_.Task("wf-1", engine::TaskState::kCompleted, Ago(11));
  feed_.Task("wf-1", engine::TaskState::kRunning, Ago(11));  // not counted
  feed_.Task("wf-2", engine::TaskState::kFailed, Ago(2), 1);
  feed_.Task("wf-2", engine::TaskState::kRetrying, Ago(2), 1);  // an attempt failed, not the task
  feed_.Workflow("wf-1", engine::WorkflowState::kCompleted, Ago(1));
  feed_.Workflow("wf-2", engine::WorkflowState::kFailed, Ago(1), 1);
  auto b = series_.Read(seconds(5));
  ASSERT_TRUE(b);
  // now 01:00:42: 12 s ago is the bucket 01:00:30 (index 117), 2 s and 1 s ago 01:00:40 (119).
  const SeriesBucket& early = (*b)[117];
  const SeriesBucket& now = (*b)[119];
  EXPECT_EQ(early.workflows_submitted, 2u);
  EXPECT_EQ(early.tasks_completed, 1u);
  EXPECT_EQ((*b)[118].workflows_submitted + (*b)[118].tasks_completed, 0u);
  EXPECT_EQ(now.tasks_failed, 1u);
  EXPECT_EQ(now.workflows_completed, 1u);
  EXPECT_EQ(now.workflows_failed, 1u);
  EXPECT_EQ(now.workflows_cancelled, 0u);
  // Both took 11 s from creation to the end.
  ASSERT_EQ(now.workflow_latency.count(), 2u);
  EXPECT_DOUBLE_EQ(now.workflow_latency.sum(), 22.0);
  auto doc = series_.Json(seconds(5));
  ASSERT_TRUE(doc);
  const auto& last = doc->at("buckets").as_array().back().as_object();
  EXPECT_EQ(last.at("start").as_string(), "2026-01-01T01:00:40.000Z");
  EXPECT_EQ(last.at("workflows_failed").as_uint64(), 1u);
  const double p50 = last.at("workflow_latency_p50_seconds").to_number<double>();
  EXPECT_GT(p50, 5.0);  // in the histogram's (5 s, 30 s] bucket
  EXPECT_LE(p50, 30.0);
}

TEST_F(RunSeriesTest, StepsSumTheBaseBucketsAndKeepTheWindow) {
  feed_.Admit("wf-1", Ago(40));  // 01:00:02 -> the minute 01:00
  feed_.Admit("wf-2", Ago(2));   // 01:00:40 -> the minute 01:00
  feed_.Admit("wf-3", Ago(50));  // 00:59:52 -> the minute 00:59
  for (std::int64_t step : RunSeries::kSteps) {
    auto b = series_.Read(seconds(step));
    ASSERT_TRUE(b);
    EXPECT_EQ(b->size(), static_cast<std::size_t>(600 / step)) << step;
    std::uint64_t total = 0;
    for (const auto& bucket : *b) total += bucket.workflows_submitted;
    EXPECT_EQ(total, 3u) << step;
  }
  auto minutes = series_.Read(seconds(60));
  ASSERT_TRUE(minutes);
  EXPECT_EQ(minutes->back().start, Clock::WallTime(seconds(1767225600 + 3600)));
  EXPECT_EQ(minutes->back().workflows_submitted, 2u);
  EXPECT_EQ((*minutes)[8].workflows_submitted, 1u);
}

TEST_F(RunSeriesTest, OldBucketsLeaveTheWindowAndTheRingIsReused) {
  feed_.Admit("wf-1", Ago(0));
  feed_.Workflow("wf-1", engine::WorkflowState::kCancelled, Ago(0));
  clock_.Advance(seconds(601));
  auto b = series_.Read(seconds(5));
  ASSERT_TRUE(b);
  for (const auto& bucket : *b)
    EXPECT_EQ(bucket.workflows_submitted + bucket.workflows_cancelled, 0u);
  // The slot that held it now holds a new bucket, counted from zero.
  feed_.Admit("wf-2", Ago(0));
  b = series_.Read(seconds(5));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->back().workflows_submitted, 1u);
  EXPECT_EQ(b->back().workflows_cancelled, 0u);
  // An event older than the ring does not disturb the newer bucket in its slot.
  feed_.Admit("wf-3", Ago(605));
  b = series_.Read(seconds(5));
  EXPECT_EQ(b->back().workflows_submitted, 1u);
}

TEST_F(RunSeriesTest, RecoveredRunsAreNotSubmittedAgainButTheirLatencyCounts) {
  feed_.Admit("wf-old", Ago(100), 0, /*recovered=*/true, engine::WorkflowState::kRunning);
  feed_.Admit("wf-done", Ago(100), 0, /*recovered=*/true, engine::WorkflowState::kCompleted);
  feed_.Workflow("wf-old", engine::WorkflowState::kCompleted, Ago(0));
  auto b = series_.Read(seconds(5));
  ASSERT_TRUE(b);
  std::uint64_t submitted = 0;
  for (const auto& bucket : *b) submitted += bucket.workflows_submitted;
  EXPECT_EQ(submitted, 0u);
  EXPECT_EQ(b->back().workflows_completed, 1u);
  ASSERT_EQ(b->back().workflow_latency.count(), 1u);
  EXPECT_DOUBLE_EQ(b->back().workflow_latency.sum(), 100.0);
}

TEST_F(RunSeriesTest, AnEvictedRunIsForgotten) {
  feed_.Admit("wf-1", Ago(10));
  series_.OnRunEvicted("wf-1", 0);
  feed_.Workflow("wf-1", engine::WorkflowState::kCompleted, Ago(0));
  auto b = series_.Read(seconds(5));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->back().workflows_completed, 1u);
  EXPECT_EQ(b->back().workflow_latency.count(), 0u);  // no creation time known
}

TEST_F(RunSeriesTest, OtherStepsAreRefusedNamingTheAcceptedOnes) {
  for (int step : {0, 1, 7, 15, 120, -5}) {
    auto b = series_.Read(seconds(step));
    ASSERT_FALSE(b) << step;
    EXPECT_EQ(b.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(b.error().message(), HasSubstr("5, 10, 30, 60"));
    ASSERT_EQ(b.error().details().size(), 1u);
    EXPECT_EQ(b.error().details()[0].path, "step");
  }
}

TEST_F(RunSeriesTest, ShardThreadsRecordWhileReadersRead) {
  constexpr int kPerThread = 2000;
  std::vector<std::thread> shards;
  for (std::uint32_t shard = 0; shard < 4; ++shard) {
    shards.emplace_back([this, shard] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = "wf-" + std::to_string(shard) + "-" + std::to_string(i);
        feed_.Admit(id, Ago(1), shard);
        feed_.Task(id, engine::TaskState::kCompleted, Ago(1), shard);
        feed_.Workflow(id, engine::WorkflowState::kCompleted, Ago(0), shard);
      }
    });
  }
  std::thread reader([this] {
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(series_.Json(seconds(10)));
  });
  for (auto& t : shards) t.join();
  reader.join();
  auto b = series_.Read(seconds(60));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->back().workflows_submitted, 4u * kPerThread);
  EXPECT_EQ(b->back().tasks_completed, 4u * kPerThread);
  EXPECT_EQ(b->back().workflows_completed, 4u * kPerThread);
  EXPECT_EQ(b->back().workflow_latency.count(), 4u * kPerThread);
}

// A real engine (fake clock, memory store): what it runs shows up in the series.
class RunSeriesEngineTest : public testing::ServiceTest {};

TEST_F(RunSeriesEngineTest, ObservesARealEngine) {
  auto series = std::make_shared<RunSeries>(clock_);
  const std::uint64_t handle = engine_->AddObserver(series);
  WorkflowService workflows(*engine_, WorkflowPolicy{});
  SubmitRequest ok;
  ok.spec = R"({"tasks": [{"id": "a"}, {"id": "b", "depends_on": ["a"]}]})";
  auto id = SubmitSpec(workflows, ok);
  ASSERT_TRUE(id) << id.error().ToString();
  ASSERT_TRUE(engine_->Wait(*id, seconds(10)));
  SubmitRequest bad;
  bad.spec = R"({"tasks": [{"id": "x", "config": {"op": "fail"}}]})";
  auto failed = SubmitSpec(workflows, bad);
  ASSERT_TRUE(failed) << failed.error().ToString();
  ASSERT_TRUE(engine_->Wait(*failed, seconds(10)));
  engine_->RemoveObserver(handle);
  auto b = series->Read(seconds(5));
  ASSERT_TRUE(b);
  const SeriesBucket& now = b->back();
  EXPECT_EQ(now.workflows_submitted, 2u);
  EXPECT_EQ(now.workflows_completed, 1u);
  EXPECT_EQ(now.workflows_failed, 1u);
  EXPECT_EQ(now.tasks_completed, 2u);
  EXPECT_EQ(now.tasks_failed, 1u);
  EXPECT_EQ(now.workflow_latency.count(), 2u);  // the clock did not move: 0 s each
  EXPECT_DOUBLE_EQ(now.workflow_latency.sum(), 0.0);
}

}  // namespace
}  // namespace goclaw::service
