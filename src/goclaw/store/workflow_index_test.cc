// Unit tests of the store's extensions on the memory store and the shared query code: the
// workflow index (state changes, erases, cursors, totals, filters; against a brute-force
// reference under random traffic), which path a listing takes, and registered tables
// (registration checks, mutations, reads, an unregistered table), and the writer's memory of
// the index entries it wrote. The RocksDB side of the same is in store_test.cc (integration).
#include "goclaw/store/workflow_index.h"

#include <future>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/store/tables.h"
#include "goclaw/store/test_workflow_model.h"

namespace goclaw::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

WorkflowRecord Wf(const std::string& id, std::uint8_t state, std::int64_t created = 0,
                  std::string name = "w") {
  return {id, std::move(name), state, created, 0, 0, "", 1};
}

StoreBatch Puts(std::vector<WorkflowRecord> workflows) {
  StoreBatch b;
  b.workflows = std::move(workflows);
  return b;
}

std::vector<std::string> Ids(const WorkflowPage& page) {
  std::vector<std::string> ids;
  for (const auto& w : page.workflows) ids.push_back(w.id);
  return ids;
}

std::unique_ptr<Store> Memory(std::vector<TableSpec> tables = {}) {
  auto s = OpenMemoryStore({.tables = std::move(tables)});
  EXPECT_TRUE(s) << s.error().ToString();
  return std::move(*s);
}

using Counts = std::map<std::uint8_t, std::uint64_t>;

TEST(WorkflowIndexTest, StateChangesMoveAWorkflowBetweenStatesAndTheCounts) {
  auto store = Memory();
  ASSERT_TRUE(store->CommitAndWait(Puts({Wf("wf-1", 0), Wf("wf-2", 0)})));
  EXPECT_EQ(*store->CountWorkflowsByState(), (Counts{{0, 2}}));
  ASSERT_TRUE(store->CommitAndWait(Puts({Wf("wf-1", 2)})));
  EXPECT_EQ(*store->CountWorkflowsByState(), (Counts{{0, 1}, {2, 1}}));
  EXPECT_THAT(Ids(*store->ListWorkflows({.states = {0}})), ElementsAre("wf-2"));
  EXPECT_THAT(Ids(*store->ListWorkflows({.states = {2}})), ElementsAre("wf-1"));
  // Two puts of one workflow in one batch: the last one counts, once.
  ASSERT_TRUE(store->CommitAndWait(Puts({Wf("wf-1", 4), Wf("wf-1", 3)})));
  EXPECT_EQ(*store->CountWorkflowsByState(), (Counts{{0, 1}, {3, 1}}));
  // A put that changes nothing the index holds leaves it alone.
  WorkflowRecord same = Wf("wf-1", 3);
  same.error = "only the error changed";
  ASSERT_TRUE(store->CommitAndWait(Puts({same})));
  EXPECT_EQ(*store->CountWorkflowsByState(), (Counts{{0, 1}, {3, 1}}));
  EXPECT_EQ(store->ListWorkflows({.states = {3}})->workflows.at(0).error, "only the error changed");

  StoreBatch erase;
  erase.erased = {"wf-2", "wf-missing"};
  ASSERT_TRUE(store->CommitAndWait(erase));
  EXPECT_EQ(*store->CountWorkflowsByState(), (Counts{{3, 1}}));
  auto pending = store->ListWorkflows({.states = {0}});
  EXPECT_THAT(pending->workflows, IsEmpty());
  EXPECT_EQ(pending->total, 0u);
  // Erased and put again in one batch: erases go first, so it stays.
  StoreBatch again = Puts({Wf("wf-1", 1)});
  again.erased = {"wf-1"};
  ASSERT_TRUE(store->CommitAndWait(again));
  EXPECT_EQ(*store->CountWorkflowsByState(), (Counts{{1, 1}}));
  EXPECT_TRUE(store->Tasks("wf-1")->empty());
}

