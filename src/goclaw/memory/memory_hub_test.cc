// The memory hub over a memory store with an injected clock and the built-in embedder:
// retrieval in each mode, isolation, filters before the top-k cut, forgetting from both
// indexes, reviews, persistence across a reopen, and bad input.
#include "goclaw/memory/memory_hub.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace goclaw::memory {
namespace {

using namespace std::chrono_literals;

class MemoryHubTest : public ::testing::Test {
 protected:
  MemoryHubTest() { store_ = std::move(*store::OpenMemoryStore({.tables = MemoryTables()})); }

  std::unique_ptr<MemoryHub> Open(config::MemoryConfig config = {}, bool embedder = true) {
    auto hub = MemoryHub::Open(*store_, {.config = config,
                                         .embedder = embedder ? NewHashingEmbedder(64) : nullptr,
                                         .clock = &clock_});
    EXPECT_TRUE(hub.has_value()) << hub.error().ToString();
    return std::move(*hub);
  }

  static std::vector<std::string> Contents(const std::vector<Hit>& hits) {
    std::vector<std::string> out;
    for (const auto& h : hits) out.push_back(h.item.content);
    return out;
  }

  std::string MemorizeOne(MemoryHub& hub, std::string session, std::string content,
                          std::map<std::string, std::string> metadata = {}) {
    auto ids = hub.Memorize(session, {{.content = std::move(content), .metadata = std::move(metadata)}});
    EXPECT_TRUE(ids.has_value()) << ids.error().ToString();
    return ids ? (*ids)[0] : "";
  }

  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(MemoryHubTest, FindsWhatWasMemorizedInEveryMode) {
  auto hub = Open();
  MemorizeOne(*hub, "ops", "The staging database db-stg-03 is deployed on Fridays");
  MemorizeOne(*hub, "ops", "Lunch is served at noon in the cafeteria");
  MemorizeOne(*hub, "ops", "Kubernetes k8s clusters are upgraded monthly");
  for (Mode mode : {Mode::kHybrid, Mode::kBm25, Mode::kVector}) {
    auto hits = hub->Retrieve("ops", {.text = "db-stg-03 deploy", .mode = mode, .top_k = 3, .review = false});
    ASSERT_TRUE(hits.has_value()) << hits.error().ToString();
    ASSERT_FALSE(hits->empty()) << ModeName(mode);
    EXPECT_EQ((*hits)[0].item.content, "The staging database db-stg-03 is deployed on Fridays") << ModeName(mode);
  }
  auto k8s = hub->Retrieve("ops", {.text = "k8s", .mode = Mode::kBm25, .review = false});
  ASSERT_TRUE(k8s.has_value());
  ASSERT_EQ(k8s->size(), 1u);
  EXPECT_EQ((*k8s)[0].bm25_rank, 1);
}

TEST_F(MemoryHubTest, ChineseTermsFindLongerWords) {
  auto hub = Open();
  MemorizeOne(*hub, "zh", "明天把服务部署到生产环境");
  MemorizeOne(*hub, "zh", "今天的午饭很好吃");
  auto hits = hub->Retrieve("zh", {.text = "部署", .mode = Mode::kBm25, .review = false});
  ASSERT_TRUE(hits.has_value());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].item.content, "明天把服务部署到生产环境");
}

