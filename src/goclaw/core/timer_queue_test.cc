#include "goclaw/core/timer_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <vector>

namespace goclaw {
namespace {

using std::chrono::milliseconds;

TEST(ManualTimerQueueTest, RunsOnlyDueTimersInTimeOrder) {
  FakeClock clock;
  ManualTimerQueue timers(clock);
  std::vector<int> ran;
  auto now = clock.SteadyNow();
  timers.At(now + milliseconds(20), [&] { ran.push_back(20); });
  timers.At(now + milliseconds(10), [&] { ran.push_back(10); });
  timers.At(now + milliseconds(10), [&] { ran.push_back(11); });  // same time: FIFO
  EXPECT_EQ(timers.RunDue(), 0);
  clock.Advance(milliseconds(15));
  EXPECT_EQ(timers.RunDue(), 2);
  EXPECT_EQ(ran, (std::vector<int>{10, 11}));
  EXPECT_EQ(timers.pending(), 1u);
  EXPECT_EQ(timers.next_time(), now + milliseconds(20));
  clock.Advance(milliseconds(5));
  EXPECT_EQ(timers.RunDue(), 1);
  EXPECT_EQ(ran.back(), 20);
}

TEST(ManualTimerQueueTest, CallbacksMayScheduleMore) {
  FakeClock clock;
  ManualTimerQueue timers(clock);
  int count = 0;
  timers.At(clock.SteadyNow(), [&] {
    ++count;
    timers.At(clock.SteadyNow(), [&] { ++count; });
  });
  EXPECT_EQ(timers.RunDue(), 2);
  EXPECT_EQ(count, 2);
}

// The real queue, with real time: an integration-style check kept short (timers due now).
TEST(ThreadTimerQueueTest, RunsTimersOnItsThread) {
  ThreadTimerQueue timers;
  std::promise<std::thread::id> where;
  timers.At(std::chrono::steady_clock::now(), [&] { where.set_value(std::this_thread::get_id()); });
  auto id = where.get_future().get();
  EXPECT_NE(id, std::this_thread::get_id());
}

}  // namespace
}  // namespace goclaw