TEST(WorkflowIndexTest, PagesWithACursorAndCountsTheTotalBeforePaging) {
  auto store = Memory();
  std::vector<WorkflowRecord> all;
  for (int i = 0; i < 25; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "wf-%02d", i);
    all.push_back(Wf(id, i % 5 == 0 ? 2 : 3, i));
  }
  ASSERT_TRUE(store->CommitAndWait(Puts(all)));
  // Running (rare: through the index), page by page with the cursor.
  std::vector<std::string> seen;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = store->ListWorkflows({.states = {2}, .after_id = cursor, .limit = 2});
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, 5u);  // the cursor does not change it
    if (page->workflows.empty()) break;
    for (const auto& w : page->workflows) seen.push_back(w.id);
    cursor = page->workflows.back().id;
  }
  EXPECT_THAT(seen, ElementsAre("wf-00", "wf-05", "wf-10", "wf-15", "wf-20"));
  // Completed (common: through the records), with an offset after the cursor.
  auto done = store->ListWorkflows({.states = {3}, .after_id = "wf-05", .offset = 2, .limit = 3});
  EXPECT_THAT(Ids(*done), ElementsAre("wf-08", "wf-09", "wf-11"));
  EXPECT_EQ(done->total, 20u);
  // Two states merge in id order; no states means all of them.
  auto both = store->ListWorkflows({.states = {3, 2}, .limit = 6});
  EXPECT_THAT(Ids(*both), ElementsAre("wf-00", "wf-01", "wf-02", "wf-03", "wf-04", "wf-05"));
  EXPECT_EQ(both->total, 25u);
  EXPECT_EQ(store->ListWorkflows({})->workflows.size(), 25u);
  EXPECT_EQ(store->ListWorkflows({.states = {2}, .after_id = "wf-20"})->workflows.size(), 0u);
  auto none = store->ListWorkflows({.states = {7}});
  EXPECT_EQ(none->total, 0u);
  EXPECT_THAT(none->workflows, IsEmpty());
}

TEST(WorkflowIndexTest, NewestFirstPagesBackwardsWithTheSameCursorsAndTotals) {
  auto store = Memory();
  std::vector<WorkflowRecord> all;
  for (int i = 0; i < 25; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "wf-%02d", i);
    all.push_back(Wf(id, i % 5 == 0 ? 2 : 3, i, i % 2 == 0 ? "even" : "odd"));
  }
  ASSERT_TRUE(store->CommitAndWait(Puts(all)));
  // Running (rare: through the index), newest first, page by page with the cursor.
  std::vector<std::string> seen;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    auto page =
        store->ListWorkflows({.states = {2}, .after_id = cursor, .limit = 2, .newest_first = true});
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, 5u);
    if (page->workflows.empty()) break;
    for (const auto& w : page->workflows) seen.push_back(w.id);
    cursor = page->workflows.back().id;
  }
  EXPECT_THAT(seen, ElementsAre("wf-20", "wf-15", "wf-10", "wf-05", "wf-00"));
  // Completed (common: through the records), an offset after a cursor between two ids.
  auto done = store->ListWorkflows(
      {.states = {3}, .after_id = "wf-095", .offset = 1, .limit = 3, .newest_first = true});
  EXPECT_THAT(Ids(*done), ElementsAre("wf-08", "wf-07", "wf-06"));
  EXPECT_EQ(done->total, 20u);
  // Two states through the index, merged backwards (wf-24 and wf-00 are the ends).
  ASSERT_TRUE(store->CommitAndWait(Puts({Wf("wf-24", 4, 24, "even"), Wf("wf-03", 4, 3, "odd")})));
  auto merged = store->ListWorkflows({.states = {4, 2}, .newest_first = true});
  EXPECT_THAT(Ids(*merged), ElementsAre("wf-24", "wf-20", "wf-15", "wf-10", "wf-05", "wf-03", "wf-00"));
  // A filter's total counts the matches before the cursor too.
  auto named = store->ListWorkflows({.name = "odd", .after_id = "wf-21", .limit = 2, .newest_first = true});
  EXPECT_THAT(Ids(*named), ElementsAre("wf-19", "wf-17"));
  EXPECT_EQ(named->total, 12u);
  // The newest is the first of everything; nothing is listed after the oldest.
  EXPECT_EQ(store->ListWorkflows({.limit = 1, .newest_first = true})->workflows.at(0).id, "wf-24");
  EXPECT_THAT(store->ListWorkflows({.after_id = "wf-00", .newest_first = true})->workflows, IsEmpty());
}

