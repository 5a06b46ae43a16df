// What the RocksDB store refuses and what it upgrades (integration: RocksDB in a temp dir, its
// files edited with RocksDB itself as another goclaw would have left them): a newer format or
// table version, an unknown column family, corrupt or damaged directories (no CURRENT, a
// MANIFEST that lost a family), recovery below the durable watermark; a table not registered
// at this open is kept; a store of format 1 gets its workflow index built once (read-only: in
// memory), and the directory the format-1 release wrote (tests/data/stores) opens and lists.
#include <filesystem>
#include <fstream>
#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <stdlib.h>

#include "goclaw/store/encoding.h"
#include "goclaw/store/store.h"
#include "goclaw/store/store_test_helpers.h"

namespace goclaw::store {
namespace {

using ::testing::HasSubstr;

// Edits a closed store with RocksDB itself, as a newer (or older) goclaw would have left it.
// Handles in `names` order: meta is 7, workflow_index 8.
using RawEdit = std::function<void(rocksdb::DB*, std::vector<rocksdb::ColumnFamilyHandle*>&)>;
void WithRawDb(const std::string& path, const RawEdit& fn,
               std::vector<std::string> names = {"default", "workflows", "specs", "tasks", "events",
                                                 "sagas", "memory", "meta", "workflow_index"}) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions());
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

TEST(RocksDbStoreTest, ATableVersionNewerThanTheCodeIsRefused) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  auto with = [&](int version) {
    return OpenRocksDbStore(
        {.path = path, .tables = {{.name = "notes", .format_version = version}}});
  };
  { ASSERT_TRUE(with(2)); }
  auto older_code = with(1);
  ASSERT_FALSE(older_code);
  EXPECT_EQ(older_code.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(
      older_code.error().message(),
      HasSubstr("has table \"notes\" in format version 2, written by a newer goclaw; this one "
                "reads version 1"));
  EXPECT_THAT(older_code.error().message(), HasSubstr(path));
  // Read-only too: reading values of a newer format is no safer.
  EXPECT_FALSE(OpenRocksDbStore({.path = path, .read_only = true, .tables = {{.name = "notes"}}}));
  { ASSERT_TRUE(with(3)); }  // a newer module raises the version
  auto now_older = with(2);
  ASSERT_FALSE(now_older);
  EXPECT_THAT(now_older.error().message(), HasSubstr("format version 3"));
  // The table may not move to another family (its data would be left behind).
  auto moved = OpenRocksDbStore(
      {.path = path, .tables = {{.name = "notes", .column_family = "sagas", .format_version = 3}}});
  ASSERT_FALSE(moved);
  EXPECT_THAT(moved.error().message(),
              HasSubstr("keeps table \"notes\" in column family \"notes\""));
}

TEST(RocksDbStoreTest, ATableNotRegisteredAtThisOpenIsKeptAsItIs) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  {
    auto s = OpenRocksDbStore({.path = path, .tables = {{.name = "notes"}}});
    ASSERT_TRUE(s);
    StoreBatch b;
    b.mutations.push_back(TableMutation::Put("notes", "k", "v"));
    ASSERT_TRUE((*s)->CommitAndWait(b));
  }
  {
    // The module is off this time: its family (recorded in meta) opens, untouched.
    auto s = OpenRocksDbStore({.path = path});
    ASSERT_TRUE(s) << s.error().ToString();
    ASSERT_TRUE((*s)->CommitAndWait(Submitted("wf-1", 1)));
    EXPECT_FALSE((*s)->Get("notes", "k"));  // not registered now
  }
  auto read_only = OpenRocksDbStore({.path = path, .read_only = true});
  ASSERT_TRUE(read_only) << read_only.error().ToString();
  auto s = OpenRocksDbStore({.path = path, .tables = {{.name = "notes"}}});
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(**(*s)->Get("notes", "k"), "v");
}

// Makes `path` what the format-1 release left: no workflow_index family, format_version 1.
void DowngradeToFormat1(const std::string& path) {
  WithRawDb(path, [](rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*>& h) {
    ASSERT_TRUE(db->DropColumnFamily(h[8]).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), h[7], "format_version", "1").ok());
  });
}

