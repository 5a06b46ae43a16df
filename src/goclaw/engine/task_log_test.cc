// Task logs: the per-attempt bound, UTF-8 repair, and the stored form's round trip.
#include "goclaw/engine/task_log.h"

#include <gtest/gtest.h>

#include "goclaw/engine/run_records.h"

namespace goclaw::engine::internal {
namespace {

Clock::WallTime At(std::int64_t us) { return FromMicros(us); }

TEST(TaskLogTest, EachAttemptHasItsOwnBudget) {
  TaskLog t;
  AppendLog(t, 1, At(1), "log", "aaaa", 10);    // 3 + 4 = 7 bytes
  AppendLog(t, 1, At(2), "log", "bbbb", 10);    // would be 14: dropped, attempt 1 truncated
  AppendLog(t, 1, At(3), "log", "c", 10);       // after truncation nothing more of attempt 1
  AppendLog(t, 2, At(4), "log", "dddd", 10);    // a new attempt starts again
  TaskLogs logs = LogsOf(&t);
  ASSERT_EQ(logs.lines.size(), 2u);
  EXPECT_EQ(logs.lines[0].text, "aaaa");
  EXPECT_EQ(logs.lines[1].attempt, 2);
  EXPECT_EQ(logs.truncated, std::vector<int>{1});
}

TEST(TaskLogTest, LinesAreValidUtf8AndCut) {
  TaskLog t;
  AppendLog(t, 1, At(1), "stderr", std::string("bad \xff\xfe bytes"), 1 << 20);
  AppendLog(t, 1, At(2), "stderr", std::string(10000, 'x'), 1 << 20);
  TaskLogs logs = LogsOf(&t);
  ASSERT_EQ(logs.lines.size(), 2u);
  EXPECT_FALSE(FindInvalidUtf8(logs.lines[0].text));
  EXPECT_EQ(logs.lines[1].text.size(), 4096u);
}

TEST(TaskLogTest, StoredFormRoundTrips) {
  TaskLog t;
  AppendLog(t, 1, At(1700000000123456), "status", "GET http://x/ -> 200 OK (3 ms)", 1 << 20);
  AppendLog(t, 2, At(1700000000223456), "log", "\"quoted\" \n and 中文", 1 << 20);
  t.truncated.push_back(1);
  auto decoded = DecodeLog(EncodeLog(t));
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  ASSERT_EQ(decoded->lines.size(), 2u);
  EXPECT_EQ(decoded->lines[1].text, "\"quoted\" \n and 中文");
  EXPECT_EQ(ToMicros(decoded->lines[0].time), 1700000000123456);
  EXPECT_EQ(decoded->truncated, std::vector<std::int32_t>{1});
  EXPECT_FALSE(DecodeLog("{\"lines\": [[1]]}"));
  EXPECT_FALSE(DecodeLog("not json"));
}

TEST(TaskLogTest, KeysSortByWorkflowThenTask) {
  EXPECT_LT(LogKey("wf-a", 1), LogKey("wf-a", 256));
  EXPECT_LT(LogKey("wf-a", 0xffffffff), LogKey("wf-b", 0));
  EXPECT_EQ(LogKey("wf", 1), std::string("wf\0\0\0\0\1", 7));
}

}  // namespace
}  // namespace goclaw::engine::internal