TEST(WorkflowIndexTest, NameAndCreationTimeFiltersAndTheirTotals) {
  auto store = Memory();
  ASSERT_TRUE(store->CommitAndWait(
      Puts({Wf("wf-1", 2, 100, "a"), Wf("wf-2", 2, 200, "b"), Wf("wf-3", 2, 300, "a"),
            Wf("wf-4", 3, 400, "a"), Wf("wf-5", 2, 500, "a")})));
  // created_after is inclusive, created_before exclusive.
  auto window = store->ListWorkflows({.created_after_us = 200, .created_before_us = 400});
  EXPECT_THAT(Ids(*window), ElementsAre("wf-2", "wf-3"));
  EXPECT_EQ(window->total, 2u);
  auto named = store->ListWorkflows({.states = {2}, .name = "a", .after_id = "wf-1", .limit = 1});
  EXPECT_THAT(Ids(*named), ElementsAre("wf-3"));
  EXPECT_EQ(named->total, 3u);  // wf-1 (before the cursor), wf-3, wf-5
}

// Property: every listing equals what filtering every record by brute force gives, through
// state changes, repeated puts, erases and concurrent commits that the writer groups.
TEST(WorkflowIndexTest, MatchesABruteForceReferenceUnderRandomTraffic) {
  auto store = Memory();
  testing::WorkflowModel model;
  testing::RandomWorkload random(20261202);
  for (int round = 0; round < 150; ++round) {
    std::vector<std::future<Status>> pending;
    for (int n = 0; n < 3; ++n) {  // committed together: usually one group
      StoreBatch b = random.Batch(model);
      model.Apply(b);
      auto done = std::make_shared<std::promise<Status>>();
      pending.push_back(done->get_future());
      store->Commit(std::move(b), [done](Status s) { done->set_value(std::move(s)); });
    }
    for (auto& p : pending) ASSERT_TRUE(p.get());
    ASSERT_EQ(*store->CountWorkflowsByState(), model.Counts()) << "round " << round;
    for (int q = 0; q < 8; ++q) {
      const WorkflowQuery query = random.Query(model);
      auto got = store->ListWorkflows(query);
      ASSERT_TRUE(got) << got.error().ToString();
      const WorkflowPage want = model.List(query);
      ASSERT_EQ(Ids(*got), Ids(want)) << "round " << round << " query " << q;
      ASSERT_EQ(got->workflows, want.workflows);
      ASSERT_EQ(got->total, want.total) << "round " << round << " query " << q;
    }
  }
  EXPECT_GT(model.records().size(), 100u);
}

// A view over a MemoryIndex and a map of records that counts what the query reads.
class CountingView final : public internal::WorkflowView {
 public:
  void Put(const WorkflowRecord& w) {
    const IndexEntry after = IndexEntryOf(w);
    auto it = records_.find(w.id);
    if (it == records_.end()) {
      index_.Apply(nullptr, &after);
    } else {
      const IndexEntry before = IndexEntryOf(it->second);
      index_.Apply(&before, &after);
    }
    records_[w.id] = w;
  }
  std::map<std::string, WorkflowRecord, std::less<>>& records() { return records_; }

  std::unique_ptr<internal::KeyCursor> Index() override { return index_.Cursor(); }
  std::unique_ptr<internal::RecordCursor> Records() override {
    ++record_scans;
    return internal::MapRecordCursor(records_);
  }
  Result<std::optional<WorkflowRecord>> Record(const std::string& id) override {
    ++lookups;
    auto it = records_.find(id);
    if (it == records_.end()) return std::optional<WorkflowRecord>();
    return std::optional<WorkflowRecord>(it->second);
  }

  int record_scans = 0;
  int lookups = 0;

 private:
  internal::MemoryIndex index_;
  std::map<std::string, WorkflowRecord, std::less<>> records_;
};

