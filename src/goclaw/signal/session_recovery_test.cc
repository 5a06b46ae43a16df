// Restarts: a new router over the same store (session_router.h Recover).
#include <gtest/gtest.h>

#include "goclaw/signal/session_router.h"
#include "goclaw/signal/session_tables.h"
#include "goclaw/signal/test_session_backend.h"

namespace goclaw::signal {
namespace {

using testing::Harness;
using testing::J;
using testing::Kind;

std::vector<config::SessionKindConfig> Kinds() {
  return {Kind("chat:*", QueueMode::kFollowup), Kind("team:*", QueueMode::kCollect),
          Kind("slow:*", QueueMode::kFollowup, 20, DropPolicy::kOldest, Millis(5000))};
}

// chat:a runs wf-1 with "b", "c", "d" waiting.
void Prepare(Harness& h) {
  ASSERT_EQ(h.Send("chat:a", "a")->workflow_id, "wf-1");
  for (const char* text : {"b", "c", "d"}) ASSERT_EQ(h.Send("chat:a", text)->action, InputAction::kQueued);
}

TEST(SessionRecoveryTest, RunStillActiveAfterRestartKeepsEverythingWaiting) {
  Harness h(Kinds(), /*with_store=*/true);
  Prepare(h);
  h.Restart(Kinds());  // wf-1 is still running
  ASSERT_TRUE(h.router->Recover());
  h.router->WaitIdle();
  EXPECT_EQ(h.backend.starts().size(), 1u);  // nothing started
  EXPECT_EQ(h.Active("chat:a"), "wf-1");
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["b", "c", "d"])"));
  auto e = h.Send("chat:a", "e");  // new inputs queue after the recovered ones
  EXPECT_EQ(e->position, 4u);
  h.Finish("wf-1");  // the engine reports the end after the restart
  ASSERT_EQ(h.backend.starts().size(), 2u);
  EXPECT_EQ(h.backend.starts()[1].input, "b");
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["c", "d", "e"])"));
}

TEST(SessionRecoveryTest, RunThatEndedWhileDownStartsTheNextOnce) {
  Harness h(Kinds(), /*with_store=*/true);
  Prepare(h);
  h.router->Shutdown();  // its end is not reported before the restart
  h.backend.finished.insert("wf-1");
  h.Restart(Kinds());
  ASSERT_TRUE(h.router->Recover());
  h.router->WaitIdle();
  ASSERT_EQ(h.backend.starts().size(), 2u);
  EXPECT_EQ(h.backend.starts()[1].input, "b");
  const std::string run = h.Active("chat:a");
  EXPECT_EQ(run, "wf-2");
  h.Finish("wf-1");  // late and repeated reports start nothing
  h.Finish("wf-1");
  EXPECT_EQ(h.backend.starts().size(), 2u);
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["c", "d"])"));

  // And again: a second restart sees what the first one did.
  h.Restart(Kinds());
  ASSERT_TRUE(h.router->Recover());
  h.router->WaitIdle();
  EXPECT_EQ(h.backend.starts().size(), 2u);
  EXPECT_EQ(h.Active("chat:a"), "wf-2");
  h.Finish("wf-2");
  h.Finish("wf-3");
  h.Finish("wf-4");
  auto starts = h.backend.starts();
  ASSERT_EQ(starts.size(), 4u);
  EXPECT_EQ(starts[2].input, "c");
  EXPECT_EQ(starts[3].input, "d");
  EXPECT_EQ(h.router->List(0, 0).total, 0u);
}

// A start's id and inputs are recorded before the start: the state a crash leaves between the
// two is the stored record of `run` with "b" (seq 1) starting, c and d waiting.
void CrashWhileStarting(Harness& h, const std::string& run) {
  Prepare(h);
  h.router->Shutdown();
  store::StoreBatch batch;
  SessionRecord record{run, 4, {1}};
  batch.mutations.push_back(store::TableMutation::Put(std::string(kSessionsTable), "chat:a", EncodeSessionRecord(record)));
  ASSERT_TRUE(h.store->CommitAndWait(std::move(batch)));
  h.backend.finished.insert("wf-1");
}

TEST(SessionRecoveryTest, ARecordedStartThatNeverHappenedStartsOnceAfterARestart) {
  Harness h(Kinds(), /*with_store=*/true);
  CrashWhileStarting(h, "wf-9");
  h.backend.unknown.insert("wf-9");  // the engine never stored it
  h.Restart(Kinds());
  ASSERT_TRUE(h.router->Recover());
  h.router->WaitIdle();
  auto starts = h.backend.starts();
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[1].input, "b");
  EXPECT_FALSE(starts[1].run_id.empty());
  EXPECT_NE(starts[1].run_id, "wf-9");  // a new id: the recorded one never ran
  EXPECT_EQ(h.Active("chat:a"), starts[1].run_id);
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["c", "d"])"));
  auto stored = h.store->Get(kSessionsTable, "chat:a");
  ASSERT_TRUE(stored && *stored);
  EXPECT_TRUE(DecodeSessionRecord(**stored)->starting.empty());  // confirmed
}

TEST(SessionRecoveryTest, ARecordedStartThatHappenedIsNotStartedAgain) {
  Harness h(Kinds(), /*with_store=*/true);
  CrashWhileStarting(h, "wf-9");  // wf-9 exists and runs: it was started for "b"
  h.Restart(Kinds());
  ASSERT_TRUE(h.router->Recover());
  h.router->WaitIdle();
  EXPECT_EQ(h.backend.starts().size(), 1u);  // "b" is not started again
  EXPECT_EQ(h.Active("chat:a"), "wf-9");
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["c", "d"])"));
  h.Restart(Kinds());  // and the confirmation was written: a second restart agrees
  ASSERT_TRUE(h.router->Recover());
  h.router->WaitIdle();
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["c", "d"])"));
  h.Finish("wf-9");
  ASSERT_EQ(h.backend.starts().size(), 2u);
  EXPECT_EQ(h.backend.starts()[1].input, "c");
}

