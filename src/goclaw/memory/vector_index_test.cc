// VectorIndex in both modes against a brute-force cosine ranking: order and scores, the switch
// to HNSW at the threshold and its recall, removal (slot reuse and compaction), filters applied
// before the top-k cut, validation, k beyond the size, ties, concurrent searches.
#include "goclaw/memory/vector_index.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#if defined(__SANITIZE_THREAD__)
// hnswlib takes its per-element locks in whatever order its graph walk meets them, which TSan's
// lock-order check reports as potential deadlocks (only the hub's one writer ever takes them,
// so none is possible). This binary turns that check off; data races are still reported.
extern "C" const char* __tsan_default_options() { return "detect_deadlocks=0"; }
#endif

namespace goclaw::memory {
namespace {

using ::testing::HasSubstr;
using Vectors = std::map<DocId, std::vector<float>>;

std::vector<float> RandomVector(std::size_t dims, std::mt19937& rng) {
  std::normal_distribution<float> normal;
  std::vector<float> v(dims);
  for (float& x : v) x = normal(rng);
  return v;
}

Vectors RandomVectors(std::size_t n, std::size_t dims, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Vectors out;
  for (DocId doc = 0; doc < n; ++doc) out[doc] = RandomVector(dims, rng);
  return out;
}

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  return dot / std::sqrt(na * nb);
}

Ranking BruteForce(const Vectors& vectors, const std::vector<float>& query, std::size_t k,
                   const std::function<bool(DocId)>& accept = nullptr) {
  Ranking all;
  for (const auto& [doc, v] : vectors) {
    if (!accept || accept(doc)) all.push_back({doc, Cosine(query, v)});
  }
  std::sort(all.begin(), all.end(), RanksBefore);
  if (all.size() > k) all.resize(k);
  return all;
}

std::vector<DocId> Docs(const Ranking& ranking) {
  std::vector<DocId> docs;
  for (const Scored& s : ranking) docs.push_back(s.doc);
  return docs;
}

// Share of `expected`'s docs that `got` has.
double Recall(const Ranking& got, const Ranking& expected) {
  if (expected.empty()) return 1;
  std::set<DocId> want;
  for (const Scored& s : expected) want.insert(s.doc);
  std::size_t hits = 0;
  for (const Scored& s : got) hits += want.count(s.doc);
  return static_cast<double>(hits) / static_cast<double>(expected.size());
}

void AddAll(VectorIndex& index, const Vectors& vectors) {
  for (const auto& [doc, v] : vectors) ASSERT_TRUE(index.Add(doc, v)) << doc;
}

bool IsRanked(const Ranking& ranking) {
  return std::is_sorted(ranking.begin(), ranking.end(), RanksBefore);
}

TEST(VectorIndexTest, ExactSearchMatchesBruteForceOrderAndScores) {
  const Vectors vectors = RandomVectors(500, 24, 1);
  VectorIndex index({.dimensions = 24});
  AddAll(index, vectors);
  ASSERT_FALSE(index.uses_hnsw());
  std::mt19937 rng(2);
  for (int q = 0; q < 20; ++q) {
    const std::vector<float> query = RandomVector(24, rng);
    const Ranking want = BruteForce(vectors, query, 10);
    const Result<Ranking> got = index.Search(query, 10);
    ASSERT_TRUE(got) << got.error().ToString();
    ASSERT_EQ(Docs(*got), Docs(want));
    for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR((*got)[i].score, want[i].score, 1e-5);
  }
}

TEST(VectorIndexTest, ScoresAreCosineSimilaritiesOfUnnormalisedInput) {
  VectorIndex index({.dimensions = 2});
  ASSERT_TRUE(index.Add(1, std::vector<float>{3, 0}));
  ASSERT_TRUE(index.Add(2, std::vector<float>{3, 4}));
  ASSERT_TRUE(index.Add(3, std::vector<float>{-5, 0}));
  const Result<Ranking> got = index.Search(std::vector<float>{10, 0}, 3);
  ASSERT_TRUE(got);
  ASSERT_EQ(Docs(*got), (std::vector<DocId>{1, 2, 3}));
  EXPECT_NEAR((*got)[0].score, 1.0, 1e-6);
  EXPECT_NEAR((*got)[1].score, 0.6, 1e-6);
  EXPECT_NEAR((*got)[2].score, -1.0, 1e-6);
}

TEST(VectorIndexTest, SwitchesToHnswWhenReachingTheThreshold) {
  const Vectors vectors = RandomVectors(100, 16, 3);
  VectorIndex index({.dimensions = 16, .hnsw_threshold = 100});
  for (const auto& [doc, v] : vectors) {
    EXPECT_FALSE(index.uses_hnsw()) << "before doc " << doc;
    ASSERT_TRUE(index.Add(doc, v));
  }
  EXPECT_TRUE(index.uses_hnsw());
  EXPECT_EQ(index.size(), 100u);
  for (const auto& [doc, v] : vectors) {  // each vector finds itself first
    const Result<Ranking> got = index.Search(v, 1);
    ASSERT_TRUE(got);
    ASSERT_EQ(got->size(), 1u);
    EXPECT_EQ((*got)[0].doc, doc);
    EXPECT_NEAR((*got)[0].score, 1.0, 1e-5);
  }
}

TEST(VectorIndexTest, HnswRecallAtTenIsAtLeast95PercentOnRandomVectors) {
  const Vectors vectors = RandomVectors(5000, 32, 4);
  VectorIndex index({.dimensions = 32, .hnsw_threshold = 256});
  AddAll(index, vectors);
  ASSERT_TRUE(index.uses_hnsw());
  std::mt19937 rng(5);
  double recall = 0;
  constexpr int kQueries = 100;
  for (int q = 0; q < kQueries; ++q) {
    const std::vector<float> query = RandomVector(32, rng);
    const Result<Ranking> got = index.Search(query, 10);
    ASSERT_TRUE(got);
    ASSERT_EQ(got->size(), 10u);
    EXPECT_TRUE(IsRanked(*got));
    recall += Recall(*got, BruteForce(vectors, query, 10));
  }
  EXPECT_GE(recall / kQueries, 0.95);
}

TEST(VectorIndexTest, RemovedDocsAreNeverReturnedInExactMode) {
  Vectors vectors = RandomVectors(200, 8, 6);
  VectorIndex index({.dimensions = 8});
  AddAll(index, vectors);
  for (DocId doc = 0; doc < 200; doc += 3) {
    index.Remove(doc);
    vectors.erase(doc);
  }
  index.Remove(1000);  // absent: nothing happens
  EXPECT_EQ(index.size(), vectors.size());
  std::mt19937 rng(7);
  for (int q = 0; q < 10; ++q) {
    const std::vector<float> query = RandomVector(8, rng);
    const Result<Ranking> got = index.Search(query, 1000);
    ASSERT_TRUE(got);
    EXPECT_EQ(Docs(*got), Docs(BruteForce(vectors, query, 1000)));
  }
  // A removed doc may come back with another vector.
  ASSERT_TRUE(index.Add(0, std::vector<float>{1, 0, 0, 0, 0, 0, 0, 0}));
  const Result<Ranking> back = index.Search(std::vector<float>{1, 0, 0, 0, 0, 0, 0, 0}, 1);
  ASSERT_TRUE(back);
  EXPECT_EQ(Docs(*back), std::vector<DocId>{0});
}

TEST(VectorIndexTest, RemovedDocsAreNeverReturnedInHnswModeAndTheirSlotsAreReused) {
  Vectors vectors = RandomVectors(1000, 16, 8);
  VectorIndex index({.dimensions = 16, .hnsw_threshold = 100});
  AddAll(index, vectors);
  const std::size_t bytes_before = index.MemoryBytes();
  for (DocId doc = 0; doc < 1000; doc += 4) {  // a quarter: no compaction
    index.Remove(doc);
    vectors.erase(doc);
  }
  ASSERT_TRUE(index.uses_hnsw());
  std::mt19937 rng(9);
  for (int q = 0; q < 20; ++q) {
    const std::vector<float> query = RandomVector(16, rng);
    const Result<Ranking> got = index.Search(query, 50);
    ASSERT_TRUE(got);
    for (const Scored& s : *got) EXPECT_TRUE(vectors.contains(s.doc)) << s.doc;
    EXPECT_GE(Recall(*got, BruteForce(vectors, query, 50)), 0.9);
  }
  // New docs take the deleted slots: the graph does not grow, and they are found.
  for (DocId doc = 2000; doc < 2250; ++doc) {
    vectors[doc] = RandomVector(16, rng);
    ASSERT_TRUE(index.Add(doc, vectors[doc]));
  }
  EXPECT_EQ(index.size(), 1000u);
  EXPECT_LE(index.MemoryBytes(), bytes_before + 1024);
  for (DocId doc = 2000; doc < 2250; doc += 10) {
    const Result<Ranking> got = index.Search(vectors[doc], 1);
    ASSERT_TRUE(got);
    EXPECT_EQ(Docs(*got), std::vector<DocId>{doc});
  }
  // Removing everything leaves an empty index that still works.
  for (const auto& [doc, v] : vectors) index.Remove(doc);
  EXPECT_EQ(index.size(), 0u);
  const Result<Ranking> none = index.Search(RandomVector(16, rng), 5);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(VectorIndexTest, CompactionRebuildsTheGraphOrReturnsToExactMode) {
  Vectors vectors = RandomVectors(400, 16, 10);
  VectorIndex index({.dimensions = 16, .hnsw_threshold = 100});
  AddAll(index, vectors);
  for (DocId doc = 0; doc < 250; ++doc) {  // more deleted than live: rebuilt, 150 >= 100
    index.Remove(doc);
    vectors.erase(doc);
  }
  EXPECT_TRUE(index.uses_hnsw());
  std::mt19937 rng(11);
  for (int q = 0; q < 10; ++q) {
    const std::vector<float> query = RandomVector(16, rng);
    const Result<Ranking> got = index.Search(query, 10);
    ASSERT_TRUE(got);
    for (const Scored& s : *got) EXPECT_TRUE(vectors.contains(s.doc)) << s.doc;
    EXPECT_GE(Recall(*got, BruteForce(vectors, query, 10)), 0.8);
  }
  for (DocId doc = 250; doc < 340; ++doc) {  // 60 left after compaction: exact again
    index.Remove(doc);
    vectors.erase(doc);
  }
  EXPECT_FALSE(index.uses_hnsw());
  EXPECT_EQ(index.size(), 60u);
  const std::vector<float> query = RandomVector(16, rng);
  const Result<Ranking> got = index.Search(query, 100);
  ASSERT_TRUE(got);
  EXPECT_EQ(Docs(*got), Docs(BruteForce(vectors, query, 100)));
}

TEST(VectorIndexTest, ExactModeFiltersBeforeTheTopKCut) {
  const Vectors vectors = RandomVectors(300, 12, 12);
  VectorIndex index({.dimensions = 12});
  AddAll(index, vectors);
  std::mt19937 rng(13);
  const std::function<bool(DocId)> odd = [](DocId doc) { return doc % 2 == 1; };
  const std::function<bool(DocId)> rare = [](DocId doc) { return doc % 100 == 7; };
  for (const auto* accept : {&odd, &rare}) {
    const std::vector<float> query = RandomVector(12, rng);
    const Result<Ranking> got = index.Search(query, 10, *accept);
    ASSERT_TRUE(got);
    EXPECT_EQ(Docs(*got), Docs(BruteForce(vectors, query, 10, *accept)));
  }
}

// A graph of 4000 vectors whose candidates cost a quarter of a scanned element, so that the
// graph is worth widening at this size (at the default cost a scan beats it for most filters).
class HnswFilterTest : public ::testing::Test {
 protected:
  static constexpr std::size_t kSize = 4000;

  static void SetUpTestSuite() {
    vectors_ = new Vectors(RandomVectors(kSize, 16, 14));
    index_ =
        new VectorIndex({.dimensions = 16, .hnsw_threshold = 100, .graph_candidate_cost = 0.25});
    AddAll(*index_, *vectors_);
  }
  static void TearDownTestSuite() {
    delete index_;
    delete vectors_;
  }

  struct Outcome {
    double recall = 0;             // average recall@10 against the filtered brute force
    std::size_t accept_calls = 0;  // per query, the most
  };

  // Checks that every result is accepted, ranked, and that there are expect_size of them.
  static Outcome Filtered(const std::function<bool(DocId)>& accept, std::size_t expect_size) {
    std::mt19937 rng(15);
    Outcome outcome;
    constexpr int kQueries = 30;
    for (int q = 0; q < kQueries; ++q) {
      const std::vector<float> query = RandomVector(16, rng);
      std::size_t calls = 0;
      const Result<Ranking> got = index_->Search(query, 10, [&](DocId doc) {
        ++calls;
        return accept(doc);
      });
      EXPECT_TRUE(got);
      if (!got) return {};
      outcome.accept_calls = std::max(outcome.accept_calls, calls);
      EXPECT_EQ(got->size(), expect_size);
      EXPECT_TRUE(IsRanked(*got));
      for (const Scored& s : *got) EXPECT_TRUE(accept(s.doc)) << s.doc;
      outcome.recall += Recall(*got, BruteForce(*vectors_, query, 10, accept)) / kQueries;
    }
    return outcome;
  }

  static Vectors* vectors_;
  static VectorIndex* index_;
};
Vectors* HnswFilterTest::vectors_ = nullptr;
VectorIndex* HnswFilterTest::index_ = nullptr;

TEST_F(HnswFilterTest, NonSelectiveFilterTakesTheGraphsCandidates) {
  ASSERT_TRUE(index_->uses_hnsw());
  const Outcome half = Filtered([](DocId doc) { return doc % 2 == 0; }, 10);
  EXPECT_GE(half.recall, 0.95);
  EXPECT_LE(half.accept_calls, 256u + 64u);  // the sample and one candidate list
}

TEST_F(HnswFilterTest, FilterPassingOneInTwentyWidensTheGraphSearch) {
  const Outcome rare = Filtered([](DocId doc) { return doc % 20 == 3; }, 10);
  EXPECT_GE(rare.recall, 0.95);
  EXPECT_LT(rare.accept_calls, kSize / 2);  // no scan
}

TEST_F(HnswFilterTest, SelectiveFilterFallsBackToAnExactScan) {
  // 40 of 4000 docs: the answer must be exactly the brute-force one.
  const Outcome selective = Filtered([](DocId doc) { return doc % 100 == 42; }, 10);
  EXPECT_DOUBLE_EQ(selective.recall, 1.0);
  EXPECT_GE(selective.accept_calls, kSize);
}

TEST_F(HnswFilterTest, FilterPassingFewerThanKReturnsAllOfThem) {
  EXPECT_DOUBLE_EQ(
      Filtered([](DocId doc) { return doc == 5 || doc == 3999 || doc == 1234; }, 3).recall, 1.0);
  std::mt19937 rng(1);
  const Result<Ranking> none =
      index_->Search(RandomVector(16, rng), 10, [](DocId) { return false; });
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(VectorIndexTest, DefaultCostScansSmallGraphsForFilteredSearches) {
  const Vectors vectors = RandomVectors(1000, 16, 23);
  VectorIndex index({.dimensions = 16, .hnsw_threshold = 100});
  AddAll(index, vectors);
  ASSERT_TRUE(index.uses_hnsw());
  std::mt19937 rng(24);
  const std::function<bool(DocId)> half = [](DocId doc) { return doc % 2 == 1; };
  for (int q = 0; q < 10; ++q) {
    const std::vector<float> query = RandomVector(16, rng);
    const Result<Ranking> got = index.Search(query, 10, half);
    ASSERT_TRUE(got);
    EXPECT_EQ(Docs(*got), Docs(BruteForce(vectors, query, 10, half)));
  }
}

TEST(VectorIndexTest, RefusesWrongDimensionsNonFiniteAndZeroVectors) {
  VectorIndex index({.dimensions = 4});
  const auto expect_refused = [&](std::vector<float> v, const std::string& message) {
    const Status check = index.CheckVector(v);
    ASSERT_FALSE(check);
    EXPECT_EQ(check.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(check.error().message(), HasSubstr(message));
    const Status add = index.Add(1, v);
    ASSERT_FALSE(add);
    EXPECT_EQ(add.error().message(), check.error().message());
    const Result<Ranking> search = index.Search(v, 3);
    ASSERT_FALSE(search);
    EXPECT_EQ(search.error().message(), check.error().message());
  };
  expect_refused({1, 2, 3}, "expected a vector of 4 dimensions, got 3");
  expect_refused({1, 2, 3, 4, 5}, "expected a vector of 4 dimensions, got 5");
  expect_refused({1, 2, std::numeric_limits<float>::quiet_NaN(), 4}, "vector[2] is NaN");
  expect_refused({std::numeric_limits<float>::infinity(), 0, 0, 0}, "vector[0] is infinite");
  expect_refused({0, 0, 0, 0}, "all zeros");
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(index.CheckVector(std::vector<float>{0, 0, 0, 1e-30f}));
  // Huge components are fine: the norm does not overflow.
  ASSERT_TRUE(index.Add(2, std::vector<float>{3e38f, 3e38f, 0, 0}));
  const Result<Ranking> got = index.Search(std::vector<float>{1, 1, 0, 0}, 1);
  ASSERT_TRUE(got);
  EXPECT_NEAR((*got)[0].score, 1.0, 1e-6);
}

TEST(VectorIndexTest, RefusesADocThatIsAlreadyThere) {
  VectorIndex index({.dimensions = 2});
  ASSERT_TRUE(index.Add(7, std::vector<float>{1, 0}));
  const Status again = index.Add(7, std::vector<float>{0, 1});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(index.size(), 1u);
}

TEST(VectorIndexTest, KLargerThanSizeReturnsEveryDocAndZeroReturnsNone) {
  for (const std::size_t threshold : {std::size_t{1000}, std::size_t{10}}) {
    const Vectors vectors = RandomVectors(50, 8, 16);
    VectorIndex index({.dimensions = 8, .hnsw_threshold = threshold});
    AddAll(index, vectors);
    std::mt19937 rng(17);
    const std::vector<float> query = RandomVector(8, rng);
    const Result<Ranking> all = index.Search(query, 1000);
    ASSERT_TRUE(all);
    EXPECT_EQ(Docs(*all), Docs(BruteForce(vectors, query, 1000))) << "threshold " << threshold;
    const Result<Ranking> none = index.Search(query, 0);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
  }
}

TEST(VectorIndexTest, EqualScoresRankBySmallerDocInBothModes) {
  for (const std::size_t threshold : {std::size_t{1000}, std::size_t{8}}) {
    VectorIndex index({.dimensions = 3, .hnsw_threshold = threshold});
    for (const DocId doc : {9u, 4u, 12u, 1u, 7u}) {
      ASSERT_TRUE(index.Add(doc, std::vector<float>{1, 1, 0}));
    }
    for (const DocId doc : {3u, 8u, 5u}) ASSERT_TRUE(index.Add(doc, std::vector<float>{0, 0, 1}));
    EXPECT_EQ(index.uses_hnsw(), threshold == 8);
    const Result<Ranking> got = index.Search(std::vector<float>{2, 2, 0}, 6);
    ASSERT_TRUE(got);
    EXPECT_EQ(Docs(*got), (std::vector<DocId>{1, 4, 7, 9, 12, 3})) << "threshold " << threshold;
    EXPECT_EQ((*got)[0].score, (*got)[4].score);
    const Result<Ranking> tail = index.Search(std::vector<float>{0, 0, 1}, 2);
    ASSERT_TRUE(tail);
    EXPECT_EQ(Docs(*tail), (std::vector<DocId>{3, 5})) << "threshold " << threshold;
  }
}

TEST(VectorIndexTest, SameAddsGiveTheSameGraphAndTheSameRankings) {
  const Vectors vectors = RandomVectors(1500, 16, 18);
  VectorIndex a({.dimensions = 16, .hnsw_threshold = 100});
  VectorIndex b({.dimensions = 16, .hnsw_threshold = 100});
  AddAll(a, vectors);
  AddAll(b, vectors);
  std::mt19937 rng(19);
  for (int q = 0; q < 20; ++q) {
    const std::vector<float> query = RandomVector(16, rng);
    const Result<Ranking> ra = a.Search(query, 10);
    const Result<Ranking> rb = b.Search(query, 10);
    ASSERT_TRUE(ra && rb);
    EXPECT_EQ(*ra, *rb);
  }
}

TEST(VectorIndexTest, ConcurrentSearchesAgreeWithSequentialOnes) {
  const Vectors vectors = RandomVectors(2000, 16, 20);
  VectorIndex index({.dimensions = 16, .hnsw_threshold = 100});
  AddAll(index, vectors);
  std::mt19937 rng(21);
  std::vector<std::vector<float>> queries;
  std::vector<Ranking> expected;
  for (int q = 0; q < 50; ++q) {
    queries.push_back(RandomVector(16, rng));
    expected.push_back(*index.Search(queries.back(), 10, [](DocId doc) { return doc % 3 != 0; }));
  }
  std::vector<int> mismatches(4, 0);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 5; ++round) {
          for (std::size_t q = 0; q < queries.size(); ++q) {
            const Result<Ranking> got =
                index.Search(queries[q], 10, [](DocId doc) { return doc % 3 != 0; });
            if (!got || *got != expected[q]) ++mismatches[static_cast<std::size_t>(t)];
          }
        }
      });
    }
  }
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(VectorIndexTest, MemoryBytesCountsTheVectorsAndTheGraph) {
  VectorIndex index({.dimensions = 64, .hnsw_threshold = 200});
  const Vectors vectors = RandomVectors(199, 64, 22);
  AddAll(index, vectors);
  const std::size_t exact = index.MemoryBytes();
  EXPECT_GE(exact, 199u * 64 * sizeof(float));
  ASSERT_TRUE(index.Add(500, vectors.at(0)));
  ASSERT_TRUE(index.uses_hnsw());
  EXPECT_GE(index.MemoryBytes(), exact + 200u * 2 * 16 * sizeof(std::uint32_t));
}

}  // namespace
}  // namespace goclaw::memory