TEST(RocksDbStoreTest, AFormat1StoreGetsItsIndexBuiltOnceAtTheFirstOpenForWriting) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  {
    auto s = OpenRocksDbStore({.path = path});
    ASSERT_TRUE(s);
    for (int i = 0; i < 30; ++i) {
      StoreBatch b = Submitted("wf-" + std::to_string(100 + i), 1);
      b.workflows[0].state = static_cast<std::uint8_t>(i % 3 == 0 ? 2 : 3);
      ASSERT_TRUE((*s)->CommitAndWait(b));
    }
  }
  DowngradeToFormat1(path);
  const Counts want{{2, 10}, {3, 20}};
  {
    // Read-only: nothing may be written, so the index is built in memory.
    auto s = OpenRocksDbStore({.path = path, .read_only = true});
    ASSERT_TRUE(s) << s.error().ToString();
    EXPECT_EQ((*s)->format_version(), 1);
    EXPECT_EQ(*(*s)->CountWorkflowsByState(), want);
    auto running = (*s)->ListWorkflows({.states = {2}, .limit = 2});
    ASSERT_TRUE(running) << running.error().ToString();
    EXPECT_EQ(running->total, 10u);
    ASSERT_EQ(running->workflows.size(), 2u);
    EXPECT_EQ(running->workflows[1].id, "wf-103");
  }
  {
    auto s = OpenRocksDbStore({.path = path});
    ASSERT_TRUE(s) << s.error().ToString();
    EXPECT_EQ((*s)->format_version(), 2);
    EXPECT_EQ(*(*s)->CountWorkflowsByState(), want);
    EXPECT_EQ((*s)->ListWorkflows({.states = {2}, .after_id = "wf-103"})->workflows.front().id,
              "wf-106");
  }
  // Built once: the next open trusts what is there (a planted entry shows it was not rebuilt).
  WithRawDb(path, [](rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*>& h) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), h[8], "n\x09", EncodeCount(1)).ok());
  });
  auto again = OpenRocksDbStore({.path = path});
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ((*again)->CountWorkflowsByState()->count(9), 1u);
}

// A build cut short leaves format 1 and a partial index: the next open starts it over.
TEST(RocksDbStoreTest, AnIndexBuildCutShortStartsOver) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  {
    auto s = OpenRocksDbStore({.path = path});
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->CommitAndWait(Submitted("wf-1", 1)));
  }
  WithRawDb(path, [](rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*>& h) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), h[7], "format_version", "1").ok());
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), h[8], StateIndexKey(4, "wf-gone"), EncodeIndexValue({}))
            .ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), h[8], StateCountKey(4), EncodeCount(7)).ok());
  });
  auto s = OpenRocksDbStore({.path = path});
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(*(*s)->CountWorkflowsByState(), (Counts{{2, 1}}));
  EXPECT_EQ((*s)->ListWorkflows({.states = {4}})->total, 0u);
}

TEST(RocksDbStoreTest, AFormat2StoreWithoutItsIndexFamilyIsRefusedAsDamaged) {
  TempDir dir;
  const std::string path = dir.path() + "/data";
  { ASSERT_TRUE(OpenRocksDbStore({.path = path})); }
  WithRawDb(path, [](rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*>& h) {
    ASSERT_TRUE(db->DropColumnFamily(h[8]).ok());
  });
  for (bool read_only : {false, true}) {
    auto refused = OpenRocksDbStore({.path = path, .read_only = read_only});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_THAT(refused.error().message(),
                HasSubstr("does not list the column families workflow_index"));
  }
  // Likewise a registered table's family that meta records.
  TempDir dir2;
  const std::string path2 = dir2.path() + "/data";
  { ASSERT_TRUE(OpenRocksDbStore({.path = path2, .tables = {{.name = "notes"}}})); }
  WithRawDb(path2,
            [](rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*>& h) {
              ASSERT_TRUE(db->DropColumnFamily(h[9]).ok());
            },
            {"default", "workflows", "specs", "tasks", "events", "sagas", "memory", "meta",
             "workflow_index", "notes"});
  auto lost = OpenRocksDbStore({.path = path2, .tables = {{.name = "notes"}}});
  ASSERT_FALSE(lost);
  EXPECT_THAT(lost.error().message(), HasSubstr("column families notes"));
}