TEST(SessionRecoveryTest, RunTheEngineNoLongerKnowsCountsAsEnded) {
  Harness h(Kinds(), /*with_store=*/true);
  Prepare(h);
  h.backend.unknown.insert("wf-1");  // erased by retention while the server was down
  h.Restart(Kinds());
  ASSERT_TRUE(h.router->Recover());
  h.router->WaitIdle();
  EXPECT_EQ(h.backend.starts().size(), 2u);
}

TEST(SessionRecoveryTest, CollectSessionStartsOneRunWithEverythingThatWaited) {
  Harness h(Kinds(), /*with_store=*/true);
  ASSERT_TRUE(h.Send("team:x", "a"));
  ASSERT_TRUE(h.Send("team:x", "b"));
  ASSERT_TRUE(h.Send("team:x", "c"));
  h.backend.finished.insert("wf-1");
  h.Restart(Kinds());
  ASSERT_TRUE(h.router->Recover());
  h.router->WaitIdle();
  ASSERT_EQ(h.backend.starts().size(), 2u);
  EXPECT_EQ(h.backend.starts()[1].input, J(R"({"inputs": ["b", "c"]})"));
}

TEST(SessionRecoveryTest, InputsThatWaitedForADebounceStartAfterARestart) {
  Harness h(Kinds(), /*with_store=*/true);
  EXPECT_EQ(h.Send("slow:q", "a")->action, InputAction::kQueued);
  EXPECT_EQ(h.Send("slow:q", "b")->action, InputAction::kQueued);
  h.Restart(Kinds());  // the timer dies with the process
  ASSERT_TRUE(h.router->Recover());
  h.router->WaitIdle();
  ASSERT_EQ(h.backend.starts().size(), 1u);
  EXPECT_EQ(h.backend.starts()[0].input, "a");
  EXPECT_EQ(h.Waiting("slow:q"), J(R"(["b"])"));
}

TEST(SessionRecoveryTest, SessionsNoKindServesStayStoredUntouched) {
  Harness h(Kinds(), /*with_store=*/true);
  Prepare(h);
  h.backend.finished.insert("wf-1");
  h.Restart({Kind("team:*", QueueMode::kCollect)});  // chat:* was removed from the config
  ASSERT_TRUE(h.router->Recover());
  h.router->WaitIdle();
  EXPECT_EQ(h.backend.starts().size(), 1u);
  EXPECT_EQ(h.router->List(0, 0).total, 0u);
  EXPECT_EQ((*h.store->Scan(kSessionInputsTable, "")).size(), 3u);
  h.Restart(Kinds());  // and back
  ASSERT_TRUE(h.router->Recover());
  h.router->WaitIdle();
  EXPECT_EQ(h.backend.starts().size(), 2u);
}

TEST(SessionRecoveryTest, LoweredCapDropsEveryInputOverIt) {
  Harness h(Kinds(), /*with_store=*/true);
  Prepare(h);  // three waiting
  auto b = h.router->Get("chat:a")->waiting;
  h.Restart({Kind("chat:*", QueueMode::kFollowup, 2)});
  ASSERT_TRUE(h.router->Recover());
  auto e = h.Send("chat:a", "e");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->position, 2u);
  EXPECT_EQ(e->dropped, (std::vector<std::uint64_t>{b[0].seq, b[1].seq}));
  EXPECT_EQ(h.Waiting("chat:a"), J(R"(["d", "e"])"));
  EXPECT_EQ((*h.store->Scan(kSessionInputsTable, "")).size(), 2u);
}

TEST(SessionRecoveryTest, RecoverRunsOnceBeforeInputs) {
  Harness h(Kinds(), /*with_store=*/true);
  ASSERT_TRUE(h.router->Recover());
  auto again = h.router->Recover();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  h.Restart(Kinds());
  ASSERT_TRUE(h.Send("chat:a", "a"));
  EXPECT_FALSE(h.router->Recover());
}

TEST(SessionRecoveryTest, BackendErrorFailsRecovery) {
  Harness h(Kinds(), /*with_store=*/true);
  Prepare(h);
  h.router.reset();
  // RunFinished fails for a reason other than "not found": Recover reports it, starts nothing.
  class Failing final : public SessionBackend {
   public:
    std::string NewRunId() override { return "wf-x"; }
    void StartRun(std::size_t, const std::string&, boost::json::value, const std::string&,
                  UniqueFunction<void(Result<std::string>)> done) override {
      ++starts;
      done(std::string("wf-x"));
    }
    void SignalRun(const std::string&, std::string, boost::json::value, UniqueFunction<void(Status)> done) override {
      done(OkStatus());
    }
    Result<bool> RunFinished(const std::string&) override {
      return MakeError(ErrorCode::kUnavailable, "engine not ready");
    }
    void Summarize(std::size_t, std::vector<boost::json::value>,
                   UniqueFunction<void(Result<boost::json::value>)> done) override {
      done(boost::json::value());
    }
    int starts = 0;
  } failing;
  RouterOptions options;
  options.kinds = Kinds();
  options.store = h.store.get();
  auto router = SessionRouter::Create(std::move(options), failing, h.clock, h.timers);
  ASSERT_TRUE(router);
  auto recovered = (*router)->Recover();
  ASSERT_FALSE(recovered);
  EXPECT_EQ(recovered.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(recovered.error().message().find("recovering session chat:a (run wf-1)"), std::string::npos)
      << recovered.error().message();
  EXPECT_EQ(failing.starts, 0);
}

}  // namespace
}  // namespace goclaw::signal
