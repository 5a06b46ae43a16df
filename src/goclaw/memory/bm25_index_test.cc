// The BM25 index: scores against hand-computed values, ranking and ties, filters before the
// top-k cut, Remove, and a randomized comparison with a direct evaluation of the formula.
#include "goclaw/memory/bm25_index.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace goclaw::memory {
namespace {

using Terms = std::vector<std::string>;

// The corpus of the hand computations (defaults k1 = 1.2, b = 0.75):
//   doc 1: a b x      dl 3
//   doc 2: a a d x    dl 4
//   doc 3: d e x      dl 3
// N = 3, avgdl = 10 / 3.
//   dl 3: k1 * (1 - b + b * dl / avgdl) = 1.2 * (0.25 + 0.75 * 0.9) = 1.2 * 0.925 = 1.11
//   dl 4: 1.2 * (0.25 + 0.75 * 1.2) = 1.2 * 1.15 = 1.38
//   idf(a) = idf(d) = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln(1.6)   (in 2 documents)
//   idf(e) = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(8/3)              (in 1)
//   idf(x) = ln(1 + (3 - 3 + 0.5) / (3 + 0.5)) = ln(8/7)              (in all 3: still > 0)
// With tf (k1 + 1) / (tf + K): tf 1, dl 3 -> 2.2 / 2.11; tf 1, dl 4 -> 2.2 / 2.38;
// tf 2, dl 4 -> 4.4 / 3.38.
Bm25Index HandCorpus() {
  Bm25Index index;
  index.Add(1, {"a", "b", "x"});
  index.Add(2, {"a", "a", "d", "x"});
  index.Add(3, {"d", "e", "x"});
  return index;
}

constexpr double kTolerance = 1e-12;

void ExpectRanking(const Ranking& actual, const Ranking& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(actual[i].doc, expected[i].doc) << "rank " << i;
    EXPECT_NEAR(actual[i].score, expected[i].score, kTolerance) << "rank " << i;
  }
}

TEST(Bm25Index, ScoresMatchHandComputedValues) {
  const Bm25Index index = HandCorpus();
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(index.term_count(), 5u);  // a, b, d, e, x
  // doc 2 has a twice in a longer document: ln(1.6) * 4.4 / 3.38 = 0.6118 > doc 1's
  // ln(1.6) * 2.2 / 2.11 = 0.4901.
  ExpectRanking(index.Search({"a"}, 10), {{2, std::log(1.6) * 4.4 / 3.38}, {1, std::log(1.6) * 2.2 / 2.11}});
  // doc 3: d and e, dl 3: (ln(1.6) + ln(8/3)) * 2.2 / 2.11 = 1.5127; doc 2: d, dl 4.
  ExpectRanking(index.Search({"d", "e"}, 10),
                {{3, (std::log(1.6) + std::log(8.0 / 3)) * 2.2 / 2.11}, {2, std::log(1.6) * 2.2 / 2.38}});
}

TEST(Bm25Index, ATermInEveryDocumentStillScoresAboveZero) {
  const Bm25Index index = HandCorpus();
  // Docs 1 and 3 tie (tf 1, dl 3): the smaller DocId first.
  ExpectRanking(index.Search({"x"}, 10), {{1, std::log(8.0 / 7) * 2.2 / 2.11},
                                          {3, std::log(8.0 / 7) * 2.2 / 2.11},
                                          {2, std::log(8.0 / 7) * 2.2 / 2.38}});
  EXPECT_GT(index.Search({"x"}, 10).back().score, 0.0);
}

TEST(Bm25Index, ARepeatedQueryTermCountsPerOccurrence) {
  const Bm25Index index = HandCorpus();
  ExpectRanking(index.Search({"a", "a"}, 10),
                {{2, 2 * std::log(1.6) * 4.4 / 3.38}, {1, 2 * std::log(1.6) * 2.2 / 2.11}});
  // "a x a": doc 1 = 2 * ln(1.6) * 2.2 / 2.11 + ln(8/7) * 2.2 / 2.11.
  const Ranking r = index.Search({"a", "x", "a"}, 10);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].doc, 1u);
  EXPECT_NEAR(r[1].score, (2 * std::log(1.6) + std::log(8.0 / 7)) * 2.2 / 2.11, kTolerance);
}

TEST(Bm25Index, EmptyQueryUnknownTermsAndKZeroGiveNothing) {
  const Bm25Index index = HandCorpus();
  EXPECT_TRUE(index.Search({}, 10).empty());
  EXPECT_TRUE(index.Search({"nope", "zzz"}, 10).empty());
  EXPECT_TRUE(index.Search({"a"}, 0).empty());
  EXPECT_TRUE(Bm25Index().Search({"a"}, 10).empty());
  // Unknown terms next to known ones change nothing.
  EXPECT_EQ(index.Search({"nope", "a", "zzz"}, 10), index.Search({"a"}, 10));
}

