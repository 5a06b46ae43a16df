// Memory items in the store: keys, the item and card codecs, trust and session names.
#include "goclaw/memory/memory_item.h"

#include <gtest/gtest.h>

namespace goclaw::memory {
namespace {

MemoryItem SampleItem() {
  MemoryItem item;
  item.id = "mem-0193";
  item.session = "chat:alice@example";
  item.content = "部署 db-stg-03 on friday\nsecond line \"quoted\"";
  item.vector = {0.6f, -0.8f, 0.0f, 1e-30f};
  item.vector_from_client = true;
  item.metadata = {{"project", "apollo"}, {"env", "staging"}};
  item.provenance = {.workflow_id = "wf-1", .task_id = "remember", .source = "task", .trust = Trust::kHigh};
  item.created_at_us = 1767225600123456;
  return item;
}

TEST(MemoryItemTest, ItemRoundTripsThroughItsEncoding) {
  const MemoryItem item = SampleItem();
  const std::string key = ItemKey(item.session, item.id);
  auto back = DecodeItem(key, EncodeItem(item));
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(back->id, item.id);
  EXPECT_EQ(back->session, item.session);
  EXPECT_EQ(back->content, item.content);
  EXPECT_EQ(back->vector, item.vector);
  EXPECT_TRUE(back->vector_from_client);
  EXPECT_EQ(back->metadata, item.metadata);
  EXPECT_EQ(back->provenance, item.provenance);
  EXPECT_EQ(back->created_at_us, item.created_at_us);
}

TEST(MemoryItemTest, ItemWithoutVectorRoundTrips) {
  MemoryItem item = SampleItem();
  item.vector.clear();
  auto back = DecodeItem(ItemKey(item.session, item.id), EncodeItem(item));
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->vector.empty());
}

TEST(MemoryItemTest, CorruptValuesAreErrorsNotCrashes) {
  const MemoryItem item = SampleItem();
  const std::string key = ItemKey(item.session, item.id);
  const std::string good = EncodeItem(item);
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{4}, good.size() / 2, good.size() - 1}) {
    auto r = DecodeItem(key, good.substr(0, cut));
    EXPECT_FALSE(r.has_value()) << cut;
  }
  EXPECT_FALSE(DecodeItem("no-separator", good).has_value());
  EXPECT_FALSE(DecodeItem(key, std::string("\x07") + good.substr(1)).has_value());
}

TEST(MemoryItemTest, CardRoundTrips) {
  fsrs::Card c;
  c.stability = 3.1262;
  c.difficulty = 5.31457783;
  c.state = fsrs::State::kReview;
  c.reps = 4;
  c.lapses = 1;
  c.learning_steps = 0;
  c.scheduled_days = 12;
  c.elapsed_days = 3;
  c.due_us = 1767225600000000;
  c.last_review_us = 1766225600000000;
  auto back = DecodeCard(EncodeCard(c));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->stability, c.stability);
  EXPECT_EQ(back->difficulty, c.difficulty);
  EXPECT_EQ(back->state, c.state);
  EXPECT_EQ(back->reps, 4);
  EXPECT_EQ(back->lapses, 1);
  EXPECT_EQ(back->scheduled_days, 12);
  EXPECT_EQ(back->due_us, c.due_us);
  EXPECT_EQ(back->last_review_us, c.last_review_us);
  EXPECT_FALSE(DecodeCard("{\"state\": 9}").has_value());
  EXPECT_FALSE(DecodeCard("not json").has_value());
}

TEST(MemoryItemTest, KeysSplitBackAndSessionsDoNotShareAPrefix) {
  auto split = SplitItemKey(ItemKey("a", "mem-1"));
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->first, "a");
  EXPECT_EQ(split->second, "mem-1");
  // Session "a" must not see the keys of session "ab".
  EXPECT_FALSE(ItemKey("ab", "mem-1").starts_with(SessionPrefix("a")));
  EXPECT_FALSE(SplitItemKey("a").has_value());
}

TEST(MemoryItemTest, SessionNamesAndTrust) {
  EXPECT_TRUE(IsValidSessionName("chat:alice@example.com_1-2"));
  EXPECT_FALSE(IsValidSessionName(""));
  EXPECT_FALSE(IsValidSessionName("a/b"));
  EXPECT_FALSE(IsValidSessionName("a b"));
  EXPECT_FALSE(IsValidSessionName(std::string(129, 'x')));
  EXPECT_EQ(ParseTrust("high"), Trust::kHigh);
  EXPECT_FALSE(ParseTrust("HIGH").has_value());
  EXPECT_EQ(TrustName(Trust::kUntrusted), "untrusted");
  EXPECT_LT(Trust::kLow, Trust::kMedium);
}

}  // namespace
}  // namespace goclaw::memory
