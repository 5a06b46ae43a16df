// The per-attempt channel: cancellation, ordered messages with sequence numbers, reports.
#include "goclaw/exec/attempt_channel.h"

#include <gtest/gtest.h>

#include <thread>

namespace goclaw::exec {
namespace {

TEST(AttemptChannelTest, CancelRunsCallbacksOnceAndLateOnesAtOnce) {
  AttemptChannel channel;
  int calls = 0;
  channel.OnCancel([&] { ++calls; });
  EXPECT_FALSE(channel.cancelled());
  channel.Cancel();
  channel.Cancel();
  EXPECT_TRUE(channel.cancelled());
  EXPECT_EQ(calls, 1);
  channel.OnCancel([&] { ++calls; });
  EXPECT_EQ(calls, 2);
}

TEST(AttemptChannelTest, MessagesKeepTheirOrderAndSequenceNumbers) {
  AttemptChannel channel;
  EXPECT_EQ(channel.Send("steer", boost::json::object{{"n", 1}}), 1u);
  EXPECT_EQ(channel.Send("steer", boost::json::object{{"n", 2}}), 2u);
  auto first = channel.Poll();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->seq, 1u);
  EXPECT_EQ(first->kind, "steer");
  std::vector<std::uint64_t> pushed;
  channel.OnMessage([&](const ChannelMessage& m) { pushed.push_back(m.seq); });  // gets #2 now
  channel.Send("collect", nullptr);
  EXPECT_EQ(pushed, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_FALSE(channel.Poll());
}

TEST(AttemptChannelTest, WaitReturnsAMessageSentFromAnotherThread) {
  AttemptChannel channel;
  std::thread sender([&] { channel.Send("ping", 7); });
  auto m = channel.Wait(std::chrono::seconds(30));
  sender.join();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->payload, boost::json::value(7));
}

TEST(AttemptChannelTest, WaitEndsOnCancel) {
  AttemptChannel channel;
  channel.Cancel();
  EXPECT_FALSE(channel.Wait(std::chrono::seconds(30)));  // at once: cancelled
}

TEST(AttemptChannelTest, ReportsReachTheSink) {
  std::vector<AttemptReport> reports;
  CallbackReportSink sink([&](AttemptReport r) { reports.push_back(std::move(r)); });
  AttemptChannel channel(&sink);
  channel.Progress(2.0, "more than done");
  channel.Progress(std::numeric_limits<double>::quiet_NaN(), "nan");
  channel.Log("stderr", "oops");
  channel.Ack(4);
  channel.Heartbeat();
  ASSERT_EQ(reports.size(), 5u);
  EXPECT_EQ(reports[0].fraction, 1.0);
  EXPECT_EQ(reports[1].fraction, 0.0);
  EXPECT_EQ(reports[2].kind, AttemptReport::Kind::kLog);
  EXPECT_EQ(reports[2].stream, "stderr");
  EXPECT_EQ(reports[2].text, "oops");
  EXPECT_EQ(reports[3].seq, 4u);
  EXPECT_EQ(reports[4].kind, AttemptReport::Kind::kHeartbeat);
  AttemptChannel silent;  // no sink: reports go nowhere
  silent.Log("log", "x");
}

}  // namespace
}  // namespace goclaw::exec
