// Both stores behave the same (one suite, run against memory and RocksDB in a temp dir: records,
// registered tables, the workflow index against a brute-force reference), the writer groups
// commits, and what the RocksDB store keeps: data survives reopening, a snapshot opens as a
// data dir, a full disk fails writes until space returns, a read-only open reads a store open
// elsewhere, and the writer's memory of the index entries it wrote keeps the index exact. What
// it refuses (newer formats and table versions, damaged directories) and the format-1 upgrade
// are in store_format_test.cc.
#include "goclaw/store/store.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <limits>
#include <random>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/store/group_commit.h"
#include "goclaw/store/store_test_helpers.h"
#include "goclaw/store/test_workflow_model.h"
#include "goclaw/store/workflow_index.h"

namespace goclaw::store {
namespace {

using ::testing::HasSubstr;

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  StoreTest() {
    auto s = GetParam() == "memory" ? OpenMemoryStore({.tables = TestTables()})
                                    : OpenRocksDbStore({.path = dir_.path() + "/data",
                                                        .sync = SyncMode::kBatch,
                                                        .tables = TestTables()});
    EXPECT_TRUE(s) << s.error().ToString();
    store_ = std::move(*s);
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, WritesAndReadsEveryKindOfRecord) {
  ASSERT_TRUE(store_->CommitAndWait(Submitted("wf-1", 3)));
  ASSERT_TRUE(store_->CommitAndWait(Submitted("wf-2", 1)));
  // A transition: the task's record changes and an event is appended, together.
  StoreBatch step;
  step.tasks.push_back({"wf-1", 1, 5, 1, 300, 400, "", R"({"out":1})", 1});
  step.events.push_back({"wf-1", 4, 1, 3, 5, 1, 400, ""});
  ASSERT_TRUE(store_->CommitAndWait(step));

  auto tasks = store_->Tasks("wf-1");
  ASSERT_TRUE(tasks);
  ASSERT_EQ(tasks->size(), 3u);
  EXPECT_EQ((*tasks)[1].state, 5);
  EXPECT_EQ((*tasks)[1].output_json, R"({"out":1})");
  EXPECT_EQ((*tasks)[1].interrupted, 1);
  EXPECT_EQ(store_->Tasks("wf-2")->size(), 1u);
  EXPECT_TRUE(store_->Tasks("wf-")->empty());  // a prefix of an id is not that id

  auto events = store_->Events("wf-1");
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 4u);
  for (std::size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].seq, i + 1);
  EXPECT_TRUE(store_->Events("wf-1", std::numeric_limits<std::uint64_t>::max())->empty());
  auto tail = store_->Events("wf-1", 2);
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ(tail->front().seq, 3u);

  EXPECT_EQ(*store_->LastEventSeq("wf-1"), 4u);
  EXPECT_EQ(*store_->LastEventSeq("wf-2"), 3u);
  EXPECT_EQ(*store_->LastEventSeq("wf-"), 0u);
  EXPECT_EQ(*store_->LastEventSeq("wf-3"), 0u);  // after every stored key

  auto w = store_->Workflow("wf-2");
  ASSERT_TRUE(w && w->has_value());
  EXPECT_EQ((*w)->task_count, 1u);
  EXPECT_FALSE(store_->Workflow("wf-nope")->has_value());
  auto spec = store_->Spec("wf-2");
  ASSERT_TRUE(spec && spec->has_value());
  EXPECT_EQ((*spec)->spec_json, R"({"tasks":[]})");
  EXPECT_FALSE(store_->Spec("wf-nope")->has_value());
}

TEST_P(StoreTest, UnfinishedQueryAndErase) {
  ASSERT_TRUE(store_->CommitAndWait(Submitted("wf-1", 2)));
  StoreBatch done = Submitted("wf-2", 2);
  done.workflows[0].state = 3;  // completed
  ASSERT_TRUE(store_->CommitAndWait(done));
  EXPECT_EQ(store_->Workflows({})->size(), 2u);
  auto unfinished = store_->Workflows({.states = {0, 1, 2}});
  ASSERT_EQ(unfinished->size(), 1u);
  EXPECT_EQ(unfinished->front().id, "wf-1");

  StoreBatch erase;
  erase.erased.push_back("wf-2");
  ASSERT_TRUE(store_->CommitAndWait(erase));
  EXPECT_FALSE(store_->Workflow("wf-2")->has_value());
  EXPECT_FALSE(store_->Spec("wf-2")->has_value());
  EXPECT_TRUE(store_->Tasks("wf-2")->empty());
  EXPECT_TRUE(store_->Events("wf-2")->empty());
  EXPECT_EQ(store_->Tasks("wf-1")->size(), 2u);  // the neighbour is untouched
}

