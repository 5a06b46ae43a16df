// WorkerHub unit tests: fake links and probe attempts, a fake clock and manual timers (no
// network, no sleeps).
#include "goclaw/worker/worker_hub.h"

#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/worker/worker_metrics.h"
#include "goclaw/worker/worker_test_util.h"

namespace goclaw::worker {
namespace {

using ::testing::ElementsAre;
using testing::FakeLink;
using ::testing::HasSubstr;
using testing::MakeHello;
using testing::Probe;
using testing::Work;
using Kind = exec::AttemptReport::Kind;

class WorkerHubTest : public ::testing::Test {
 protected:
  WorkerHubTest() : timers_(clock_) {
    config_.heartbeat_interval = Millis(1000);
    config_.heartbeat_timeout = Millis(5000);
    config_.max_workers = 3;
    config_.max_capacity = 100;
    config_.max_lost_attempts = 2;
    config_.max_log_line_bytes = 16;
    hub_ = WorkerHub::Create({.config = config_, .clock = &clock_, .timers = &timers_, .seed = 1});
  }

  // Connects a worker; returns its id (the test fails if refused).
  std::string Connect(const std::shared_ptr<FakeLink>& link, std::string name,
                      std::vector<std::string> queues, std::int64_t capacity) {
    auto id = hub_->Connect(MakeHello(std::move(name), std::move(queues), capacity), link);
    EXPECT_TRUE(id) << id.error().ToString();
    return id ? *id : std::string();
  }

  void Submit(Probe& p, std::string task, int attempt, std::string queue,
              std::string workflow = "wf-1") {
    hub_->Submit(Work(std::move(workflow), std::move(task), attempt, std::move(queue)), p.channel(),
                 p.Done());
  }

  // Probes live in the fixture, longer than the hub: its Shutdown may still call them.
  Probe& NewProbe() { return *probes_.emplace_back(std::make_unique<Probe>()); }

  void Advance(Millis d) {
    clock_.Advance(d);
    timers_.RunDue();
  }

