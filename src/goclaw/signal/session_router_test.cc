// The router's contract apart from the queue modes (session_modes_test.cc) and restarts
// (session_recovery_test.cc): starting runs, errors, run ends, ordering, threads, durability.
#include "goclaw/signal/session_router.h"

#include <gtest/gtest.h>

#include <thread>

#include "goclaw/signal/test_session_backend.h"

namespace goclaw::signal {
namespace {

using testing::Harness;
using testing::J;
using testing::Kind;

TEST(SessionRouterTest, IdleSessionStartsARunWithTheInput) {
  Harness h({Kind("ops:*", QueueMode::kSteer), Kind("chat:*", QueueMode::kFollowup)});
  auto out = h.Send("chat:alice", J(R"({"text": "hi"})"));
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ(out->action, InputAction::kStarted);
  EXPECT_EQ(InputActionName(out->action), "started");
  EXPECT_EQ(out->workflow_id, "wf-1");
  EXPECT_EQ(out->position, 0u);
  auto starts = h.backend.starts();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].kind, 1u);
  EXPECT_EQ(starts[0].session, "chat:alice");
  EXPECT_EQ(starts[0].input, J(R"({"text": "hi"})"));
  auto view = h.router->Get("chat:alice");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->active_run, "wf-1");
  EXPECT_EQ(view->match, "chat:*");
  EXPECT_EQ(view->queue_mode, QueueMode::kFollowup);
  EXPECT_TRUE(view->waiting.empty());
  SessionPage page = h.router->List(10, 0);
  ASSERT_EQ(page.total, 1u);
  EXPECT_EQ(page.sessions[0].key, "chat:alice");
  EXPECT_EQ(page.sessions[0].active_run, "wf-1");
}

TEST(SessionRouterTest, UnknownSessionsAndBadKeysAreRefused) {
  Harness h({Kind("chat:*", QueueMode::kFollowup), Kind("ops:pager", QueueMode::kInterrupt)});
  auto unknown = h.Send("mail:bob", "x");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message().find("configured patterns: chat:*, ops:pager"), std::string::npos);
  for (std::string bad : {std::string(""), std::string("chat:a b"), std::string(300, 'c'), std::string("chat:\n")}) {
    auto r = h.Send(bad, "x");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(h.router->Get("mail:bob").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(h.router->Get("a b").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(h.backend.starts().empty());
  auto idle = h.router->Get("ops:pager");  // a known kind with nothing going on
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->active_run, "");
  EXPECT_EQ(idle->queue_mode, QueueMode::kInterrupt);
}

TEST(SessionRouterTest, OversizedInputIsRefused) {
  FakeClock clock;
  ManualTimerQueue timers(clock);
  testing::FakeBackend backend;
  RouterOptions options;
  options.kinds = {Kind("chat:*", QueueMode::kFollowup)};
  options.max_input_bytes = 16;
  auto router = SessionRouter::Create(std::move(options), backend, clock, timers);
  ASSERT_TRUE(router);
  auto big = testing::Send(**router, "chat:a", boost::json::string(std::string(20, 'x')));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(big.error().message().find("22 bytes of JSON; at most 16"), std::string::npos) << big.error().message();
  EXPECT_TRUE(testing::Send(**router, "chat:a", "small"));
}

TEST(SessionRouterTest, FailedStartLeavesTheSessionIdle) {
  Harness h({Kind("chat:*", QueueMode::kFollowup)}, /*with_store=*/true);
  h.backend.start_result = [](const testing::FakeBackend::StartCall&) -> Result<std::string> {
    return MakeError(ErrorCode::kInvalidArgument, "workflow does not compile");
  };
  auto out = h.Send("chat:a", "hello");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(), "workflow does not compile");
  h.router->WaitIdle();
  EXPECT_EQ(h.Active("chat:a"), "");
  EXPECT_EQ(h.Waiting("chat:a"), J("[]"));
  EXPECT_EQ(h.router->List(0, 0).total, 0u);
  EXPECT_TRUE((*h.store->Scan(kSessionsTable, "")).empty());  // the input is not kept
  h.backend.start_result = nullptr;
  auto again = h.Send("chat:a", "hello");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->action, InputAction::kStarted);
}

TEST(SessionRouterTest, RunEndStartsTheNextInputExactlyOnce) {
  Harness h({Kind("chat:*", QueueMode::kFollowup)});
  ASSERT_EQ(h.Send("chat:a", "one")->workflow_id, "wf-1");
  auto two = h.Send("chat:a", "two");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->action, InputAction::kQueued);
  EXPECT_EQ(two->workflow_id, "wf-1");
  EXPECT_EQ(two->position, 1u);
  h.Finish("wf-1");
  h.Finish("wf-1");  // repeated
  h.Finish("wf-unknown");
  h.Finish("");
  auto starts = h.backend.starts();
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[1].input, "two");
  EXPECT_EQ(h.Active("chat:a"), "wf-2");
  h.Finish("wf-2");
  EXPECT_EQ(h.Active("chat:a"), "");
  EXPECT_EQ(h.router->List(0, 0).total, 0u);
  EXPECT_EQ(h.backend.starts().size(), 2u);
}