TEST_F(MemoryHubTest, SessionsAreIsolated) {
  auto hub = Open();
  MemorizeOne(*hub, "alice", "the secret launch code is 4711");
  MemorizeOne(*hub, "bob", "bob likes launch parties");
  for (Mode mode : {Mode::kHybrid, Mode::kBm25, Mode::kVector}) {
    auto hits = hub->Retrieve("bob", {.text = "secret launch code 4711", .mode = mode, .top_k = 10, .review = false});
    ASSERT_TRUE(hits.has_value());
    for (const auto& h : *hits) EXPECT_EQ(h.item.session, "bob") << ModeName(mode);
  }
  auto none = hub->Retrieve("carol", {.text = "launch"});
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST_F(MemoryHubTest, FiltersApplyBeforeTheTopKCut) {
  auto hub = Open();
  for (int i = 0; i < 40; ++i) MemorizeOne(*hub, "s", "release checklist for the payment service", {{"env", "prod"}});
  const std::string dev = MemorizeOne(*hub, "s", "an unrelated note that mentions a release once", {{"env", "dev"}});
  for (Mode mode : {Mode::kHybrid, Mode::kBm25, Mode::kVector}) {
    Query q{.text = "release checklist payment", .mode = mode, .top_k = 1, .review = false};
    q.filter.metadata = {{"env", "dev"}};
    auto hits = hub->Retrieve("s", q);
    ASSERT_TRUE(hits.has_value());
    ASSERT_EQ(hits->size(), 1u) << ModeName(mode);
    EXPECT_EQ((*hits)[0].item.id, dev) << ModeName(mode);
  }
  Query trusted{.text = "release", .mode = Mode::kBm25, .top_k = 100, .review = false};
  trusted.filter.min_trust = Trust::kHigh;
  EXPECT_TRUE(hub->Retrieve("s", trusted)->empty());
  clock_.Advance(1h);
  const std::string later = MemorizeOne(*hub, "s", "release notes written later");
  Query recent{.text = "release", .mode = Mode::kBm25, .top_k = 100, .review = false};
  recent.filter.created_after_us = hub->NowUs() - 1;
  auto hits = hub->Retrieve("s", recent);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].item.id, later);
}

TEST_F(MemoryHubTest, ForgettingRemovesFromBothIndexesAndTheStore) {
  auto hub = Open();
  const std::string id = MemorizeOne(*hub, "s", "rotate the api keys every quarter");
  MemorizeOne(*hub, "s", "water the plants");
  ASSERT_EQ(*hub->Forget("s", {id, "mem-unknown"}), 1u);
  for (Mode mode : {Mode::kBm25, Mode::kVector, Mode::kHybrid}) {
    auto hits = hub->Retrieve("s", {.text = "rotate api keys quarter", .mode = mode, .top_k = 10, .review = false});
    ASSERT_TRUE(hits.has_value());
    for (const auto& h : *hits) EXPECT_NE(h.item.id, id) << ModeName(mode);
  }
  EXPECT_FALSE(hub->Get("s", id)->has_value());
  EXPECT_FALSE(store_->Get(kItemsTable, ItemKey("s", id))->has_value());
  EXPECT_FALSE(store_->Get(kCardsTable, ItemKey("s", id))->has_value());
  EXPECT_EQ(hub->Stats("s")->items, 1u);
  EXPECT_EQ(*hub->ForgetSession("s"), 1u);
  EXPECT_EQ(hub->Stats("s")->items, 0u);
  EXPECT_TRUE(store_->ScanAll(kItemsTable)->empty());
  EXPECT_TRUE(hub->Sessions().empty());
}

TEST_F(MemoryHubTest, ForgetMatchingTakesOnlyWhatMatches) {
  auto hub = Open();
  MemorizeOne(*hub, "s", "a", {{"topic", "x"}});
  MemorizeOne(*hub, "s", "b", {{"topic", "y"}});
  MemorizeOne(*hub, "s", "c", {{"topic", "x"}});
  Filter f;
  f.metadata = {{"topic", "x"}};
  EXPECT_EQ(*hub->ForgetMatching("s", f), 2u);
  auto page = hub->List("s", 10, 0);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].content, "b");
}

