// Queue modes, drop policies at the cap, and debounce (session_router.h).
#include <gtest/gtest.h>

#include "goclaw/signal/session_router.h"
#include "goclaw/signal/test_session_backend.h"

namespace goclaw::signal {
namespace {

using testing::FakeBackend;
using testing::Harness;
using testing::J;
using testing::Kind;

Status FinishedRun(const FakeBackend::SignalCall&) {
  return MakeError(ErrorCode::kFailedPrecondition, "workflow has finished");
}

TEST(SessionModesTest, FollowupStartsWaitingInputsOneAtATimeInOrder) {
  Harness h({Kind("chat:*", QueueMode::kFollowup)}, /*with_store=*/true);
  ASSERT_EQ(h.Send("chat:a", "one")->action, InputAction::kStarted);
  auto two = h.Send("chat:a", "two");
  auto three = h.Send("chat:a", "three");
  EXPECT_EQ(two->action, InputAction::kQueued);
  EXPECT_EQ(three->action, InputAction::kQueued);
  EXPECT_EQ(three->position, 2u);
  EXPECT_EQ(three->workflow_id, "wf-1");
  EXPECT_LT(two->seq, three->seq);
  h.Finish("wf-1");
  EXPECT_EQ(h.Active("chat:a"), "wf-2");
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["three"])"));
  h.Finish("wf-2");
  h.Finish("wf-3");
  auto starts = h.backend.starts();
  ASSERT_EQ(starts.size(), 3u);
  EXPECT_EQ(starts[1].input, "two");
  EXPECT_EQ(starts[2].input, "three");
  EXPECT_EQ(h.Active("chat:a"), "");
  EXPECT_TRUE(h.backend.signals().empty());
}

TEST(SessionModesTest, CollectStartsOneRunWithEveryWaitingInput) {
  Harness h({Kind("chat:*", QueueMode::kCollect)}, /*with_store=*/true);
  ASSERT_EQ(h.Send("chat:a", "one")->action, InputAction::kStarted);
  auto two = h.Send("chat:a", "two");
  EXPECT_EQ(two->action, InputAction::kQueued);  // the first to wait
  EXPECT_EQ(two->position, 1u);
  auto three = h.Send("chat:a", J(R"({"n": 3})"));
  EXPECT_EQ(three->action, InputAction::kCoalesced);  // joined a non-empty waiting list
  EXPECT_EQ(three->position, 2u);
  h.Finish("wf-1");
  auto starts = h.backend.starts();
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[1].input, J(R"({"inputs": ["two", {"n": 3}]})"));
  EXPECT_EQ(h.Waiting("chat:a"), J("[]"));
  EXPECT_TRUE((*h.store->Scan(kSessionInputsTable, "")).empty());
  h.Finish("wf-2");
  EXPECT_EQ(h.backend.starts().size(), 2u);
}

TEST(SessionModesTest, SteerSendsTheInputToTheActiveRun) {
  Harness h({Kind("chat:*", QueueMode::kSteer)});
  ASSERT_EQ(h.Send("chat:a", "one")->action, InputAction::kStarted);
  auto two = h.Send("chat:a", J(R"({"text": "also this"})"));
  ASSERT_TRUE(two);
  EXPECT_EQ(two->action, InputAction::kSteered);
  EXPECT_EQ(two->workflow_id, "wf-1");
  auto signals = h.backend.signals();
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0].run, "wf-1");
  EXPECT_EQ(signals[0].kind, "steer");
  EXPECT_EQ(signals[0].payload, J(R"({"parameters": {"input": {"text": "also this"}}})"));
  EXPECT_EQ(h.Waiting("chat:a"), J("[]"));
  EXPECT_EQ(h.backend.starts().size(), 1u);
}

TEST(SessionModesTest, SteerIntoARunThatJustFinishedStartsANewRun) {
  Harness h({Kind("chat:*", QueueMode::kSteer)}, /*with_store=*/true);
  ASSERT_TRUE(h.Send("chat:a", "one"));
  h.backend.signal_result = FinishedRun;  // wf-1 ended; OnRunFinished has not come yet
  auto two = h.Send("chat:a", "two");
  ASSERT_TRUE(two) << two.error().ToString();
  EXPECT_EQ(two->action, InputAction::kStarted);  // handled as for an idle session: not lost
  EXPECT_EQ(two->workflow_id, "wf-2");
  EXPECT_EQ(h.backend.starts()[1].input, "two");
  h.Finish("wf-1");  // the late report changes nothing
  EXPECT_EQ(h.Active("chat:a"), "wf-2");
  EXPECT_EQ(h.backend.starts().size(), 2u);
}