TEST(SessionRouterTest, RunThatEndsBeforeItsStartAnswersIsSettled) {
  Harness h({Kind("chat:*", QueueMode::kFollowup)});
  // The engine reports the end (OnRunFinished) before StartRun's done reaches the router.
  h.backend.before_start_done = [&](const std::string& id) { h.router->OnRunFinished(id); };
  auto out = h.Send("chat:a", "one");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->action, InputAction::kStarted);
  h.router->WaitIdle();
  EXPECT_EQ(h.Active("chat:a"), "");  // not stuck behind a run that is over
  h.backend.before_start_done = nullptr;
  EXPECT_EQ(h.Send("chat:a", "two")->action, InputAction::kStarted);
}

TEST(SessionRouterTest, EndOfAnotherRunDuringAStartIsNotMistakenForIt) {
  Harness h({Kind("chat:*", QueueMode::kFollowup)});
  h.backend.defer_starts = true;
  std::optional<Result<InputOutcome>> got;
  h.router->Input("chat:a", "one", [&](Result<InputOutcome> r) { got = std::move(r); });
  ASSERT_EQ(h.backend.starts().size(), 1u);
  h.router->OnRunFinished("wf-other");  // some other workflow ends meanwhile
  h.backend.CompleteStart(0, std::string("wf-7"));
  h.router->WaitIdle();
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->workflow_id, "wf-7");
  EXPECT_EQ(h.Active("chat:a"), "wf-7");
}

TEST(SessionRouterTest, InputsWaitingForAStartAreDecidedInArrivalOrder) {
  Harness h({Kind("chat:*", QueueMode::kFollowup)});
  h.backend.defer_starts = true;
  std::vector<Result<InputOutcome>> got;
  for (const char* text : {"one", "two", "three"}) {
    h.router->Input("chat:a", text, [&](Result<InputOutcome> r) { got.push_back(std::move(r)); });
  }
  EXPECT_TRUE(got.empty());  // the first input's start has not answered: nothing decided yet
  ASSERT_EQ(h.backend.starts().size(), 1u);
  h.backend.CompleteStart(0, std::string("wf-1"));
  h.router->WaitIdle();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0]->action, InputAction::kStarted);
  EXPECT_EQ(got[1]->action, InputAction::kQueued);
  EXPECT_EQ(got[1]->position, 1u);
  EXPECT_EQ(got[2]->position, 2u);
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["two", "three"])"));
}

TEST(SessionRouterTest, ConcurrentInputsKeepEachSendersOrder) {
  Harness h({Kind("chat:*", QueueMode::kFollowup, 100000)}, /*with_store=*/true);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&h, t] {
        for (int i = 0; i < kPerThread; ++i) {
          auto out = h.Send("chat:a", boost::json::array{t, i});
          GOCLAW_CHECK(out.has_value());
        }
      });
    }
  }
  h.router->WaitIdle();
  ASSERT_EQ(h.backend.starts().size(), 1u);  // one run; everything else waits
  boost::json::value waiting = h.Waiting("chat:a");
  ASSERT_EQ(waiting.as_array().size(), std::size_t{kThreads * kPerThread - 1});
  std::vector<int> last(kThreads, -1);
  last[h.backend.starts()[0].input.at(0).to_number<int>()] = 0;
  for (const auto& w : waiting.as_array()) {
    const int t = w.at(0).to_number<int>();
    const int i = w.at(1).to_number<int>();
    EXPECT_EQ(i, last[t] + 1) << "thread " << t;  // a sender's inputs wait in the order it sent them
    last[t] = i;
  }
  auto view = h.router->Get("chat:a");
  for (std::size_t i = 1; i < view->waiting.size(); ++i) EXPECT_LT(view->waiting[i - 1].seq, view->waiting[i].seq);
}