TEST(WorkflowIndexTest, RareStatesAreListedThroughTheIndexAndTotalsComeFromCounts) {
  CountingView view;
  for (int i = 0; i < 1000; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "wf-%04d", i);
    view.Put(Wf(id, i % 100 == 7 ? 2 : 3));
  }
  auto running = internal::QueryWorkflows(view, {.states = {2}, .limit = 3});
  ASSERT_TRUE(running);
  EXPECT_THAT(Ids(*running), ElementsAre("wf-0007", "wf-0107", "wf-0207"));
  EXPECT_EQ(running->total, 10u);
  EXPECT_EQ(view.record_scans, 0);  // no scan of the records
  EXPECT_EQ(view.lookups, 3);       // one per listed workflow, none to count
  // Most workflows: scanning the records is cheaper than a lookup each.
  auto done = internal::QueryWorkflows(view, {.states = {3}, .limit = 3});
  EXPECT_EQ(done->total, 990u);
  EXPECT_EQ(view.record_scans, 1);
  EXPECT_EQ(view.lookups, 3);
}

TEST(WorkflowIndexTest, AnIndexOutOfStepWithItsRecordsIsAnErrorNotAWrongAnswer) {
  CountingView view;
  for (int i = 0; i < 10; ++i) view.Put(Wf("wf-" + std::to_string(i), i == 4 ? 2 : 3));
  view.records()["wf-4"].state = 5;  // the record changed behind the index's back
  auto listed = internal::QueryWorkflows(view, {.states = {2}});
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code(), ErrorCode::kInternal);
  EXPECT_THAT(listed.error().message(),
              HasSubstr("lists wf-4 in state 2, but its record is in state 5"));
}

// ---- the writer's memory of the entries it wrote (RecentIndexEntries) ----

IndexEntry Entry(const std::string& id, std::uint8_t state) { return {id, state, 10, "w"}; }

TEST(RecentIndexEntriesTest, RemembersTheLastEntryAndAnEraseUntilTheGroupEnds) {
  internal::RecentIndexEntries recent(8);
  EXPECT_EQ(recent.Find("wf-1"), nullptr);  // unknown: the writer asks the store
  recent.Set("wf-1", Entry("wf-1", 1));
  recent.Set("wf-1", Entry("wf-1", 2));
  ASSERT_NE(recent.Find("wf-1"), nullptr);
  EXPECT_EQ(*recent.Find("wf-1"), Entry("wf-1", 2));
  recent.Set("wf-1", std::nullopt);  // erased: known absent for the rest of the group
  ASSERT_NE(recent.Find("wf-1"), nullptr);
  EXPECT_FALSE(recent.Find("wf-1")->has_value());
  recent.Set("wf-2", std::nullopt);
  recent.Set("wf-2", Entry("wf-2", 3));  // erased and put again in one group: it stays
  recent.EndGroup();
  EXPECT_EQ(recent.Find("wf-1"), nullptr);  // erased workflows are not kept past their group
  ASSERT_NE(recent.Find("wf-2"), nullptr);
  EXPECT_EQ(*recent.Find("wf-2"), Entry("wf-2", 3));
}

TEST(RecentIndexEntriesTest, KeepsTwoGenerationsAndNeverDropsWhatAGroupSetBeforeItEnds) {
  internal::RecentIndexEntries recent(2);
  // One group may set more than the bound: everything stays until the group is written.
  for (const char* id : {"a", "b", "c"}) recent.Set(id, Entry(id, 1));
  for (const char* id : {"a", "b", "c"}) EXPECT_NE(recent.Find(id), nullptr) << id;
  recent.EndGroup();  // three > two: they become the old generation
  recent.Set("d", Entry("d", 1));
  recent.EndGroup();
  for (const char* id : {"a", "b", "c", "d"}) EXPECT_NE(recent.Find(id), nullptr) << id;
  recent.Set("a", Entry("a", 2));  // the young generation's entry shadows the old one
  EXPECT_EQ(*recent.Find("a"), Entry("a", 2));
  recent.Set("e", Entry("e", 1));
  recent.EndGroup();  // d, a, e: the young generation is full again, the old one goes
  EXPECT_EQ(recent.Find("b"), nullptr);
  EXPECT_EQ(recent.Find("c"), nullptr);
  EXPECT_EQ(*recent.Find("a"), Entry("a", 2));
  EXPECT_EQ(recent.size(), 3u);
  recent.Clear();
  EXPECT_EQ(recent.Find("a"), nullptr);
  EXPECT_EQ(recent.size(), 0u);
}