TEST(SessionModesTest, SteerFailureIsReported) {
  Harness h({Kind("chat:*", QueueMode::kSteer)});
  ASSERT_TRUE(h.Send("chat:a", "one"));
  h.backend.signal_result = [](const FakeBackend::SignalCall&) -> Status {
    return MakeError(ErrorCode::kResourceExhausted, "too many signals");
  };
  auto two = h.Send("chat:a", "two");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(h.Active("chat:a"), "wf-1");
  EXPECT_EQ(h.Waiting("chat:a"), J("[]"));
}

TEST(SessionModesTest, InterruptSignalsTheRunAndTheNewestInputWins) {
  Harness h({Kind("chat:*", QueueMode::kInterrupt)}, /*with_store=*/true);
  ASSERT_TRUE(h.Send("chat:a", "one"));
  auto two = h.Send("chat:a", "two");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->action, InputAction::kInterrupted);
  EXPECT_EQ(two->workflow_id, "wf-1");
  EXPECT_EQ(two->position, 1u);
  auto signals = h.backend.signals();
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0].kind, "interrupt");
  EXPECT_EQ(signals[0].run, "wf-1");
  EXPECT_EQ(signals[0].payload.at("graceful"), false);
  EXPECT_TRUE(signals[0].payload.at("reason").is_string());
  auto three = h.Send("chat:a", "three");  // before wf-1 has ended
  EXPECT_EQ(three->action, InputAction::kInterrupted);
  EXPECT_EQ(three->dropped, std::vector<std::uint64_t>{two->seq});
  EXPECT_EQ(h.backend.signals().size(), 1u);  // wf-1 is already being interrupted
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["three"])"));
  EXPECT_EQ((*h.store->Scan(kSessionInputsTable, "")).size(), 1u);
  h.Finish("wf-1");
  ASSERT_EQ(h.backend.starts().size(), 2u);
  EXPECT_EQ(h.backend.starts()[1].input, "three");
  auto four = h.Send("chat:a", "four");  // wf-2 gets its own interrupt
  EXPECT_EQ(four->action, InputAction::kInterrupted);
  EXPECT_EQ(four->workflow_id, "wf-2");
  EXPECT_EQ(h.backend.signals().size(), 2u);
}

TEST(SessionModesTest, InterruptOfARunThatJustFinishedStartsAtOnce) {
  Harness h({Kind("chat:*", QueueMode::kInterrupt)});
  ASSERT_TRUE(h.Send("chat:a", "one"));
  h.backend.signal_result = FinishedRun;
  auto two = h.Send("chat:a", "two");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->action, InputAction::kStarted);
  EXPECT_EQ(two->workflow_id, "wf-2");
  h.Finish("wf-1");
  EXPECT_EQ(h.Active("chat:a"), "wf-2");
}

TEST(SessionModesTest, DropOldestAtTheCap) {
  Harness h({Kind("chat:*", QueueMode::kFollowup, 2, DropPolicy::kOldest)}, /*with_store=*/true);
  ASSERT_TRUE(h.Send("chat:a", "run"));
  auto a = h.Send("chat:a", "a");
  auto b = h.Send("chat:a", "b");
  auto c = h.Send("chat:a", "c");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->action, InputAction::kQueued);
  EXPECT_EQ(c->position, 2u);
  EXPECT_EQ(c->dropped, std::vector<std::uint64_t>{a->seq});
  EXPECT_TRUE(b->dropped.empty());
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["b", "c"])"));
  EXPECT_FALSE(*h.store->Get(kSessionInputsTable, InputKey("chat:a", a->seq)));  // gone from the store too
  EXPECT_EQ((*h.store->Scan(kSessionInputsTable, "")).size(), 2u);
  h.Finish("wf-1");
  EXPECT_EQ(h.backend.starts()[1].input, "b");
}

TEST(SessionModesTest, DropNewestRefusesTheInputAtTheCap) {
  Harness h({Kind("chat:*", QueueMode::kCollect, 2, DropPolicy::kNewest)}, /*with_store=*/true);
  ASSERT_TRUE(h.Send("chat:a", "run"));
  ASSERT_TRUE(h.Send("chat:a", "a"));
  ASSERT_TRUE(h.Send("chat:a", "b"));
  auto c = h.Send("chat:a", "c");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->action, InputAction::kDropped);
  EXPECT_EQ(InputActionName(c->action), "dropped");
  EXPECT_EQ(c->workflow_id, "wf-1");
  EXPECT_EQ(c->seq, 0u);
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["a", "b"])"));
  EXPECT_EQ((*h.store->Scan(kSessionInputsTable, "")).size(), 2u);
}