TEST_P(StoreTest, ConcurrentCommitsAllLandAndAreCounted) {
  constexpr int kThreads = 4;
  constexpr int kEach = 200;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        StoreBatch b;
        b.events.push_back(
            {"wf-" + std::to_string(t), static_cast<std::uint64_t>(i + 1), 0, 0, 1, 0, 0, ""});
        ok += store_->CommitAndWait(std::move(b)).has_value();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kEach);
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(store_->Events("wf-" + std::to_string(t))->size(), std::size_t{kEach});
  StoreStats stats = store_->Stats();
  EXPECT_EQ(stats.commits, std::uint64_t{kThreads * kEach});
  EXPECT_EQ(stats.records, std::uint64_t{kThreads * kEach});
  EXPECT_LE(stats.batches, stats.commits);
  EXPECT_EQ(stats.commit_latency.count(), stats.commits);
  EXPECT_EQ(stats.kind, GetParam());
}

TEST_P(StoreTest, TableMutationsAreWrittenWithTheRecordsAndReadBack) {
  StoreBatch b = Submitted("wf-1", 1);
  for (const char* k : {"a/1", "a/2", "b/1", "b/2"})
    b.mutations.push_back(TableMutation::Put("notes", k, k));
  b.mutations.push_back(TableMutation::Put("sagas.runs", "a/1", "saga"));
  b.mutations.push_back(TableMutation::Erase("notes", "a/2"));
  b.mutations.push_back(TableMutation::ErasePrefix("notes", "b/"));
  b.mutations.push_back(TableMutation::Put("notes", "b/3", "after the erase"));
  ASSERT_TRUE(store_->CommitAndWait(b));
  EXPECT_EQ(*store_->Scan("notes", ""),
            (std::vector<TableEntry>{{"a/1", "a/1"}, {"b/3", "after the erase"}}));
  EXPECT_EQ(**store_->Get("sagas.runs", "a/1"), "saga");
  EXPECT_FALSE(store_->Get("notes", "a/2")->has_value());
  auto page = store_->Scan("notes", "", "a/1", 1);
  ASSERT_TRUE(page);
  EXPECT_EQ(*page, (std::vector<TableEntry>{{"b/3", "after the erase"}}));

  // Erasing a whole table (a prefix with no end) in a group that also put into it: two
  // commits queued together, the second erasing what the first put.
  std::promise<Status> first, second;
  StoreBatch put;
  put.mutations = {TableMutation::Put("notes", "\xff\xff", "high"),
                   TableMutation::Put("notes", "c", "c")};
  StoreBatch wipe;
  wipe.mutations = {TableMutation::Put("notes", "d", "d"), TableMutation::ErasePrefix("notes", ""),
                    TableMutation::Put("notes", "z", "kept")};
  store_->Commit(std::move(put), [&](Status st) { first.set_value(std::move(st)); });
  store_->Commit(std::move(wipe), [&](Status st) { second.set_value(std::move(st)); });
  ASSERT_TRUE(first.get_future().get());
  ASSERT_TRUE(second.get_future().get());
  EXPECT_EQ(*store_->Scan("notes", ""), (std::vector<TableEntry>{{"z", "kept"}}));
  EXPECT_EQ(store_->Scan("sagas.runs", "")->size(), 1u);  // another table: untouched

  StoreBatch bad = Submitted("wf-2", 1);
  bad.mutations.push_back(TableMutation::Put("nope", "k", "v"));
  Status refused = store_->CommitAndWait(bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().message(), HasSubstr("\"nope\""));
  EXPECT_FALSE(store_->Workflow("wf-2")->has_value());
  EXPECT_FALSE(store_->Get("nope", "k"));
}