TEST(SessionRouterTest, AnswersOnlyWhatIsStored) {
  Harness h({Kind("chat:*", QueueMode::kFollowup)}, /*with_store=*/true);
  ASSERT_TRUE(h.Send("chat:a", "one"));
  auto two = h.Send("chat:a", J(R"({"text": "two"})"));
  ASSERT_TRUE(two);
  // Answered means written: read the tables directly.
  auto record = h.store->Get(kSessionsTable, "chat:a");
  ASSERT_TRUE(record && *record);
  EXPECT_EQ(**record, R"({"active":"wf-1","next_seq":2})");
  auto input = h.store->Get(kSessionInputsTable, InputKey("chat:a", two->seq));
  ASSERT_TRUE(input && *input);
  EXPECT_EQ(DecodeInputRecord(two->seq, **input)->input, J(R"({"text": "two"})"));
  auto view = h.router->Get("chat:a");
  EXPECT_EQ(view->waiting[0].enqueued_at, h.clock.Now());
  h.Finish("wf-1");
  h.Finish("wf-2");
  EXPECT_TRUE((*h.store->Scan(kSessionsTable, "")).empty());  // idle sessions leave no entry
  EXPECT_TRUE((*h.store->Scan(kSessionInputsTable, "")).empty());
}

TEST(SessionRouterTest, StoreFailureRefusesTheInput) {
  auto faults = std::make_shared<store::WriteFaults>();
  Harness h({Kind("chat:*", QueueMode::kFollowup)});
  auto opened = store::OpenMemoryStore({.faults = faults, .tables = SessionTables()});
  ASSERT_TRUE(opened);
  h.store = std::move(*opened);
  h.Restart({Kind("chat:*", QueueMode::kFollowup)});
  ASSERT_TRUE(h.Send("chat:a", "one"));
  faults->no_space = true;
  auto two = h.Send("chat:a", "two");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(h.Waiting("chat:a"), J("[]"));  // not kept in memory either
  faults->no_space = false;
  EXPECT_EQ(h.Send("chat:a", "three")->position, 1u);
}

TEST(SessionRouterTest, ShutdownRefusesInputsAndIgnoresLaterTimers) {
  Harness h({Kind("chat:*", QueueMode::kFollowup, 20, DropPolicy::kOldest, Millis(500))});
  EXPECT_EQ(h.Send("chat:a", "one")->action, InputAction::kQueued);  // debouncing
  h.router->Shutdown();
  auto refused = h.Send("chat:a", "two");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
  h.router.reset();
  h.clock.Advance(std::chrono::seconds(1));
  EXPECT_EQ(h.timers.RunDue(), 1);  // the debounce timer fires into a router that is gone
  EXPECT_TRUE(h.backend.starts().empty());
}

TEST(SessionRouterTest, PostRunsWorkWithoutACallerOnTheGivenExecutor) {
  FakeClock clock;
  ManualTimerQueue timers(clock);
  testing::FakeBackend backend;
  std::vector<UniqueFunction<void()>> posted;
  RouterOptions options;
  options.kinds = {Kind("chat:*", QueueMode::kFollowup)};
  options.post = [&posted](UniqueFunction<void()> fn) { posted.push_back(std::move(fn)); };
  auto router = SessionRouter::Create(std::move(options), backend, clock, timers);
  ASSERT_TRUE(router);
  ASSERT_TRUE(testing::Send(**router, "chat:a", "one"));  // a caller's input runs on its thread
  ASSERT_TRUE(testing::Send(**router, "chat:a", "two"));
  EXPECT_TRUE(posted.empty());
  (*router)->OnRunFinished("wf-1");
  EXPECT_EQ(backend.starts().size(), 1u);  // not on the engine's thread
  ASSERT_EQ(posted.size(), 1u);
  posted[0]();
  EXPECT_EQ(backend.starts().size(), 2u);
  EXPECT_EQ(backend.starts()[1].input, "two");
}

TEST(SessionRouterTest, EndReportsQueuedTogetherStartTheNextRunOnce) {
  FakeClock clock;
  ManualTimerQueue timers(clock);
  testing::FakeBackend backend;
  std::vector<UniqueFunction<void()>> posted;
  RouterOptions options;
  options.kinds = {Kind("chat:*", QueueMode::kFollowup)};
  options.post = [&posted](UniqueFunction<void()> fn) { posted.push_back(std::move(fn)); };
  auto router = SessionRouter::Create(std::move(options), backend, clock, timers);
  ASSERT_TRUE(router);
  for (const char* text : {"one", "two", "three"}) ASSERT_TRUE(testing::Send(**router, "chat:a", text));
  for (int i = 0; i < 3; ++i) (*router)->OnRunFinished("wf-1");  // reported three times at once
  ASSERT_EQ(posted.size(), 1u);  // one pump runs the session's three items
  posted[0]();
  ASSERT_EQ(backend.starts().size(), 2u);
  EXPECT_EQ(backend.starts()[1].input, "two");
  auto view = (*router)->Get("chat:a");
  EXPECT_EQ(view->active_run, "wf-2");
  ASSERT_EQ(view->waiting.size(), 1u);
  EXPECT_EQ(view->waiting[0].input, "three");
}

}  // namespace
}  // namespace goclaw::signal