TEST(Bm25Index, KCutsTheRanking) {
  const Bm25Index index = HandCorpus();
  const Ranking all = index.Search({"x"}, 10);
  const Ranking two = index.Search({"x"}, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0], all[0]);
  EXPECT_EQ(two[1], all[1]);
}

TEST(Bm25Index, EqualScoresComeOutBySmallerDocIdWhateverTheInsertOrder) {
  Bm25Index index;
  for (DocId doc : {7u, 3u, 9u, 1u, 5u}) index.Add(doc, {"same", "words"});
  const Ranking r = index.Search({"same"}, 10);
  ASSERT_EQ(r.size(), 5u);
  std::vector<DocId> order;
  for (const Scored& s : r) order.push_back(s.doc);
  EXPECT_EQ(order, (std::vector<DocId>{1, 3, 5, 7, 9}));
  EXPECT_EQ(index.Search({"same"}, 2), (Ranking{r[0], r[1]}));
}

TEST(Bm25Index, FiltersApplyBeforeTheTopKCut) {
  Bm25Index index;
  // Docs 0..9 say "alpha" three times and score best; 10..19 once.
  for (DocId doc = 0; doc < 20; ++doc) {
    index.Add(doc, doc < 10 ? Terms{"alpha", "alpha", "alpha", "pad"} : Terms{"alpha", "pad", "pad", "pad"});
  }
  std::map<DocId, int> calls;
  const Ranking r = index.Search({"alpha"}, 3, [&calls](DocId doc) {
    ++calls[doc];
    return doc >= 10;
  });
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].doc, 10u);
  EXPECT_EQ(r[1].doc, 11u);
  EXPECT_EQ(r[2].doc, 12u);
  for (const auto& [doc, count] : calls) EXPECT_EQ(count, 1) << "doc " << doc;
  // Only the docs that could enter the top 3 were asked about: never 13..19.
  EXPECT_FALSE(calls.contains(13));
  // Rejecting everything leaves nothing.
  EXPECT_TRUE(index.Search({"alpha"}, 3, [](DocId) { return false; }).empty());
}

TEST(Bm25Index, RemoveMatchesAFreshIndexWithoutTheDocument) {
  Bm25Index index = HandCorpus();
  index.Add(4, {"a", "e", "e", "y", "z"});
  index.Remove(4);
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(index.term_count(), 5u);  // y and z left with doc 4
  EXPECT_FALSE(index.Contains(4));
  const Bm25Index fresh = HandCorpus();
  for (const Terms& query : {Terms{"a"}, Terms{"e"}, Terms{"x"}, Terms{"d", "e"}, Terms{"a", "b", "d", "e", "x"}}) {
    EXPECT_EQ(index.Search(query, 10), fresh.Search(query, 10)) << query[0];  // exactly equal
  }
  EXPECT_TRUE(index.Search({"y", "z"}, 10).empty());
}

TEST(Bm25Index, ARemovedDocumentNeverReturns) {
  Bm25Index index = HandCorpus();
  index.Remove(2);
  for (const Terms& query : {Terms{"a"}, Terms{"d"}, Terms{"x"}}) {
    for (const Scored& s : index.Search(query, 10)) EXPECT_NE(s.doc, 2u);
  }
  // N = 2, avgdl = 3: a is in doc 1 only, idf = ln(1 + 1.5 / 1.5) = ln 2, K = 1.2 (dl = avgdl).
  ExpectRanking(index.Search({"a"}, 10), {{1, std::log(2.0) * 2.2 / 2.2}});
}

TEST(Bm25Index, RemoveOfAnAbsentDocumentDoesNothing) {
  Bm25Index index = HandCorpus();
  index.Remove(42);
  index.Remove(2);
  index.Remove(2);
  EXPECT_EQ(index.size(), 2u);
}

TEST(Bm25Index, ReplaceIsRemoveThenAdd) {
  Bm25Index index = HandCorpus();
  index.Remove(1);
  index.Add(1, {"b", "b", "new"});
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(index.Search({"new"}, 10).size(), 1u);
  Bm25Index fresh;
  fresh.Add(2, {"a", "a", "d", "x"});
  fresh.Add(3, {"d", "e", "x"});
  fresh.Add(1, {"b", "b", "new"});
  for (const Terms& query : {Terms{"a"}, Terms{"b"}, Terms{"new", "x"}}) {
    EXPECT_EQ(index.Search(query, 10), fresh.Search(query, 10)) << query[0];
  }
}

