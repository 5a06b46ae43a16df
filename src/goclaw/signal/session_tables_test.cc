#include "goclaw/signal/session_tables.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace goclaw::signal {
namespace {

TEST(SessionTablesTest, InputKeysSortBySessionThenSeq) {
  EXPECT_EQ(InputKey("chat:a", 1), std::string("chat:a\0\0\0\0\0\0\0\0\x01", 15));
  EXPECT_LT(InputKey("chat:a", 255), InputKey("chat:a", 256));
  EXPECT_LT(InputKey("chat:a", 9), InputKey("chat:a", 1ull << 40));
  EXPECT_LT(InputKey("chat:a", ~0ull), InputKey("chat:ab", 0));  // one session's inputs are one range
  EXPECT_TRUE(InputKey("chat:a", 7).starts_with(InputPrefix("chat:a")));
  EXPECT_FALSE(InputKey("chat:ab", 7).starts_with(InputPrefix("chat:a")));
  auto parsed = ParseInputKey(InputKey("mail/x@y", 0x0102030405060708ull));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->first, "mail/x@y");
  EXPECT_EQ(parsed->second, 0x0102030405060708ull);
  auto bad = ParseInputKey("chat:a");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInternal);
}

TEST(SessionTablesTest, ValuesRoundTrip) {
  SessionRecord r{"wf-0192", 42};
  EXPECT_EQ(EncodeSessionRecord(r), R"({"active":"wf-0192","next_seq":42})");
  EXPECT_EQ(*DecodeSessionRecord(EncodeSessionRecord(r)), r);
  SessionRecord starting{"wf-0193", 9, {7, 8}};  // a start recorded, not yet confirmed
  EXPECT_EQ(EncodeSessionRecord(starting), R"({"active":"wf-0193","next_seq":9,"starting":[7,8]})");
  EXPECT_EQ(*DecodeSessionRecord(EncodeSessionRecord(starting)), starting);
  InputRecord in{5, boost::json::parse(R"({"text":"hi","n":0.1})"), 1767225600000000};
  auto back = DecodeInputRecord(5, EncodeInputRecord(in));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->seq, 5u);
  EXPECT_EQ(back->input, in.input);
  EXPECT_EQ(back->enqueued_at_us, in.enqueued_at_us);
  for (std::string_view corrupt : {"", "[]", R"({"active":1,"next_seq":2})", R"({"active":"x"})",
                                   R"({"active":"x","next_seq":-1})", R"({"active":"x","next_seq":2,"starting":3})",
                                   R"({"active":"x","next_seq":2,"starting":["a"]})"}) {
    auto d = DecodeSessionRecord(corrupt);
    ASSERT_FALSE(d) << corrupt;
    EXPECT_EQ(d.error().code(), ErrorCode::kInternal);
  }
  EXPECT_FALSE(DecodeInputRecord(1, R"({"input":1})"));
  EXPECT_FALSE(DecodeInputRecord(1, "not json"));
}

TEST(SessionTablesTest, LoadsBothTablesBySession) {
  auto store = store::OpenMemoryStore({.tables = SessionTables()});
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_EQ((*store)->Tables().size(), 2u);
  EXPECT_EQ((*store)->Tables()[0].name, "sessions");
  EXPECT_EQ((*store)->Tables()[1].name, "session_inputs");
  store::StoreBatch batch;
  auto put = [&](std::string_view table, std::string key, std::string value) {
    batch.mutations.push_back(store::TableMutation::Put(std::string(table), std::move(key), std::move(value)));
  };
  put(kSessionsTable, "chat:a", EncodeSessionRecord({"wf-1", 3}));
  put(kSessionInputsTable, InputKey("chat:a", 2), EncodeInputRecord({2, "second", 20}));
  put(kSessionInputsTable, InputKey("chat:a", 1), EncodeInputRecord({1, "first", 10}));
  put(kSessionInputsTable, InputKey("chat:ab", 300), EncodeInputRecord({300, "other", 30}));  // no record
  ASSERT_TRUE((*store)->CommitAndWait(std::move(batch)));
  auto loaded = LoadSessions(**store);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  ASSERT_EQ(loaded->size(), 2u);
  const StoredSession& a = loaded->at("chat:a");
  EXPECT_EQ(a.record, (SessionRecord{"wf-1", 3}));
  ASSERT_EQ(a.inputs.size(), 2u);
  EXPECT_EQ(a.inputs[0].input, "first");
  EXPECT_EQ(a.inputs[1].input, "second");
  const StoredSession& ab = loaded->at("chat:ab");
  EXPECT_EQ(ab.record.active, "");
  EXPECT_EQ(ab.record.next_seq, 301u);  // after its last input
  EXPECT_EQ((*store)->Tables()[1].describe(InputKey("chat:a", 2), "\"x\""), "chat:a #2 \"x\"");

  store::StoreBatch corrupt;
  corrupt.mutations.push_back(store::TableMutation::Put(std::string(kSessionsTable), "chat:z", "{"));
  ASSERT_TRUE((*store)->CommitAndWait(std::move(corrupt)));
  auto bad = LoadSessions(**store);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInternal);
  EXPECT_NE(bad.error().message().find("corrupt entry \"chat:z\" in the store table sessions"), std::string::npos)
      << bad.error().message();
}

}  // namespace
}  // namespace goclaw::signal