TEST(RecentIndexEntriesTest, AnEraseAlsoForgetsTheOldGenerationsEntry) {
  internal::RecentIndexEntries recent(1);
  recent.Set("a", Entry("a", 1));
  recent.Set("b", Entry("b", 1));
  recent.EndGroup();  // a and b are the old generation
  recent.Set("a", std::nullopt);
  recent.EndGroup();
  // Not the old generation's entry from before the erase: unknown, so the store is asked.
  EXPECT_EQ(recent.Find("a"), nullptr);
  EXPECT_NE(recent.Find("b"), nullptr);
}

// ---- registered tables ----

TEST(StoreTableTest, RegistrationsAreCheckedAtOpen) {
  auto refused = [](std::vector<TableSpec> tables) {
    auto s = OpenMemoryStore({.tables = std::move(tables)});
    EXPECT_FALSE(s);
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
    return s.error().message();
  };
  EXPECT_THAT(refused({{.name = ""}}), HasSubstr("the name must be 1-64 letters"));
  EXPECT_THAT(refused({{.name = "a/b"}}), HasSubstr("store table 0 (\"a/b\")"));
  EXPECT_THAT(refused({{.name = std::string(65, 'x')}}), HasSubstr("1-64"));
  EXPECT_THAT(refused({{.name = "t", .format_version = 0}}),
              HasSubstr("format_version 0 (must be 1 or more)"));
  EXPECT_THAT(refused({{.name = "t", .column_family = "workflows"}}),
              HasSubstr("\"workflows\" is the engine's"));
  EXPECT_THAT(refused({{.name = "t", .column_family = "workflow_index"}}),
              HasSubstr("is the engine's"));
  EXPECT_THAT(refused({{.name = "t"}, {.name = "t", .column_family = "u"}}),
              HasSubstr("registered twice"));
  EXPECT_THAT(refused({{.name = "t"}, {.name = "u", .column_family = "t"}}),
              HasSubstr("store table 1 (\"u\"): column family \"t\" is already table \"t\"'s"));
  // The families made for modules are open to them; the family defaults to the name.
  auto ok = OpenMemoryStore(
      {.tables = {{.name = "sagas.runs", .column_family = "sagas"}, {.name = "notes"}}});
  ASSERT_TRUE(ok) << ok.error().ToString();
  ASSERT_EQ((*ok)->Tables().size(), 2u);
  EXPECT_EQ((*ok)->Tables()[0].column_family, "sagas");
  EXPECT_EQ((*ok)->Tables()[1].column_family, "notes");
}