TEST(SessionModesTest, SummarizeMergesEveryWaitingInputAndTheNewOne) {
  auto kind = Kind("chat:*", QueueMode::kFollowup, 2, DropPolicy::kSummarize);
  kind.summarize = J(R"({"type": "function", "config": {"name": "merge"}})");
  Harness h({kind}, /*with_store=*/true);
  ASSERT_TRUE(h.Send("chat:a", "run"));
  auto a = h.Send("chat:a", "a");
  auto b = h.Send("chat:a", "b");
  EXPECT_TRUE(h.backend.summaries().empty());  // at the cap, not over it
  auto c = h.Send("chat:a", "c");
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->action, InputAction::kCoalesced);
  EXPECT_EQ(c->position, 1u);
  EXPECT_EQ(c->dropped, (std::vector<std::uint64_t>{a->seq, b->seq}));
  ASSERT_EQ(h.backend.summaries().size(), 1u);
  EXPECT_EQ(h.backend.summaries()[0], (std::vector<boost::json::value>{"a", "b", "c"}));
  EXPECT_EQ(h.Waiting("chat:a"), J(R"([{"summary": ["a", "b", "c"]}])"));
  EXPECT_EQ((*h.store->Scan(kSessionInputsTable, "")).size(), 1u);
  h.Finish("wf-1");
  EXPECT_EQ(h.backend.starts()[1].input, J(R"({"summary": ["a", "b", "c"]})"));
}

TEST(SessionModesTest, FailedSummaryRefusesTheInputAndKeepsTheWaitingOnes) {
  auto kind = Kind("chat:*", QueueMode::kFollowup, 1, DropPolicy::kSummarize);
  kind.summarize = J(R"({"type": "function"})");
  Harness h({kind});
  ASSERT_TRUE(h.Send("chat:a", "run"));
  ASSERT_TRUE(h.Send("chat:a", "a"));
  h.backend.summarize_result = [](const std::vector<boost::json::value>&) -> Result<boost::json::value> {
    return MakeError(ErrorCode::kUnavailable, "summarizer down");
  };
  auto b = h.Send("chat:a", "b");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(b.error().message().find("summarizer down"), std::string::npos);
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["a"])"));
}

TEST(SessionModesTest, DebounceStartsOnceInputsStopArriving) {
  Harness h({Kind("chat:*", QueueMode::kFollowup, 20, DropPolicy::kOldest, Millis(1000))});
  auto one = h.Send("chat:a", "one");
  EXPECT_EQ(one->action, InputAction::kQueued);
  EXPECT_EQ(one->workflow_id, "");
  h.clock.Advance(std::chrono::milliseconds(600));
  h.timers.RunDue();
  auto two = h.Send("chat:a", "two");  // restarts the wait
  EXPECT_EQ(two->action, InputAction::kQueued);
  EXPECT_EQ(two->position, 2u);
  h.clock.Advance(std::chrono::milliseconds(600));
  h.timers.RunDue();  // the first timer fires, but an input came since
  h.router->WaitIdle();
  EXPECT_TRUE(h.backend.starts().empty());
  h.clock.Advance(std::chrono::milliseconds(400));
  h.timers.RunDue();
  h.router->WaitIdle();
  ASSERT_EQ(h.backend.starts().size(), 1u);  // followup: the first starts, the rest wait
  EXPECT_EQ(h.backend.starts()[0].input, "one");
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["two"])"));
  EXPECT_EQ(h.Send("chat:a", "three")->action, InputAction::kQueued);  // a run is active: no debounce
  h.Finish("wf-1");
  EXPECT_EQ(h.backend.starts()[1].input, "two");  // at once, not debounced again
}

TEST(SessionModesTest, DebounceInCollectModeStartsOneRunWithEverything) {
  Harness h({Kind("chat:*", QueueMode::kCollect, 20, DropPolicy::kOldest, Millis(1000))}, /*with_store=*/true);
  EXPECT_EQ(h.Send("chat:a", "one")->action, InputAction::kQueued);
  EXPECT_EQ(h.Send("chat:a", "two")->action, InputAction::kCoalesced);
  EXPECT_EQ(h.Send("chat:a", "three")->action, InputAction::kCoalesced);
  h.clock.Advance(std::chrono::milliseconds(999));
  h.timers.RunDue();
  EXPECT_TRUE(h.backend.starts().empty());
  h.clock.Advance(std::chrono::milliseconds(1));
  h.timers.RunDue();
  h.router->WaitIdle();
  ASSERT_EQ(h.backend.starts().size(), 1u);
  EXPECT_EQ(h.backend.starts()[0].input, J(R"({"inputs": ["one", "two", "three"]})"));
  EXPECT_EQ(h.Active("chat:a"), "wf-1");
  EXPECT_EQ(h.Waiting("chat:a"), J("[]"));
}

