// Both stores behave the same (one suite, run against memory and RocksDB in a temp dir), the
// writer groups commits, and the RocksDB store's own promises: data survives reopening, a
// snapshot opens as a data dir, a newer format or a corrupt directory is refused clearly.
#include "goclaw/store/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <thread>

#include <rocksdb/db.h>

#include "goclaw/core/test_temp_dir.h"
#include "goclaw/store/group_commit.h"

namespace goclaw::store {
namespace {

using ::testing::HasSubstr;

// A temp dir per test: goclaw-store-XXXXXX.
struct TempDir : testing::ScratchDir {
  TempDir() : ScratchDir("goclaw-store") {}
};

StoreBatch Submitted(const std::string& id, int tasks) {
  StoreBatch b;
  b.workflows.push_back({id, "w", 2, 100, 200, 0, "", static_cast<std::uint32_t>(tasks)});
  b.specs.push_back({id, R"({"tasks":[]})", "{}"});
  for (int i = 0; i < tasks; ++i) b.tasks.push_back({id, static_cast<std::uint32_t>(i), 0, 0, 0, 0, "", "", 0});
  for (std::uint64_t seq = 1; seq <= 3; ++seq) b.events.push_back({id, seq, EventRecord::kWorkflow, 0, 1, 0, 100, ""});
  return b;
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  StoreTest() {
    if (GetParam() == "memory") {
      store_ = NewMemoryStore();
    } else {
      auto s = OpenRocksDbStore({.path = dir_.path() + "/data", .sync = SyncMode::kBatch});
      EXPECT_TRUE(s) << s.error().ToString();
      store_ = std::move(*s);
    }
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
        b.events.push_back({"wf-" + std::to_string(t), static_cast<std::uint64_t>(i + 1), 0, 0, 1, 0, 0, ""});
        ok += store_->CommitAndWait(std::move(b)).has_value();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kEach);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(store_->Events("wf-" + std::to_string(t))->size(), std::size_t{kEach});
  StoreStats stats = store_->Stats();
  EXPECT_EQ(stats.commits, std::uint64_t{kThreads * kEach});
  EXPECT_EQ(stats.records, std::uint64_t{kThreads * kEach});
  EXPECT_LE(stats.batches, stats.commits);
  EXPECT_EQ(stats.commit_latency.count(), stats.commits);
  EXPECT_EQ(stats.kind, GetParam());
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

// Edits a closed store with RocksDB itself, as a newer goclaw would have left it.
void WithRawDb(const std::string& path, const std::function<void(rocksdb::DB*, std::vector<rocksdb::ColumnFamilyHandle*>&)>& fn) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const char* name : {"default", "workflows", "specs", "tasks", "events", "sagas", "memory", "meta", "workflow_index"}) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, families, &handles, &db).ok());
  fn(db, handles);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

TEST(RocksDbStoreTest, ANewerFormatOrUnknownFamilyIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  { ASSERT_TRUE(OpenRocksDbStore({.path = path})); }
  WithRawDb(path, [](rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*>& h) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), h[7], "format_version", "3").ok());
  });
  auto newer = OpenRocksDbStore({.path = path});
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(newer.error().message(), HasSubstr("format version 3, written by a newer goclaw"));

  WithRawDb(path, [](rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*>& h) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), h[7], "format_version", "2").ok());
    rocksdb::ColumnFamilyHandle* extra = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "future", &extra).ok());
    db->DestroyColumnFamilyHandle(extra);
  });
  auto unknown = OpenRocksDbStore({.path = path});
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message(), HasSubstr("column family \"future\""));
}

TEST(RocksDbStoreTest, CorruptOrUnusableDirectoriesFailClearly) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  { ASSERT_TRUE(OpenRocksDbStore({.path = path})); }
  // A damaged CURRENT file (RocksDB's pointer to the manifest).
  std::ofstream(path + "/CURRENT", std::ios::trunc) << "MANIFEST-999999\n";
  auto corrupt = OpenRocksDbStore({.path = path});
  ASSERT_FALSE(corrupt);
  EXPECT_THAT(corrupt.error().message(), HasSubstr("cannot open the store at " + path));
  EXPECT_THAT(corrupt.error().message(), HasSubstr("MANIFEST-999999"));
  // A file where the directory should be.
  std::ofstream(dir.path() + "/file") << "x";
  auto not_dir = OpenRocksDbStore({.path = dir.path() + "/file"});
  ASSERT_FALSE(not_dir);
  EXPECT_THAT(not_dir.error().message(), HasSubstr(dir.path() + "/file"));
}

// Issue 12: RocksDB with create_if_missing starts over in a directory whose CURRENT is gone
// (and deletes the old tables). The store refuses such a directory instead.
TEST(RocksDbStoreTest, ADirectoryMissingOnlyCurrentIsRefusedNotReset) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  {
    auto s = OpenRocksDbStore({.path = path});
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->CommitAndWait(Submitted("wf-1", 1)));
  }
  ASSERT_TRUE(std::filesystem::remove(path + "/CURRENT"));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(path)) ++files;
  for (bool read_only : {false, true}) {
    auto refused = OpenRocksDbStore({.path = path, .read_only = read_only});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_THAT(refused.error().message(), HasSubstr("no CURRENT file"));
    EXPECT_THAT(refused.error().message(), HasSubstr("MANIFEST-"));
  }
  std::size_t after = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(path)) ++after;
  EXPECT_EQ(after, files);  // nothing created, nothing deleted
  EXPECT_FALSE(std::filesystem::exists(path + "/CURRENT"));
  // An empty directory is a new store.
  std::filesystem::create_directories(dir.path() + "/empty");
  EXPECT_TRUE(OpenRocksDbStore({.path = dir.path() + "/empty"}));
}

// The durable watermark: a store that recovers to less than what was durable is refused until
// the operator accepts the loss by removing the watermark.
TEST(RocksDbStoreTest, RecoveryBelowTheDurableWatermarkIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  {
    auto s = OpenRocksDbStore({.path = path});
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->CommitAndWait(Submitted("wf-1", 1)));  // the first write sets the watermark
  }
  ASSERT_TRUE(std::filesystem::exists(path + "/GOCLAW-DURABLE"));
  { ASSERT_TRUE(OpenRocksDbStore({.path = path})); }  // recovering everything: fine
  // As if a damaged WAL had lost writes up to a later sequence.
  std::ofstream(path + "/GOCLAW-DURABLE", std::ios::trunc) << "goclaw durable sequence 1000000\n";
  auto refused = OpenRocksDbStore({.path = path});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(refused.error().message(), HasSubstr("lost acknowledged writes"));
  EXPECT_THAT(refused.error().message(), HasSubstr("sequence 1000000"));
  EXPECT_THAT(refused.error().message(), HasSubstr(path + "/GOCLAW-DURABLE"));
  ASSERT_TRUE(std::filesystem::remove(path + "/GOCLAW-DURABLE"));
  auto accepted = OpenRocksDbStore({.path = path});
  ASSERT_TRUE(accepted) << accepted.error().ToString();
  EXPECT_EQ((*accepted)->Workflows({})->size(), 1u);
}

}  // namespace
}  // namespace goclaw::store