  config::WorkersConfig config_;
  FakeClock clock_;
  ManualTimerQueue timers_;
  std::vector<std::unique_ptr<Probe>> probes_;
  std::shared_ptr<WorkerHub> hub_;
};

TEST_F(WorkerHubTest, WelcomesThenAssignsUpToCreditsAndTheNextOnEachResult) {
  Probe &a = NewProbe(), &b = NewProbe(), &c = NewProbe();
  Submit(a, "a", 1, "q");
  Submit(b, "b", 1, "q");
  Submit(c, "c", 1, "q");
  auto link = std::make_shared<FakeLink>();
  const std::string id = Connect(link, "w1", {"q"}, 2);
  EXPECT_THAT(id, HasSubstr("wk-"));
  auto welcome = link->Of<Welcome>();
  ASSERT_EQ(welcome.size(), 1u);
  EXPECT_EQ(welcome[0].worker_id, id);
  EXPECT_EQ(welcome[0].heartbeat_interval_ms, 1000);
  EXPECT_EQ(welcome[0].heartbeat_timeout_ms, 5000);
  ASSERT_TRUE(
      std::holds_alternative<Welcome>(link->sent().front()));  // first, before any assignment
  // Oldest first, and never more than the capacity.
  EXPECT_THAT(link->assigned(), ElementsAre("wf-1/a/1", "wf-1/b/1"));
  EXPECT_GE(link->flushes(), 1);
  auto counters = hub_->Counters();
  EXPECT_EQ(counters.waiting["q"], 1u);
  EXPECT_EQ(counters.held, 2);
  EXPECT_THAT(c.lines(),
              ElementsAre("status: waiting for a worker of queue q (none is connected)"));
  EXPECT_THAT(a.lines(), ElementsAre("status: waiting for a worker of queue q (none is connected)",
                                     "status: assigned to worker w1 (" + id + ")"));

  EXPECT_TRUE(hub_->OnResult(id, {"wf-1/a/1", true, "{\"answer\": 42}", "", false}));
  ASSERT_EQ(a.done_calls(), 1);
  ASSERT_TRUE(a.result()->output) << a.result()->output.error().message();
  EXPECT_EQ(*a.result()->output, (boost::json::object{{"answer", 42}}));
  // The ack, then the next attempt on the freed credit.
  auto sent = link->sent();
  ASSERT_GE(sent.size(), 2u);
  const auto* ack = std::get_if<ResultAck>(&sent[sent.size() - 2]);
  ASSERT_NE(ack, nullptr);
  EXPECT_TRUE(ack->accepted);
  EXPECT_EQ(ack->attempt_id, "wf-1/a/1");
  EXPECT_EQ(std::get<Assignment>(sent.back()).attempt_id, "wf-1/c/1");
  EXPECT_EQ(hub_->Counters().waiting["q"], 0u);

  // A failure keeps the worker's retryable flag; no output is null.
  EXPECT_TRUE(hub_->OnResult(id, {"wf-1/b/1", false, "", "model overloaded", true}));
  ASSERT_FALSE(b.result()->output);
  EXPECT_EQ(b.result()->output.error().message(), "model overloaded");
  EXPECT_TRUE(b.result()->retryable);
  EXPECT_TRUE(hub_->OnResult(id, {"wf-1/c/1", true, "", "", false}));
  EXPECT_TRUE(c.result()->output->is_null());
  EXPECT_EQ(hub_->Counters().results_accepted, 3u);
  EXPECT_EQ(hub_->Counters().assignments, 3u);
}

TEST_F(WorkerHubTest, AttemptsGoOnlyToWorkersOfTheirQueueTheFreestFirst) {
  auto a = std::make_shared<FakeLink>(), b = std::make_shared<FakeLink>(),
       b2 = std::make_shared<FakeLink>();
  Connect(a, "wa", {"alpha"}, 5);
  Connect(b, "wb", {"beta", "shared"}, 2);
  Connect(b2, "wb2", {"beta"}, 2);
  Probe &p1 = NewProbe(), &p2 = NewProbe(), &p3 = NewProbe(), &p4 = NewProbe();
  Submit(p1, "t1", 1, "beta");
  Submit(p2, "t2", 1, "beta");
  Submit(p3, "t3", 1, "beta");
  Submit(p4, "t4", 1, "gamma");  // nobody serves it: it waits
  EXPECT_TRUE(a->assigned().empty());
  EXPECT_EQ(b->assigned().size() + b2->assigned().size(), 3u);
  EXPECT_EQ(
      std::abs(static_cast<int>(b->assigned().size()) - static_cast<int>(b2->assigned().size())),
      1);
  auto snapshot = hub_->Snapshot();
  ASSERT_EQ(snapshot.queues.size(), 4u);  // alpha, beta, gamma, shared
  EXPECT_EQ(snapshot.queues[2].name, "gamma");
  EXPECT_EQ(snapshot.queues[2].waiting, 1u);
  EXPECT_EQ(snapshot.queues[2].workers, 0u);
  // The freed credit of a worker serving two queues goes to the oldest waiting attempt of either.
  Probe& p5 = NewProbe();
  Submit(p5, "t5", 1, "shared");
  const std::string held = b->assigned().front();
  const std::string b_id = b->Of<Welcome>()[0].worker_id;
  EXPECT_TRUE(hub_->OnResult(b_id, {held, true, "1", "", false}));
  EXPECT_EQ(b->assigned().back(), "wf-1/t5/1");
}

TEST_F(WorkerHubTest, AWaitingQueueIsServedByTheFirstWorkerThatNamesIt) {
  Probe& p = NewProbe();
  Submit(p, "t", 1, "gpu");
  auto link = std::make_shared<FakeLink>();
  Connect(link, "w", {"cpu", "gpu", "gpu"}, 1);  // a repeated queue counts once
  EXPECT_THAT(link->assigned(), ElementsAre("wf-1/t/1"));
  auto snapshot = hub_->Snapshot();
  ASSERT_EQ(snapshot.workers.size(), 1u);
  EXPECT_THAT(snapshot.workers[0].queues, ElementsAre("cpu", "gpu"));
  EXPECT_EQ(snapshot.workers[0].free_credits, 0);
  EXPECT_THAT(snapshot.workers[0].attempts, ElementsAre("wf-1/t/1"));
}

TEST_F(WorkerHubTest, ASilentWorkerIsLostItsAttemptsRunAgainElsewhereAndItsLateResultIsRefused) {
  auto w1 = std::make_shared<FakeLink>(), w2 = std::make_shared<FakeLink>();
  const std::string id1 = Connect(w1, "w1", {"q"}, 1);
  Probe& first = NewProbe();
  Submit(first, "t", 1, "q");
  ASSERT_THAT(w1->assigned(), ElementsAre("wf-1/t/1"));
  Advance(Millis(2000));
  const std::string id2 = Connect(w2, "w2", {"q"}, 1);
  Advance(Millis(2000));
  EXPECT_TRUE(hub_->OnHeartbeat(id2));  // w2 keeps talking; w1 does not
  EXPECT_EQ(first.done_calls(), 0);
  Advance(Millis(1000));  // 5s since w1 was heard
  ASSERT_EQ(first.done_calls(), 1);
  EXPECT_TRUE(first.result()->lost);
  EXPECT_THAT(first.result()->output.error().message(),
              HasSubstr("worker w1 lost: nothing heard for 5s (workers.heartbeat_timeout)"));
  ASSERT_TRUE(w1->closed());
  EXPECT_EQ(w1->closed()->code(), ErrorCode::kUnavailable);
  EXPECT_EQ(hub_->Counters().connected, 1);
  EXPECT_EQ(hub_->Counters().reassignments, 1u);

  // The engine runs the task again as attempt 2: it goes to w2.
  Probe& second = NewProbe();
  Submit(second, "t", 2, "q");
  EXPECT_THAT(w2->assigned(), ElementsAre("wf-1/t/2"));
  // w1 comes back (a new stream, a new id) and reports its old attempt: refused, unseen.
  auto again = std::make_shared<FakeLink>();
  const std::string id1b = Connect(again, "w1", {"q"}, 1);
  EXPECT_FALSE(hub_->OnProgress(id1b, "wf-1/t/1", 0.9, "almost"));
  EXPECT_FALSE(hub_->OnResult(id1b, {"wf-1/t/1", true, "1", "", false}));
  auto acks = again->Of<ResultAck>();
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_FALSE(acks[0].accepted);
  EXPECT_THAT(acks[0].reason, HasSubstr("not held by this worker"));
  // Nor may it finish w2's attempt; the old id is gone altogether.
  EXPECT_FALSE(hub_->OnResult(id1b, {"wf-1/t/2", true, "1", "", false}));
  EXPECT_THAT(again->Of<ResultAck>()[1].reason, HasSubstr("held by another worker"));
  EXPECT_FALSE(hub_->OnResult(id1, {"wf-1/t/1", true, "1", "", false}));
  EXPECT_EQ(first.done_calls(), 1);
  EXPECT_EQ(second.done_calls(), 0);
  EXPECT_TRUE(first.reports(Kind::kProgress).empty());
  EXPECT_EQ(hub_->Counters().results_refused, 2u);
  EXPECT_TRUE(hub_->OnResult(id2, {"wf-1/t/2", true, "\"done\"", "", false}));
  EXPECT_EQ(*second.result()->output, boost::json::value("done"));
}

TEST_F(WorkerHubTest, AClosedStreamLosesTheWorkerAtOnce) {
  auto link = std::make_shared<FakeLink>();
  const std::string id = Connect(link, "w", {"q"}, 2);
  Probe& p = NewProbe();
  Submit(p, "t", 1, "q");
  hub_->Disconnect(id, "its stream closed");
  ASSERT_EQ(p.done_calls(), 1);
  EXPECT_TRUE(p.result()->lost);
  EXPECT_THAT(
      p.result()->output.error().message(),
      HasSubstr("worker w lost: its stream closed; the task runs again as its next attempt"));
  hub_->Disconnect(id, "again");  // unknown now: nothing happens
  EXPECT_EQ(p.done_calls(), 1);
  EXPECT_FALSE(hub_->OnHeartbeat(id));
}

TEST_F(WorkerHubTest, ATaskLostMoreThanMaxLostAttemptsFailsForGood) {
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto link = std::make_shared<FakeLink>();
    const std::string id = Connect(link, "flaky", {"q"}, 1);
    Probe& p = NewProbe();
    Submit(p, "t", attempt, "q");
    hub_->Disconnect(id, "crashed");
    ASSERT_EQ(p.done_calls(), 1);
    if (attempt <= 2) {
      EXPECT_TRUE(p.result()->lost) << attempt;
    } else {
      EXPECT_FALSE(p.result()->lost);
      EXPECT_FALSE(p.result()->retryable);
      EXPECT_THAT(p.result()->output.error().message(),
                  HasSubstr("lost 3 times, more than workers.max_lost_attempts (2): giving up"));
    }
  }
  EXPECT_EQ(hub_->Counters().lost_for_good, 1u);
  // Another task's count is its own.
  auto link = std::make_shared<FakeLink>();
  const std::string id = Connect(link, "w", {"q"}, 1);
  Probe& other = NewProbe();
  Submit(other, "u", 1, "q");
  hub_->Disconnect(id, "crashed");
  EXPECT_TRUE(other.result()->lost);
}

TEST_F(WorkerHubTest, CancellingAWaitingAttemptRemovesItFromItsQueue) {
  Probe& p = NewProbe();
  Submit(p, "t", 1, "q");
  p.channel()->Cancel();
  ASSERT_EQ(p.done_calls(), 1);
  EXPECT_EQ(p.result()->output.error().code(), ErrorCode::kCancelled);
  EXPECT_FALSE(p.result()->retryable);
  EXPECT_TRUE(hub_->Snapshot().queues.empty());  // nobody waits, nobody serves: forgotten
  auto link = std::make_shared<FakeLink>();
  Connect(link, "w", {"q"}, 1);
  EXPECT_TRUE(link->assigned().empty());
  // A channel cancelled before Submit: ends at once.
  Probe& late = NewProbe();
  late.channel()->Cancel();
  Submit(late, "u", 1, "q2");
  EXPECT_EQ(late.done_calls(), 1);
  EXPECT_EQ(hub_->Counters().waiting.count("q2"), 0u);
}

TEST_F(WorkerHubTest, CancellingAHeldAttemptTellsTheWorkerFreesTheCreditAndFencesItsResult) {
  auto link = std::make_shared<FakeLink>();
  const std::string id = Connect(link, "w", {"q"}, 1);
  Probe &a = NewProbe(), &b = NewProbe();
  Submit(a, "a", 1, "q");
  Submit(b, "b", 1, "q");
  a.channel()->Cancel();
  ASSERT_EQ(a.done_calls(), 1);
  EXPECT_EQ(a.result()->output.error().code(), ErrorCode::kCancelled);
  auto cancels = link->Of<AttemptCancel>();
  ASSERT_EQ(cancels.size(), 1u);
  EXPECT_EQ(cancels[0].attempt_id, "wf-1/a/1");
  EXPECT_EQ(cancels[0].reason, "cancelled");
  EXPECT_THAT(link->assigned(), ElementsAre("wf-1/a/1", "wf-1/b/1"));  // the credit went to b
  EXPECT_FALSE(hub_->OnResult(id, {"wf-1/a/1", true, "1", "", false}));
  EXPECT_EQ(a.done_calls(), 1);
  // After BeginShutdown, cancels say why.
  hub_->BeginShutdown();
  b.channel()->Cancel();
  EXPECT_EQ(link->Of<AttemptCancel>().back().reason, "shutdown");
}

TEST_F(WorkerHubTest, SignalsReachTheHoldingWorkerInOrderAndAcksReachTheChannel) {
  Probe& p = NewProbe();
  Submit(p, "t", 1, "q");
  // Sent while waiting: kept, then pushed right after the assignment.
  p.channel()->Send("steer", boost::json::object{{"hint", "shorter"}}, 3);
  p.channel()->Send("note", boost::json::object{{"n", 1}}, 5);
  auto link = std::make_shared<FakeLink>();
  const std::string id = Connect(link, "w", {"q"}, 1);
  p.channel()->Send("steer", boost::json::object{{"hint", "now"}}, 7);
  auto sent = link->sent();
  ASSERT_EQ(sent.size(), 5u);
  EXPECT_TRUE(std::holds_alternative<Assignment>(sent[1]));
  auto signals = link->Of<AttemptSignal>();
  ASSERT_EQ(signals.size(), 3u);
  EXPECT_EQ(signals[0].seq, 3u);
  EXPECT_EQ(signals[0].kind, "steer");
  EXPECT_EQ(signals[0].payload_json, "{\"hint\":\"shorter\"}");
  EXPECT_EQ(signals[1].seq, 5u);
  EXPECT_EQ(signals[2].seq, 7u);
  EXPECT_EQ(signals[2].attempt_id, "wf-1/t/1");
  EXPECT_TRUE(hub_->OnAck(id, "wf-1/t/1", 3));
  EXPECT_FALSE(hub_->OnAck(id, "wf-1/other/1", 5));  // not held: refused
  auto acks = p.reports(Kind::kAck);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0].seq, 3u);
}