TEST_F(MemoryHubTest, EverythingIsFindableAfterReopening) {
  std::string id;
  int reps_after_review = 0;
  {
    auto hub = Open();
    id = MemorizeOne(*hub, "s", "the backup job runs at 02:00 UTC", {{"owner", "sre"}});
    MemorizeOne(*hub, "other", "unrelated");
    auto hits = hub->Retrieve("s", {.text = "backup job"});
    ASSERT_EQ(hits->size(), 1u);
    reps_after_review = (*hits)[0].item.card.reps;
  }
  auto hub = Open();
  EXPECT_EQ(hub->Totals().items, 2u);
  for (Mode mode : {Mode::kHybrid, Mode::kBm25, Mode::kVector}) {
    auto hits = hub->Retrieve("s", {.text = "backup job", .mode = mode, .review = false});
    ASSERT_TRUE(hits.has_value());
    ASSERT_EQ(hits->size(), 1u) << ModeName(mode);
    EXPECT_EQ((*hits)[0].item.id, id);
    EXPECT_EQ((*hits)[0].item.metadata.at("owner"), "sre");
    EXPECT_EQ((*hits)[0].item.card.reps, reps_after_review);  // the review was stored
  }
}

TEST_F(MemoryHubTest, RetrievalsReviewWhatTheyReturn) {
  auto hub = Open();
  const std::string id = MemorizeOne(*hub, "s", "the wifi password is on the fridge");
  const int reps = (*hub->Get("s", id))->card.reps;
  clock_.Advance(std::chrono::hours(24 * 3));
  ASSERT_EQ(hub->Retrieve("s", {.text = "wifi password", .review = false})->size(), 1u);
  EXPECT_EQ((*hub->Get("s", id))->card.reps, reps);
  auto hits = hub->Retrieve("s", {.text = "wifi password"});
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].item.card.reps, reps + 1);
  EXPECT_EQ((*hub->Get("s", id))->card.reps, reps + 1);
  EXPECT_EQ((*hub->Get("s", id))->card.last_review_us, hub->NowUs());
}

TEST_F(MemoryHubTest, UsedMemoriesStayStrongAndWeakOnesCanBeForgotten) {
  auto hub = Open();
  const std::string used = MemorizeOne(*hub, "s", "alpha project kickoff notes");
  const std::string unused = MemorizeOne(*hub, "s", "beta lunch menu");
  clock_.Advance(std::chrono::hours(24 * 5));
  ASSERT_EQ(hub->Retrieve("s", {.text = "alpha kickoff", .mode = Mode::kBm25})->size(), 1u);
  clock_.Advance(std::chrono::hours(24 * 5));
  ASSERT_EQ(hub->Retrieve("s", {.text = "alpha kickoff", .mode = Mode::kBm25})->size(), 1u);
  clock_.Advance(std::chrono::hours(24 * 200));
  const double r_used = hub->RetrievabilityNow(**hub->Get("s", used));
  const double r_unused = hub->RetrievabilityNow(**hub->Get("s", unused));
  ASSERT_GT(r_used, r_unused);
  ASSERT_GT(r_unused, 0.0);
  EXPECT_EQ(*hub->ForgetWeak("s", (r_used + r_unused) / 2), 1u);
  EXPECT_TRUE(hub->Get("s", used)->has_value());
  EXPECT_FALSE(hub->Get("s", unused)->has_value());
  EXPECT_FALSE(hub->ForgetWeak("s", 0).has_value());
  EXPECT_FALSE(hub->ForgetWeak("s", 1.5).has_value());
}

TEST_F(MemoryHubTest, RetrievabilityWeightsTheScore) {
  config::MemoryConfig c;
  c.retrievability_weight = 1.0;
  auto hub = Open(c);
  const std::string old_id = MemorizeOne(*hub, "s", "quarterly report draft");
  clock_.Advance(std::chrono::hours(24 * 365));
  const std::string new_id = MemorizeOne(*hub, "s", "quarterly report draft");
  auto hits = hub->Retrieve("s", {.text = "quarterly report", .mode = Mode::kBm25, .review = false});
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_EQ((*hits)[0].item.id, new_id);  // same text: the fresher memory wins
  EXPECT_GT((*hits)[0].score, (*hits)[1].score);
}