TEST(Bm25Index, ADocumentWithoutTermsCountsButNeverMatches) {
  Bm25Index index;
  index.Add(1, {"a"});
  index.Add(2, {});
  EXPECT_EQ(index.size(), 2u);
  // N = 2, avgdl = 0.5: idf(a) = ln(1 + 1.5 / 1.5) = ln 2; K = 1.2 * (0.25 + 0.75 * 2) = 2.1.
  ExpectRanking(index.Search({"a"}, 10), {{1, std::log(2.0) * 2.2 / 3.1}});
}

TEST(Bm25Index, MemoryBytesGrowsWithTheIndex) {
  Bm25Index index;
  const std::size_t empty = index.MemoryBytes();
  for (DocId doc = 0; doc < 1000; ++doc) {
    index.Add(doc, {"common", "term" + std::to_string(doc % 100), "a-much-longer-term-than-sso-" + std::to_string(doc)});
  }
  EXPECT_EQ(index.term_count(), 1101u);
  // At least the postings (3000 of 12 bytes) and the 1000 long strings.
  EXPECT_GT(index.MemoryBytes(), empty + 3000 * 12 + 1000 * 30);
}

// A direct evaluation of the header's formula, for the randomized test.
std::map<DocId, double> ReferenceScores(const std::map<DocId, Terms>& docs, const Terms& query,
                                        const Bm25Options& o) {
  const double n = static_cast<double>(docs.size());
  double total = 0;
  for (const auto& [doc, terms] : docs) total += static_cast<double>(terms.size());
  const double avgdl = total / n;
  std::map<DocId, double> scores;
  std::map<std::string, int> qf;
  for (const std::string& t : query) ++qf[t];
  for (const auto& [term, count] : qf) {
    double containing = 0;
    for (const auto& [doc, terms] : docs) containing += std::count(terms.begin(), terms.end(), term) > 0;
    if (containing == 0) continue;
    const double idf = std::log(1 + (n - containing + 0.5) / (containing + 0.5));
    for (const auto& [doc, terms] : docs) {
      const double tf = static_cast<double>(std::count(terms.begin(), terms.end(), term));
      if (tf == 0) continue;
      const double dl = static_cast<double>(terms.size());
      scores[doc] += count * idf * tf * (o.k1 + 1) / (tf + o.k1 * (1 - o.b + o.b * dl / avgdl));
    }
  }
  return scores;
}

TEST(Bm25Index, RandomAddsAndRemovesAgreeWithTheFormulaAndAFreshIndex) {
  std::mt19937 rng(20260117);
  const Bm25Options options{1.5, 0.6};
  Bm25Index index(options);
  std::map<DocId, Terms> docs;
  auto random_terms = [&rng](std::size_t max_length) {
    Terms terms(rng() % (max_length + 1));
    for (std::string& t : terms) t = "t" + std::to_string(rng() % 30);
    return terms;
  };
  DocId next_doc = 0;
  for (int step = 0; step < 2000; ++step) {
    if (docs.empty() || rng() % 3 != 0) {
      const DocId doc = next_doc++;
      docs[doc] = random_terms(12);
      index.Add(doc, docs[doc]);
    } else {
      auto victim = docs.begin();
      std::advance(victim, rng() % docs.size());
      index.Remove(victim->first);
      docs.erase(victim);
    }
    if (step % 50 != 49) continue;
    ASSERT_EQ(index.size(), docs.size());
    std::set<std::string> distinct;
    for (const auto& [doc, terms] : docs) distinct.insert(terms.begin(), terms.end());
    ASSERT_EQ(index.term_count(), distinct.size());

    Bm25Index fresh(options);
    for (const auto& [doc, terms] : docs) fresh.Add(doc, terms);
    const Terms query = random_terms(5);
    const Ranking ranking = index.Search(query, docs.size() + 1);
    EXPECT_EQ(ranking, fresh.Search(query, docs.size() + 1));
    EXPECT_TRUE(std::is_sorted(ranking.begin(), ranking.end(), RanksBefore));
    const std::map<DocId, double> expected = ReferenceScores(docs, query, options);
    ASSERT_EQ(ranking.size(), expected.size());
    for (const Scored& s : ranking) {
      ASSERT_TRUE(expected.contains(s.doc));
      EXPECT_NEAR(s.score, expected.at(s.doc), 1e-9);
    }
    // A cut ranking is the head of the full one.
    const std::size_t k = 1 + rng() % 5;
    const Ranking head = index.Search(query, k);
    EXPECT_EQ(head, Ranking(ranking.begin(), ranking.begin() + std::min(k, ranking.size())));
  }
}

}  // namespace
}  // namespace goclaw::memory