TEST(StoreTableTest, MutationsApplyInOrderAtomicallyWithTheRecords) {
  auto store = Memory(
      {{.name = "notes",
        .describe = [](std::string_view k,
                       std::string_view v) { return std::string(k) + "=" + std::string(v); }},
       {.name = "other"}});
  StoreBatch b = Puts({Wf("wf-1", 2)});
  for (const char* k : {"a/1", "a/2", "a/3", "b/1", "c"})
    b.mutations.push_back(TableMutation::Put("notes", k, "v"));
  b.mutations.push_back(TableMutation::Put("other", "a/1", "x"));
  b.mutations.push_back(TableMutation::Erase("notes", "a/2"));
  b.mutations.push_back(TableMutation::Erase("notes", "absent"));
  b.mutations.push_back(TableMutation::ErasePrefix("notes", "b/"));
  b.mutations.push_back(TableMutation::Put("notes", "b/2", "after the erase"));  // order counts
  ASSERT_TRUE(store->CommitAndWait(b));
  EXPECT_TRUE(store->Workflow("wf-1")->has_value());
  EXPECT_EQ(**store->Get("notes", "a/1"), "v");
  EXPECT_FALSE(store->Get("notes", "a/2")->has_value());
  EXPECT_EQ(**store->Get("other", "a/1"), "x");  // tables do not share keys
  auto scan = store->Scan("notes", "");
  ASSERT_TRUE(scan);
  EXPECT_EQ(*scan, (std::vector<TableEntry>{
                       {"a/1", "v"}, {"a/3", "v"}, {"b/2", "after the erase"}, {"c", "v"}}));
  EXPECT_EQ(store->Tables()[0].describe("k", "v"), "k=v");

  StoreBatch all;
  all.mutations.push_back(TableMutation::Put("notes", "\xff\xff", "high"));
  all.mutations.push_back(TableMutation::ErasePrefix("notes", ""));  // the whole table
  all.mutations.push_back(TableMutation::Put("notes", "z", "kept"));
  ASSERT_TRUE(store->CommitAndWait(all));
  EXPECT_EQ(*store->Scan("notes", ""), (std::vector<TableEntry>{{"z", "kept"}}));
  EXPECT_EQ(store->Scan("other", "")->size(), 1u);
}

TEST(StoreTableTest, ScanPagesByPrefixAndAfterKey) {
  auto store = Memory({{.name = "t"}});
  StoreBatch b;
  for (const char* k : {"a", "p/1", "p/2", "p/3", "p/4", "p0", "q"})
    b.mutations.push_back(TableMutation::Put("t", k, k));
  ASSERT_TRUE(store->CommitAndWait(b));
  std::vector<std::string> keys;
  std::string after;
  while (true) {
    auto page = store->Scan("t", "p/", after, 3);
    ASSERT_TRUE(page);
    if (page->empty()) break;
    for (const auto& e : *page) keys.push_back(e.key);
    after = page->back().key;
  }
  EXPECT_THAT(keys, ElementsAre("p/1", "p/2", "p/3", "p/4"));
  EXPECT_THAT(*store->Scan("t", "p/", "a"), ::testing::SizeIs(4));  // a cursor before the prefix
  EXPECT_THAT(*store->Scan("t", "p/", "p0"), IsEmpty());            // one past it
  EXPECT_EQ(store->Scan("t", "", "p0")->at(0).key, "q");
}

TEST(StoreTableTest, AnUnregisteredTableFailsTheCommitAndNothingOfItIsWritten) {
  auto store = Memory({{.name = "notes"}});
  StoreBatch b = Puts({Wf("wf-1", 2)});
  b.mutations.push_back(TableMutation::Put("notes", "k", "v"));
  b.mutations.push_back(TableMutation::Put("nope", "k", "v"));
  Status refused = store->CommitAndWait(b);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().message(),
              HasSubstr("store table \"nope\", which is not registered (registered: notes)"));
  EXPECT_FALSE(store->Workflow("wf-1")->has_value());
  EXPECT_FALSE(store->Get("notes", "k")->has_value());
  auto read = store->Get("nope", "k");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(read.error().message(), HasSubstr("\"nope\" is not registered"));
  EXPECT_FALSE(store->Scan("nope", ""));
  EXPECT_FALSE(NewMemoryStore()->Get("notes", "k"));  // a store with no tables
}

TEST(StoreTableTest, TableMetaRecordsRoundTripAndBadOnesAreCorrupt) {
  const std::string key = internal::TableMetaKey("sagas.runs");
  auto meta = internal::ParseTableMeta(key, internal::TableMetaValue(12, "sagas"));
  ASSERT_TRUE(meta) << meta.error().ToString();
  EXPECT_EQ(meta->name, "sagas.runs");
  EXPECT_EQ(meta->version, 12);
  EXPECT_EQ(meta->family, "sagas");
  for (const char* bad : {"", "12", "12 ", "x sagas", "0 sagas", "-1 sagas", "1x sagas"}) {
    auto r = internal::ParseTableMeta(key, bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_THAT(r.error().message(),
                HasSubstr("corrupt meta record of store table \"sagas.runs\""));
  }
}

}  // namespace
}  // namespace goclaw::store