TEST_F(MemoryHubTest, EqualScoresComeOutInCreationOrder) {
  config::MemoryConfig c;
  c.retrievability_weight = 0;
  auto hub = Open(c);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(MemorizeOne(*hub, "s", "identical text"));
  for (int round = 0; round < 3; ++round) {
    auto hits = hub->Retrieve("s", {.text = "identical", .mode = Mode::kBm25, .review = false});
    ASSERT_EQ(hits->size(), 5u);
    for (int i = 0; i < 5; ++i) EXPECT_EQ((*hits)[i].item.id, ids[i]);
  }
}

TEST_F(MemoryHubTest, ClientVectorsMustMatchTheDimension) {
  auto hub = Open();  // the embedder makes 64 dimensions
  auto wrong = hub->Memorize("s", {{.content = "x", .vector = std::vector<float>(3, 1.0f)}});
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(wrong.error().message().find("64"), std::string::npos) << wrong.error().message();
  ASSERT_EQ(wrong.error().details().size(), 1u);
  EXPECT_EQ(wrong.error().details()[0].path, "vector");
  auto zero = hub->Memorize("s", {{.content = "x", .vector = std::vector<float>(64, 0.0f)}});
  ASSERT_FALSE(zero.has_value());
  std::vector<float> nan(64, 1.0f);
  nan[7] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(hub->Memorize("s", {{.content = "x", .vector = nan}}).has_value());
  auto query = hub->Retrieve("s", {.vector = std::vector<float>(5, 1.0f), .mode = Mode::kVector});
  ASSERT_FALSE(query.has_value());
  EXPECT_EQ(query.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(hub->Totals().items, 0u);  // nothing half-written
}

TEST_F(MemoryHubTest, WithoutAnEmbedderTheFirstVectorFixesTheDimension) {
  config::MemoryConfig c;
  c.embedder.kind = "none";
  auto hub = Open(c, /*embedder=*/false);
  ASSERT_TRUE(hub->Memorize("s", {{.content = "a", .vector = {1, 0, 0}}}).has_value());
  ASSERT_TRUE(hub->Memorize("s", {{.content = "b"}}).has_value());  // BM25 only
  auto wrong = hub->Memorize("s", {{.content = "c", .vector = {1, 0}}});
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message().find("3"), std::string::npos);
  ASSERT_TRUE(hub->Memorize("t", {{.content = "c", .vector = {1, 0}}}).has_value());  // its own session
  auto hits = hub->Retrieve("s", {.vector = {0.9f, 0.1f, 0}, .mode = Mode::kVector});
  ASSERT_TRUE(hits.has_value());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].item.content, "a");
  auto no_vector = hub->Retrieve("s", {.text = "a", .mode = Mode::kVector});
  ASSERT_FALSE(no_vector.has_value());
  EXPECT_EQ(no_vector.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(MemoryHubTest, RefusesBadRequestsWithoutWritingAnything) {
  config::MemoryConfig c;
  c.max_items_per_session = 2;
  c.max_batch = 3;
  auto hub = Open(c);
  EXPECT_EQ(hub->Memorize("bad/session", {{.content = "x"}}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(hub->Memorize("s", {}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(hub->Memorize("s", std::vector<NewItem>(4, NewItem{.content = "x"})).error().code(),
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(hub->Memorize("s", std::vector<NewItem>(2, NewItem{.content = "x"})).has_value());
  EXPECT_EQ(hub->Memorize("s", {{.content = "y"}}).error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(hub->Retrieve("s", {.mode = Mode::kBm25}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(hub->Totals().items, 2u);
}

TEST_F(MemoryHubTest, ListPagesInCreationOrder) {
  auto hub = Open();
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(MemorizeOne(*hub, "s", "item " + std::to_string(i)));
  auto page = hub->List("s", 3, 3);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->total, 7u);
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->items[0].id, ids[3]);
  EXPECT_EQ(page->items[2].id, ids[5]);
  EXPECT_TRUE(hub->List("s", 3, 100)->items.empty());
}

}  // namespace
}  // namespace goclaw::memory