TEST_F(WorkerHubTest, ProgressLogsAndHeartbeatsReachTheChannel) {
  auto link = std::make_shared<FakeLink>();
  const std::string id = Connect(link, "w", {"q"}, 2);
  Probe &a = NewProbe(), &b = NewProbe();
  Submit(a, "a", 1, "q");
  Submit(b, "b", 1, "q");
  EXPECT_TRUE(hub_->OnProgress(id, "wf-1/a/1", 1.5, "past the end"));
  EXPECT_TRUE(hub_->OnLog(id, "wf-1/a/1", "", "one\r\ntwo\n\nthree-is-a-long-line\n"));
  EXPECT_TRUE(
      hub_->OnLog(id, "wf-1/a/1", "stderr",
                  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));
  auto progress = a.reports(Kind::kProgress);
  ASSERT_EQ(progress.size(), 1u);
  EXPECT_EQ(progress[0].fraction, 1.0);
  EXPECT_EQ(progress[0].text, "past the end");
  // One entry per line, each cut at max_log_line_bytes (16) without splitting a character.
  EXPECT_THAT(
      a.lines(),
      ElementsAre(HasSubstr("status: assigned to worker w"), "log: one", "log: two",
                  "log: three-is-a-long-",
                  "stderr: \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));
  EXPECT_TRUE(hub_->OnHeartbeat(id));
  EXPECT_EQ(a.reports(Kind::kHeartbeat).size(), 1u);
  EXPECT_EQ(b.reports(Kind::kHeartbeat).size(), 1u);
  EXPECT_FALSE(hub_->OnLog("wk-unknown", "wf-1/a/1", "log", "x"));
  // Any message is a sign of life: a worker that only logs is not lost.
  for (int i = 0; i < 4; ++i) {
    Advance(Millis(2000));
    EXPECT_TRUE(hub_->OnLog(id, "wf-1/b/1", "log", "working"));
  }
  EXPECT_EQ(hub_->Counters().connected, 1);
}

TEST_F(WorkerHubTest, OutputThatIsNotJsonFailsTheAttemptWithoutRetry) {
  auto link = std::make_shared<FakeLink>();
  const std::string id = Connect(link, "w", {"q"}, 1);
  Probe& p = NewProbe();
  Submit(p, "t", 1, "q");
  EXPECT_TRUE(hub_->OnResult(id, {"wf-1/t/1", true, "{not json", "", true}));
  EXPECT_FALSE(p.result()->output);
  EXPECT_FALSE(p.result()->retryable);
  EXPECT_THAT(p.result()->output.error().message(), HasSubstr("the worker's output is not JSON"));
  auto acks = link->Of<ResultAck>();
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_TRUE(acks[0].accepted);
  EXPECT_THAT(acks[0].reason, HasSubstr("accepted as a failure"));
}

TEST_F(WorkerHubTest, BadHellosAreRefusedWithFieldPaths) {
  auto link = std::make_shared<FakeLink>();
  auto refused = [&](Hello h) {
    auto r = hub_->Connect(std::move(h), link);
    EXPECT_FALSE(r);
    return r ? Error(ErrorCode::kInternal, "accepted") : r.error();
  };
  Error bad_queue = refused(MakeHello("w", {"ok", "has space"}, 1));
  EXPECT_EQ(bad_queue.code(), ErrorCode::kInvalidArgument);
  ASSERT_EQ(bad_queue.details().size(), 1u);
  EXPECT_EQ(bad_queue.details()[0].path, "hello.queues[1]");
  EXPECT_THAT(bad_queue.details()[0].message, HasSubstr("\"has space\""));
  EXPECT_EQ(refused(MakeHello("w", {"a/b"}, 1)).details()[0].path, "hello.queues[0]");
  EXPECT_EQ(refused(MakeHello("w", {std::string(129, 'q')}, 1)).details()[0].path,
            "hello.queues[0]");
  EXPECT_EQ(refused(MakeHello("w", {}, 1)).details()[0].path, "hello.queues");
  EXPECT_EQ(refused(MakeHello("w", {"q"}, 0)).details()[0].path, "hello.capacity");
  EXPECT_THAT(refused(MakeHello("w", {"q"}, 101)).details()[0].message,
              HasSubstr("1 to 100 (workers.max_capacity)"));
  EXPECT_EQ(refused(MakeHello("", {"q"}, 1)).details()[0].path, "hello.name");
  Hello labels = MakeHello("w", {"q"}, 1);
  labels.labels["bad key"] = "x";
  EXPECT_EQ(refused(labels).details()[0].path, "hello.labels");
  Error several = refused(MakeHello("bad name", {}, -1));
  EXPECT_EQ(several.details().size(), 3u);
  EXPECT_THAT(several.message(), HasSubstr("(and 2 more)"));
  EXPECT_TRUE(link->sent().empty());
  // Past max_workers (3).
  for (int i = 0; i < 3; ++i)
    Connect(std::make_shared<FakeLink>(), "w" + std::to_string(i), {"q"}, 1);
  EXPECT_EQ(refused(MakeHello("w4", {"q"}, 1)).code(), ErrorCode::kResourceExhausted);
}

TEST_F(WorkerHubTest, ShutdownEndsEverythingAndRefusesWhatComesAfter) {
  auto link = std::make_shared<FakeLink>();
  const std::string id = Connect(link, "w", {"q"}, 1);
  Probe &held = NewProbe(), &waiting = NewProbe();
  Submit(held, "a", 1, "q");
  Submit(waiting, "b", 1, "q");
  hub_->Shutdown();
  ASSERT_EQ(held.done_calls(), 1);
  ASSERT_EQ(waiting.done_calls(), 1);
  EXPECT_TRUE(held.result()->lost);
  EXPECT_TRUE(waiting.result()->lost);
  auto cancels = link->Of<AttemptCancel>();
  ASSERT_EQ(cancels.size(), 1u);
  EXPECT_EQ(cancels[0].reason, "shutdown");
  ASSERT_TRUE(link->closed());
  EXPECT_EQ(link->closed()->code(), ErrorCode::kUnavailable);
  EXPECT_EQ(hub_->Counters().connected, 0);
  // Nothing is called twice; later calls are refused.
  EXPECT_FALSE(hub_->OnResult(id, {"wf-1/a/1", true, "1", "", false}));
  held.channel()->Cancel();
  EXPECT_EQ(held.done_calls(), 1);
  Probe& after = NewProbe();
  Submit(after, "c", 1, "q");  // not started, not failed: the engine stops next
  EXPECT_EQ(after.done_calls(), 0);
  EXPECT_THAT(after.lines(), ElementsAre("status: not started: goclaw is shutting down"));
  EXPECT_EQ(hub_->Connect(MakeHello("w", {"q"}, 1), link).error().code(), ErrorCode::kUnavailable);
  hub_->Shutdown();  // idempotent
}

TEST_F(WorkerHubTest, SnapshotAndMetricsShowWorkersAndWaitingAttempts) {
  auto link = std::make_shared<FakeLink>();
  Hello h = MakeHello("gpu-1", {"train"}, 2);
  h.labels["zone"] = "eu";
  ASSERT_TRUE(hub_->Connect(h, link));
  Probe &a = NewProbe(), &b = NewProbe(), &c = NewProbe();
  Submit(a, "a", 1, "train");
  Submit(b, "b", 1, "train");
  Submit(c, "c", 1, "train");
  Advance(Millis(1500));
  const std::string json = boost::json::serialize(SnapshotToJson(hub_->Snapshot()));
  EXPECT_THAT(json, HasSubstr("\"name\":\"gpu-1\""));
  EXPECT_THAT(json, HasSubstr("\"labels\":{\"zone\":\"eu\"}"));
  EXPECT_THAT(json, HasSubstr("\"capacity\":2,\"free_credits\":0"));
  EXPECT_THAT(json, HasSubstr("\"silent_ms\":1500"));
  EXPECT_THAT(json, HasSubstr("\"attempts\":[\"wf-1/a/1\",\"wf-1/b/1\"]"));
  EXPECT_THAT(
      json,
      HasSubstr(
          "\"queues\":[{\"name\":\"train\",\"waiting\":1,\"workers\":1,\"free_credits\":0}]"));
  metrics::TextWriter w;
  WriteWorkerMetrics(w, hub_->Counters());
  const std::string text = w.Take();
  EXPECT_THAT(text, HasSubstr("goclaw_workers_connected 1\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_worker_queue_waiting{queue=\"train\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_worker_assignments_total 2\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_worker_reassignments_total 0\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_worker_results_total{outcome=\"accepted\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_worker_results_total{outcome=\"refused\"} 0\n"));
}

}  // namespace
}  // namespace goclaw::worker
