// Value encoding round trips, hostile bytes, newer formats, and the key order range scans need
// (records and the workflow index).
#include "goclaw/store/encoding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/core/json_limits.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/test_random_json.h"

namespace goclaw::store {
namespace {

using ::testing::HasSubstr;

WorkflowRecord SampleWorkflow() {
  return {"wf-0192", "fanout", 2, 1764000000123456, 1764000000223456, 0, "", 70000};
}

TEST(EncodingTest, RecordsRoundTrip) {
  WorkflowRecord w = SampleWorkflow();
  w.error = std::string("nul\0byte and ünïcode", 21);
  auto wd = DecodeWorkflow(EncodeWorkflow(w));
  ASSERT_TRUE(wd) << wd.error().ToString();
  EXPECT_EQ(*wd, w);

  SpecRecord sp{"wf-0192", R"({"tasks":[{"id":"a"}]})", R"({"n":1})"};
  auto sd = DecodeSpec(sp.workflow_id, EncodeSpec(sp));
  ASSERT_TRUE(sd) << sd.error().ToString();
  EXPECT_EQ(*sd, sp);

  TaskRecord t{"wf-0192", 70000, 5, 3, -5, 1764000000999999, "boom", R"({"ok":true})", 2};
  auto td = DecodeTask(TaskKey(t.workflow_id, t.index), EncodeTask(t));
  ASSERT_TRUE(td) << td.error().ToString();
  EXPECT_EQ(*td, t);

  EventRecord e{"wf-0192", 1ull << 40, EventRecord::kWorkflow, 2, 3, -1, 1764000000000001, "why"};
  auto ed = DecodeEvent(EventKey(e.workflow_id, e.seq), EncodeEvent(e));
  ASSERT_TRUE(ed) << ed.error().ToString();
  EXPECT_EQ(*ed, e);
}

// Property (issue 12): every JSON value the engine accepts — an output, an input — survives the
// trip through the store's records unchanged: written as JsonText, encoded, decoded, parsed.
TEST(EncodingTest, ArbitraryJsonValuesRoundTripThroughTaskAndSpecRecords) {
  goclaw::testing::RandomJson gen(20261202);
  for (int i = 0; i < 2000; ++i) {
    boost::json::value v = gen.Value();
    ASSERT_TRUE(CheckJsonValue(v, ""));
    TaskRecord t{"wf-x", static_cast<std::uint32_t>(i), 5, 1, 0, 0, "", JsonText(v), 0};
    auto td = DecodeTask(TaskKey(t.workflow_id, t.index), EncodeTask(t));
    ASSERT_TRUE(td) << td.error().ToString();
    auto back = ParseJsonText(td->output_json);
    ASSERT_TRUE(back) << back.error().message();
    ASSERT_EQ(*back, v);
    ASSERT_EQ(JsonText(*back), t.output_json);

    boost::json::object input{{"x", gen.Value(kMaxJsonDepth - 1)}};  // the input is an object
    SpecRecord sp{"wf-x", "{}", JsonText(input)};
    auto sd = DecodeSpec(sp.workflow_id, EncodeSpec(sp));
    ASSERT_TRUE(sd);
    auto input_back = ParseJsonText(sd->input_json);
    ASSERT_TRUE(input_back) << input_back.error().message();
    ASSERT_EQ(*input_back, input);
  }
}

TEST(EncodingTest, TruncatedAndGarbageValuesAreCorruptNotCrashes) {
  const std::string good = EncodeWorkflow(SampleWorkflow());
  for (std::size_t n = 0; n < good.size(); ++n) {
    auto r = DecodeWorkflow(std::string_view(good).substr(0, n));
    ASSERT_FALSE(r) << "prefix of " << n << " bytes decoded";
    EXPECT_THAT(r.error().message(), HasSubstr("corrupt workflow record"));
  }
  EXPECT_FALSE(DecodeWorkflow(std::string("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 12)));
  EXPECT_FALSE(DecodeTask("no-separator", EncodeTask({})));
  // A 10-byte number whose last byte has bits beyond 64.
  auto overlong = DecodeWorkflow(std::string("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 11));
  ASSERT_FALSE(overlong);
  EXPECT_THAT(overlong.error().message(), HasSubstr("number out of range"));
  EXPECT_FALSE(DecodeEvent(std::string("wf\0\1", 4), EncodeEvent({})));
  // A state number that does not fit its byte.
  std::string big = EncodeTask({});
  big[1] = static_cast<char>(0xff);
  big.insert(2, "\x02");  // 0x7f + 2 * 128 = 383
  EXPECT_FALSE(DecodeTask(TaskKey("wf", 0), big));
}

TEST(EncodingTest, ANewerFormatIsRefusedClearly) {
  std::string v = EncodeWorkflow(SampleWorkflow());
  v[0] = static_cast<char>(kValueFormat + 1);
  auto r = DecodeWorkflow(v);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(r.error().message(), HasSubstr("newer goclaw"));
}

TEST(EncodingTest, KeysSortForRangeScans) {
  EXPECT_LT(EventKey("wf-a", 2), EventKey("wf-a", 10));
  EXPECT_LT(EventKey("wf-a", 255), EventKey("wf-a", 256));
  EXPECT_LT(TaskKey("wf-a", 9), TaskKey("wf-a", 1000));
  // One workflow's keys are together, before a longer id that extends it.
  EXPECT_LT(EventKey("wf-a", ~0ull), EventKey("wf-a1", 0));
  EXPECT_TRUE(EventKey("wf-a", 7).starts_with(WorkflowPrefix("wf-a")));
  EXPECT_FALSE(EventKey("wf-a1", 7).starts_with(WorkflowPrefix("wf-a")));
}

TEST(EncodingTest, IndexEntriesAndCountsRoundTrip) {
  WorkflowRecord w = SampleWorkflow();
  w.state = 200;  // states are opaque bytes
  w.created_at_us = -5;
  w.name = std::string("n\0me", 4);
  const IndexEntry e = IndexEntryOf(w);
  EXPECT_EQ(e, (IndexEntry{w.id, 200, -5, w.name}));
  auto back = DecodeIndexEntry(StateIndexKey(e.state, e.id), EncodeIndexValue(e));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, e);
  for (std::uint64_t n : {0ull, 1ull, 300ull, ~0ull}) {
    auto c = DecodeCount(StateCountKey(7), EncodeCount(n));
    ASSERT_TRUE(c) << c.error().ToString();
    EXPECT_EQ(c->first, 7);
    EXPECT_EQ(c->second, n);
  }
}

TEST(EncodingTest, BadIndexEntriesAreCorrupt) {
  const std::string value = EncodeIndexValue({"wf-1", 2, 100, "w"});
  EXPECT_THAT(DecodeIndexEntry("s\x02", value).error().message(), HasSubstr("corrupt workflow index key"));
  EXPECT_THAT(DecodeIndexEntry("n\x02wf-1", value).error().message(), HasSubstr("corrupt workflow index key"));
  EXPECT_THAT(DecodeIndexEntry(StateIndexKey(2, "wf-1"), value.substr(0, 2)).error().message(),
              HasSubstr("corrupt workflow index entry of wf-1"));
  EXPECT_FALSE(DecodeCount(StateCountKey(2) + "x", EncodeCount(1)));
  EXPECT_FALSE(DecodeCount(StateCountKey(2), ""));
  std::string newer = EncodeCount(1);
  newer[0] = static_cast<char>(kValueFormat + 1);
  EXPECT_EQ(DecodeCount(StateCountKey(2), newer).error().code(), ErrorCode::kFailedPrecondition);
}

// The index's order is what listing relies on: one state's entries form one range, in id
// order (creation order for "wf-<uuidv7>"), and the count keys are a range of their own.
TEST(EncodingTest, IndexKeysSortByStateThenId) {
  EXPECT_LT(StateIndexKey(2, "wf-01a2"), StateIndexKey(2, "wf-01a3"));
  EXPECT_LT(StateIndexKey(2, "wf-ffff"), StateIndexKey(3, "wf-0000"));
  EXPECT_LT(StateIndexKey(2, "wf-a"), StateIndexKey(2, "wf-a1"));
  EXPECT_LT(StateIndexKey(254, "wf-ffff"), StateIndexKey(255, ""));  // unsigned bytes
  EXPECT_TRUE(StateIndexKey(2, "wf-1").starts_with(StateIndexPrefix(2)));
  EXPECT_FALSE(StateIndexKey(3, "wf-1").starts_with(StateIndexPrefix(2)));
  EXPECT_FALSE(StateCountKey(2).starts_with(StateIndexPrefix(2)));
  EXPECT_LT(StateCountKey(255), StateIndexKey(0, ""));  // counts first, then entries
  // Every index key sorts below 0xff: the family can be cleared with one range delete.
  EXPECT_LT(StateIndexKey(255, "\xff\xff"), std::string("\xff"));
}

TEST(EncodingTest, PrefixEndBoundsEveryKeyWithThePrefix) {
  EXPECT_EQ(PrefixEnd("ab"), "ac");
  EXPECT_EQ(PrefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixEnd(std::string("\x01\xff\xff", 3)), "\x02");
  EXPECT_EQ(PrefixEnd(""), "");  // no end: every key has the prefix
  EXPECT_EQ(PrefixEnd(std::string("\xff\xff", 2)), "");
  for (const std::string key : {"ab", "ab\xff\xff\xff", "ab0"}) {
    EXPECT_LT(key, PrefixEnd("ab"));
  }
  EXPECT_GE(std::string("ac"), PrefixEnd("ab"));
}

}  // namespace
}  // namespace goclaw::store