TEST_P(StoreTest, TheWorkflowIndexMatchesABruteForceReference) {
  testing::WorkflowModel model;
  testing::RandomWorkload random(GetParam() == "memory" ? 7 : 8);
  for (int round = 0; round < 60; ++round) {
    std::vector<std::future<Status>> pending;
    for (int n = 0; n < 3; ++n) {
      StoreBatch b = random.Batch(model);
      model.Apply(b);
      auto done = std::make_shared<std::promise<Status>>();
      pending.push_back(done->get_future());
      store_->Commit(std::move(b), [done](Status st) { done->set_value(std::move(st)); });
    }
    for (auto& p : pending) ASSERT_TRUE(p.get());
    ASSERT_EQ(*store_->CountWorkflowsByState(), model.Counts()) << "round " << round;
    for (int q = 0; q < 5; ++q) {
      const WorkflowQuery query = random.Query(model);
      auto got = store_->ListWorkflows(query);
      ASSERT_TRUE(got) << got.error().ToString();
      const WorkflowPage want = model.List(query);
      ASSERT_EQ(got->workflows, want.workflows) << "round " << round << " query " << q;
      ASSERT_EQ(got->total, want.total) << "round " << round << " query " << q;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreTest, ::testing::Values("memory", "rocksdb"),
                         [](const auto& p) { return p.param; });

TEST(GroupCommitTest, WhatQueuesDuringAWriteGoesOutAsOneGroup) {
  std::mutex mu;
  std::condition_variable cv;
  bool first_started = false, release = false;
  std::vector<std::size_t> groups;
  GroupCommitter committer(
      [&](const std::vector<const StoreBatch*>& group) -> Status {
        std::unique_lock lock(mu);
        groups.push_back(group.size());
        if (groups.size() == 1) {
          first_started = true;
          cv.notify_all();
          cv.wait(lock, [&] { return release; });
        }
        return OkStatus();
      },
      false, "test", true);
  int done = 0;
  auto count = [&](Status) {
    std::lock_guard lock(mu);
    ++done;
    cv.notify_all();
  };
  committer.Submit({}, count);
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return first_started; });
  }
  for (int i = 0; i < 100; ++i) committer.Submit({}, count);
  std::unique_lock lock(mu);
  release = true;
  cv.notify_all();
  cv.wait(lock, [&] { return done == 101; });
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], 1u);
  EXPECT_EQ(groups[1], 100u);  // everything that queued during the first write, at once
  EXPECT_EQ(committer.Stats().max_batch_commits, 100u);
}

TEST(GroupCommitTest, OneByOneModeAndFailuresReachEveryCaller) {
  int calls = 0;
  GroupCommitter committer(
      [&](const std::vector<const StoreBatch*>& group) -> Status {
        EXPECT_EQ(group.size(), 1u);
        if (++calls == 2) return MakeError(ErrorCode::kUnavailable, "disk full");
        return OkStatus();
      },
      true, "test", true);
  std::vector<std::promise<Status>> results(3);
  for (auto& r : results) committer.Submit({}, [&r](Status s) { r.set_value(std::move(s)); });
  EXPECT_TRUE(results[0].get_future().get());
  Status failed = results[1].get_future().get();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(results[2].get_future().get());
  EXPECT_EQ(committer.Stats().failed_batches, 1u);
}

TEST(RocksDbStoreTest, DataSurvivesReopeningAndSnapshotsOpenAsDataDirs) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  {
    auto s = OpenRocksDbStore({.path = path});
    ASSERT_TRUE(s) << s.error().ToString();
    ASSERT_TRUE((*s)->CommitAndWait(Submitted("wf-1", 2)));
    ASSERT_TRUE((*s)->Checkpoint(dir.path() + "/snap"));
    ASSERT_TRUE((*s)->CommitAndWait(Submitted("wf-2", 1)));  // after the snapshot
    auto again = (*s)->Checkpoint(dir.path() + "/snap");
    ASSERT_FALSE(again);  // the directory exists
  }
  auto reopened = OpenRocksDbStore({.path = path});
  ASSERT_TRUE(reopened) << reopened.error().ToString();
  EXPECT_EQ((*reopened)->Workflows({})->size(), 2u);
  EXPECT_EQ((*reopened)->Events("wf-1")->size(), 3u);
  auto snap = OpenRocksDbStore({.path = dir.path() + "/snap"});
  ASSERT_TRUE(snap) << snap.error().ToString();
  auto snapped = (*snap)->Workflows({});
  ASSERT_EQ(snapped->size(), 1u);
  EXPECT_EQ(snapped->front().id, "wf-1");
}