// The compatibility promise: a data directory that the format-1 release wrote (see
// tests/data/stores/README.md) opens, reads back, and lists by state through its index.
TEST(RocksDbStoreTest, AStoreWrittenByTheFormat1ReleaseOpensAndListsThroughItsBuiltIndex) {
#if defined(__SANITIZE_THREAD__)
  // Opening a store with a durable watermark opens RocksDB read-only, closes it and opens it
  // again; TSan then reports a race inside uninstrumented RocksDB (its cache-role registry's
  // mutex, allocated by one of its own threads) that no suppression reaches. The Release and
  // ASan runs cover this test.
  GTEST_SKIP() << "a false report inside RocksDB under ThreadSanitizer";
#endif
  TempDir dir;
  const std::string fixture =
      std::string(GOCLAW_SOURCE_DIR) + "/tests/data/stores/v1_release.tar.gz";
  ASSERT_EQ(std::system(("tar -xzf '" + fixture + "' -C '" + dir.path() + "'").c_str()), 0)
      << fixture;
  const std::string path = dir.path() + "/data";
  const std::string ok = "wf-01a23567-24ef-7000-8c15-4dd46d3730ba";
  const std::string failed = "wf-01a23567-2517-7000-82be-6780ec5d56c6";
  const std::string running = "wf-01a23567-2527-7000-b833-24eea281b808";
  const std::string cancelled = "wf-01a23567-2536-7000-ba5d-cfde33cab59a";
  const Counts by_state{{2, 1}, {3, 1}, {4, 1}, {5, 1}};  // running, completed, failed, cancelled
  {
    auto s = OpenRocksDbStore({.path = path, .read_only = true});
    ASSERT_TRUE(s) << s.error().ToString();
    EXPECT_EQ((*s)->format_version(), 1);
    EXPECT_EQ(*(*s)->CountWorkflowsByState(), by_state);
  }
  auto opened = OpenRocksDbStore({.path = path});
  ASSERT_TRUE(opened) << opened.error().ToString();
  Store& store = **opened;
  EXPECT_EQ(store.format_version(), 2);
  EXPECT_EQ(*store.CountWorkflowsByState(), by_state);
  auto all = store.ListWorkflows({});
  ASSERT_TRUE(all) << all.error().ToString();
  std::vector<std::string> ids;
  for (const auto& w : all->workflows) ids.push_back(w.id);
  EXPECT_THAT(ids, ::testing::ElementsAre(ok, failed, running, cancelled));
  EXPECT_EQ(all->total, 4u);
  auto unfinished = store.ListWorkflows({.states = {0, 1, 2}});
  ASSERT_EQ(unfinished->workflows.size(), 1u);
  EXPECT_EQ(unfinished->workflows[0].id, running);
  EXPECT_EQ(unfinished->workflows[0].name, "fixture-long");
  auto finished = store.ListWorkflows({.states = {4, 5}, .name = "fixture-long"});
  ASSERT_EQ(finished->workflows.size(), 1u);
  EXPECT_EQ(finished->workflows[0].id, cancelled);

  auto w = store.Workflow(failed);
  ASSERT_TRUE(w && w->has_value());
  EXPECT_EQ((*w)->name, "fixture-fail");
  EXPECT_EQ((*w)->state, 4);
  EXPECT_EQ((*w)->task_count, 2u);
  EXPECT_GT((*w)->finished_at_us, (*w)->created_at_us);
  auto spec = store.Spec(ok);
  ASSERT_TRUE(spec && spec->has_value());
  EXPECT_THAT((*spec)->spec_json, HasSubstr("\"fixture-ok\""));
  EXPECT_EQ((*spec)->input_json, R"({"name":"fixture"})");
  auto tasks = store.Tasks(ok);
  ASSERT_TRUE(tasks);
  ASSERT_EQ(tasks->size(), 2u);
  EXPECT_EQ((*tasks)[0].state, 5);  // completed
  EXPECT_THAT((*tasks)[0].output_json, HasSubstr("hello, fixture"));
  auto failed_tasks = store.Tasks(failed);
  ASSERT_EQ(failed_tasks->size(), 2u);
  EXPECT_EQ((*failed_tasks)[0].state, 6);  // failed
  EXPECT_THAT((*failed_tasks)[0].error, HasSubstr("it broke"));
  EXPECT_EQ((*failed_tasks)[1].state, 7);  // skipped
  auto events = store.Events(ok);
  ASSERT_TRUE(events);
  ASSERT_GE(events->size(), 8u);
  for (std::size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].seq, i + 1);
  EXPECT_EQ(events->back().task, EventRecord::kWorkflow);
  EXPECT_EQ(events->back().to, 3);  // completed
  EXPECT_EQ(*store.LastEventSeq(ok), events->size());

  // And it keeps working as a format-2 store.
  StoreBatch finish;
  finish.workflows.push_back(**store.Workflow(running));
  finish.workflows[0].state = 5;
  ASSERT_TRUE(store.CommitAndWait(finish));
  EXPECT_EQ(*store.CountWorkflowsByState(), (Counts{{3, 1}, {4, 1}, {5, 2}}));
}

}  // namespace
}  // namespace goclaw::store