TEST(SessionModesTest, DebounceInSteerModeSteersTheRestIntoTheNewRun) {
  Harness h({Kind("chat:*", QueueMode::kSteer, 20, DropPolicy::kOldest, Millis(100))});
  EXPECT_EQ(h.Send("chat:a", "one")->action, InputAction::kQueued);
  EXPECT_EQ(h.Send("chat:a", "two")->action, InputAction::kQueued);
  h.clock.Advance(std::chrono::milliseconds(100));
  h.timers.RunDue();
  h.router->WaitIdle();
  ASSERT_EQ(h.backend.starts().size(), 1u);
  EXPECT_EQ(h.backend.starts()[0].input, "one");
  auto signals = h.backend.signals();
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0].kind, "steer");
  EXPECT_EQ(signals[0].payload, J(R"({"parameters": {"input": "two"}})"));
  EXPECT_EQ(h.Waiting("chat:a"), J("[]"));
}

TEST(SessionModesTest, SteerKeepsOrderBehindInputsNotYetSteered) {
  Harness h({Kind("chat:*", QueueMode::kSteer, 20, DropPolicy::kOldest, Millis(100))});
  ASSERT_TRUE(h.Send("chat:a", "one"));
  ASSERT_TRUE(h.Send("chat:a", "two"));
  h.backend.signal_result = [](const FakeBackend::SignalCall&) -> Status {
    return MakeError(ErrorCode::kUnavailable, "signal store busy");
  };
  h.clock.Advance(std::chrono::milliseconds(100));
  h.timers.RunDue();
  h.router->WaitIdle();
  EXPECT_EQ(h.Active("chat:a"), "wf-1");
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["two"])"));  // steering it failed: it still waits
  h.backend.signal_result = nullptr;
  auto three = h.Send("chat:a", "three");
  EXPECT_EQ(three->action, InputAction::kQueued);  // not ahead of "two"
  h.router->WaitIdle();
  auto signals = h.backend.signals();
  ASSERT_EQ(signals.size(), 3u);
  EXPECT_EQ(signals[1].payload.at("parameters").at("input"), "two");
  EXPECT_EQ(signals[2].payload.at("parameters").at("input"), "three");
  EXPECT_EQ(h.Waiting("chat:a"), J("[]"));
  EXPECT_EQ(h.Send("chat:a", "four")->action, InputAction::kSteered);
}

TEST(SessionModesTest, FailedStartOfAWaitingInput) {
  Harness h({Kind("chat:*", QueueMode::kFollowup)});
  ASSERT_TRUE(h.Send("chat:a", "one"));
  ASSERT_TRUE(h.Send("chat:a", "bad"));
  ASSERT_TRUE(h.Send("chat:a", "good"));
  // A start that would fail again (the input is refused) drops that input and goes on.
  h.backend.start_result = [](const FakeBackend::StartCall& call) -> Result<std::string> {
    if (call.input == "bad") return MakeError(ErrorCode::kInvalidArgument, "input refused");
    return std::string("wf-ok");
  };
  h.Finish("wf-1");
  EXPECT_EQ(h.backend.starts().size(), 3u);
  EXPECT_EQ(h.Active("chat:a"), "wf-ok");
  EXPECT_EQ(h.Waiting("chat:a"), J("[]"));
  // A start that may pass keeps the inputs waiting until the next input retries.
  ASSERT_TRUE(h.Send("chat:a", "later"));
  h.backend.start_result = [](const FakeBackend::StartCall&) -> Result<std::string> {
    return MakeError(ErrorCode::kUnavailable, "engine stopping");
  };
  h.Finish("wf-ok");
  EXPECT_EQ(h.backend.starts().size(), 4u);
  EXPECT_EQ(h.Active("chat:a"), "");
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["later"])"));
  h.backend.start_result = nullptr;
  auto next = h.Send("chat:a", "more");
  EXPECT_EQ(next->action, InputAction::kQueued);
  EXPECT_EQ(next->position, 2u);
  h.router->WaitIdle();
  EXPECT_EQ(h.backend.starts()[4].input, "later");  // the retry starts the oldest first
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["more"])"));
}

}  // namespace
}  // namespace goclaw::signal