TEST(RocksDbStoreTest, AFullDiskFailsWritesUntilSpaceReturns) {
  TempDir dir;
  auto faults = std::make_shared<WriteFaults>();
  auto s = OpenRocksDbStore({.path = dir.path() + "/data", .faults = faults});
  ASSERT_TRUE(s) << s.error().ToString();
  Store& store = **s;
  ASSERT_TRUE(store.CommitAndWait(Submitted("wf-1", 1)));
  faults->no_space = true;
  Status full = store.CommitAndWait(Submitted("wf-2", 1));
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(full.error().message(), HasSubstr("no space"));
  Status still = store.CommitAndWait(Submitted("wf-3", 1));  // RocksDB cannot resume yet
  ASSERT_FALSE(still);
  EXPECT_EQ(still.error().code(), ErrorCode::kUnavailable);
  faults->no_space = false;
  Status back = store.CommitAndWait(Submitted("wf-4", 1));  // RocksDB reopened: its WAL replayed
  ASSERT_TRUE(back) << back.error().ToString();
  auto all = store.Workflows({});
  ASSERT_TRUE(all);
  std::vector<std::string> ids;
  for (const auto& w : *all) ids.push_back(w.id);
  EXPECT_THAT(ids, ::testing::ElementsAre("wf-1", "wf-4"));  // nothing of the failed writes
  EXPECT_EQ(store.Stats().failed_batches, 2u);
  // Nor in the index: the writer's counts did not take the failed writes either.
  EXPECT_EQ(*store.CountWorkflowsByState(), (std::map<std::uint8_t, std::uint64_t>{{2, 2}}));
  ASSERT_TRUE(store.CommitAndWait(Submitted("wf-5", 1)));
  EXPECT_EQ(store.ListWorkflows({.states = {2}})->total, 3u);
}

TEST(RocksDbStoreTest, ReadOnlyOpenReadsAStoreThatIsOpenElsewhere) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  auto writer = OpenRocksDbStore({.path = path});
  ASSERT_TRUE(writer) << writer.error().ToString();
  ASSERT_TRUE((*writer)->CommitAndWait(Submitted("wf-1", 2)));
  auto reader = OpenRocksDbStore({.path = path, .read_only = true});
  ASSERT_TRUE(reader) << reader.error().ToString();
  EXPECT_EQ((*reader)->Workflows({})->size(), 1u);
  EXPECT_EQ((*reader)->Tasks("wf-1")->size(), 2u);
  Status refused = (*reader)->CommitAndWait(Submitted("wf-2", 1));
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message(), HasSubstr("read-only"));
  auto missing = OpenRocksDbStore({.path = dir.path() + "/nope", .read_only = true});
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message(), HasSubstr(dir.path() + "/nope"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/nope"));  // inspecting creates nothing
}

TEST(RocksDbStoreTest, TablesAndTheIndexSurviveReopening) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  {
    auto s = OpenRocksDbStore({.path = path, .tables = TestTables()});
    ASSERT_TRUE(s) << s.error().ToString();
    StoreBatch b = Submitted("wf-1", 1);
    b.mutations.push_back(TableMutation::Put("notes", "k", "v"));
    ASSERT_TRUE((*s)->CommitAndWait(b));
    StoreBatch done = Submitted("wf-2", 1);
    done.workflows[0].state = 3;
    ASSERT_TRUE((*s)->CommitAndWait(done));
  }
  auto s = OpenRocksDbStore({.path = path, .tables = TestTables()});
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ((*s)->format_version(), kStoreFormatVersion);
  EXPECT_EQ(**(*s)->Get("notes", "k"), "v");
  EXPECT_EQ(*(*s)->CountWorkflowsByState(), (Counts{{2, 1}, {3, 1}}));
  // The writer's counts come back from the store too: the next change starts from them.
  StoreBatch finish = Submitted("wf-1", 1);
  finish.workflows[0].state = 3;
  ASSERT_TRUE((*s)->CommitAndWait(finish));
  EXPECT_EQ(*(*s)->CountWorkflowsByState(), (Counts{{3, 2}}));
  auto snap_dir = dir.path() + "/snap";
  ASSERT_TRUE((*s)->Checkpoint(snap_dir));
  auto snap = OpenRocksDbStore({.path = snap_dir, .read_only = true, .tables = TestTables()});
  ASSERT_TRUE(snap) << snap.error().ToString();
  EXPECT_EQ((*snap)->ListWorkflows({.states = {3}})->total, 2u);
  EXPECT_EQ(**(*snap)->Get("notes", "k"), "v");
}

// The writer remembers the index entries it wrote (RecentIndexEntries) instead of reading each
// workflow's record back before a put. Across more workflows than it keeps, several groups of
// transitions, puts of one workflow twice in a group, erases (as retention makes them, some
// put again at once), a failed write and a reopen, the index stays what a brute-force
// reference says.
TEST(RocksDbStoreTest, TheIndexStaysRightAcrossManyTransitionsErasesAFailedWriteAndReopens) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  auto faults = std::make_shared<WriteFaults>();
  auto open = [&] {
    return OpenRocksDbStore({.path = path, .sync = SyncMode::kNone, .faults = faults});
  };
  auto opened = open();
  ASSERT_TRUE(opened) << opened.error().ToString();
  std::unique_ptr<Store> store = std::move(*opened);
  testing::WorkflowModel model;
  std::mt19937_64 rng(13);
  // Commits `batches` at once, so that the writer takes them in a few groups; the model takes
  // each as it is queued (the store applies them in that order).
  auto commit_all = [&](std::vector<StoreBatch> batches) {
    std::vector<std::future<Status>> pending;
    for (auto& b : batches) {
      model.Apply(b);
      auto done = std::make_shared<std::promise<Status>>();
      pending.push_back(done->get_future());
      store->Commit(std::move(b), [done](Status st) { done->set_value(std::move(st)); });
    }
    for (auto& p : pending) ASSERT_TRUE(p.get());
  };
  auto check = [&](const std::string& when) {
    ASSERT_EQ(*store->CountWorkflowsByState(), model.Counts()) << when;
    for (std::uint8_t state = 0; state <= 5; ++state) {
      auto got = store->ListWorkflows({.states = {state}});
      ASSERT_TRUE(got) << when << ": " << got.error().ToString();
      const WorkflowPage want = model.List({.states = {state}});
      ASSERT_EQ(got->total, want.total) << when << ", state " << int{state};
      ASSERT_EQ(got->workflows, want.workflows) << when << ", state " << int{state};
    }
  };
  // Every live workflow moves to `state` (some renamed), in random order, a few per batch and
  // 200 batches per wave; about one batch in eight puts its first workflow twice.
  auto transition = [&](std::uint8_t state) {
    std::vector<WorkflowRecord> live;
    for (const auto& [id, w] : model.records()) live.push_back(w);
    std::shuffle(live.begin(), live.end(), rng);
    std::vector<StoreBatch> wave;
    for (std::size_t i = 0; i < live.size();) {
      StoreBatch b;
      for (std::size_t n = 1 + rng() % 4; n > 0 && i < live.size(); --n, ++i) {
        WorkflowRecord w = live[i];
        w.state = state;
        if (rng() % 10 == 0) w.name = "renamed";
        b.workflows.push_back(w);
      }
      if (rng() % 8 == 0) {
        WorkflowRecord again = b.workflows.front();
        again.state = static_cast<std::uint8_t>(state + 1);
        b.workflows.push_back(again);
      }
      wave.push_back(std::move(b));
      if (wave.size() == 200) commit_all(std::exchange(wave, {}));
    }
    commit_all(std::move(wave));
  };

  // More workflows than the writer keeps (about 2 × its bound), submitted as the engine does.
  const int total = 3 * static_cast<int>(internal::RecentIndexEntries::kDefaultBound);
  std::vector<StoreBatch> submits;
  for (int i = 0; i < total; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "wf-%06d", i);
    StoreBatch b = Submitted(id, 0);
    b.workflows[0].state = 0;
    submits.push_back(std::move(b));
    if (submits.size() == 200) commit_all(std::exchange(submits, {}));
  }
  commit_all(std::move(submits));
  check("after the submits");
  transition(1);
  transition(2);
  check("after two waves");

  // Retention: a quarter of them erased, one in ten of those put back in the same batch.
  std::vector<StoreBatch> erases;
  for (const auto& [id, w] : model.records()) {
    if (rng() % 4 != 0) continue;
    StoreBatch b;
    b.erased.push_back(id);
    if (rng() % 10 == 0) b.workflows.push_back(w);
    erases.push_back(std::move(b));
  }
  commit_all(std::move(erases));
  check("after the erases");

  // A failed write: none of it is in the store, so the writer must not remember it either.
  std::vector<std::string> moved;
  StoreBatch failing;
  for (const auto& [id, w] : model.records()) {
    if (moved.size() == 50) break;
    moved.push_back(id);
    failing.workflows.push_back(w);
    failing.workflows.back().state = 4;
  }
  faults->no_space = true;
  ASSERT_FALSE(store->CommitAndWait(std::move(failing)));
  faults->no_space = false;
  StoreBatch after_failure;
  for (const auto& id : moved) {
    WorkflowRecord w = model.records().at(id);
    w.state = 5;
    after_failure.workflows.push_back(w);
  }
  commit_all({std::move(after_failure)});
  check("after a failed write");

  // Reopened: the writer starts with nothing remembered.
  store.reset();
  opened = open();
  ASSERT_TRUE(opened) << opened.error().ToString();
  store = std::move(*opened);
  check("after reopening");
  transition(3);
  check("after a wave after reopening");
}

}  // namespace
}  // namespace goclaw::store
