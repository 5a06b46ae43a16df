// WorkerService end to end, in process: a real gRPC server on 127.0.0.1:0 with the worker
// service, an engine whose `remote` tasks go to the hub, and real gRPC client streams acting
// as workers.
#include <mutex>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/dag/loader.h"
#include "goclaw/engine/engine.h"
#include "goclaw/v1/common.pb.h"
#include "goclaw/worker/remote_executor.h"
#include "goclaw/worker/test_worker_stream.h"
#include "goclaw/worker/worker_grpc_service.h"

namespace goclaw::worker {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using testing::kWait;
using testing::Msg;
using testing::TestWorker;

v1::ErrorInfo InfoOf(const grpc::Status& s) {
  v1::ErrorInfo info;
  EXPECT_TRUE(info.ParseFromString(s.error_details()));
  return info;
}

class WorkerGrpcTest : public ::testing::Test {
 protected:
  void Start(config::WorkersConfig workers = {}) {
    timers_ = std::make_unique<ThreadTimerQueue>();
    hub_ = WorkerHub::Create({.config = workers, .clock = &clock_, .timers = timers_.get()});
    service_ = std::make_unique<WorkerGrpcService>(*hub_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());

    engine::EngineOptions options;
    options.shards = 2;
    config::LaneConfig lane;
    lane.name = "default";
    lane.max_concurrency = 1000;
    options.lanes = {lane};
    options.executors =
        [hub = hub_](
            const exec::ExecutorEnv& env) -> Result<std::unique_ptr<exec::ExecutorRegistry>> {
      auto registry = std::make_unique<exec::ExecutorRegistry>();
      GOCLAW_RETURN_IF_ERROR(exec::AddCoreExecutors(*registry, env));
      GOCLAW_RETURN_IF_ERROR(registry->Register("remote", std::make_unique<RemoteExecutor>(hub)));
      return registry;
    };
    auto engine = engine::Engine::Create(std::move(options));
    ASSERT_TRUE(engine) << engine.error().ToString();
    engine_ = std::move(*engine);
  }

  void TearDown() override {
    engine_.reset();  // its executors' Shutdown shuts the hub: every worker stream ends
    workers_.clear();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    if (service_) {
      EXPECT_EQ(service_->open_streams(), 0);
    }
  }

  TestWorker& AddWorker(TestWorker::Handler handler = nullptr) {
    workers_.push_back(std::make_unique<TestWorker>(channel_, std::move(handler)));
    return *workers_.back();
  }

  std::string Submit(std::string_view yaml, boost::json::object input = {}) {
    dag::LoadOptions load;
    load.environment.task_types = &engine_->executors();
    auto plan = dag::LoadWorkflow(yaml, load);
    EXPECT_TRUE(plan) << plan.error().ToString();
    auto id = engine_->Submit(*plan, std::move(input));
    EXPECT_TRUE(id) << id.error().ToString();
    return id ? *id : std::string();
  }

  engine::WorkflowStatus Wait(const std::string& id) {
    auto st = engine_->Wait(id, kWait);
    EXPECT_TRUE(st) << st.error().ToString();
    return st ? *st : engine::WorkflowStatus{};
  }

  SystemClock clock_;
  std::unique_ptr<ThreadTimerQueue> timers_;
  std::shared_ptr<WorkerHub> hub_;
  std::unique_ptr<WorkerGrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<engine::Engine> engine_;
  std::vector<std::unique_ptr<TestWorker>> workers_;
};

TEST_F(WorkerGrpcTest, AWorkerTakesTheTaskReportsProgressAndLogsAndCompletesIt) {
  Start();
  const std::string id = Submit(
      "tasks: [{id: research, type: remote, config: {queue: research, topic: '{{input.topic}}'}}]",
      {{"topic", "lanes"}});
  // No worker yet: the task runs (waits) and the hub shows it.
  for (int i = 0; i < 200 && hub_->Counters().waiting["research"] == 0; ++i)
    std::this_thread::sleep_for(milliseconds(5));
  EXPECT_EQ(hub_->Counters().waiting["research"], 1u);
  EXPECT_EQ(engine_->Get(id)->tasks[0].state, engine::TaskState::kRunning);

  TestWorker& w = AddWorker();
  ASSERT_TRUE(w.Hello("agent-1", {"research"}, 2));
  auto welcome = w.Next(Msg::kWelcome);
  ASSERT_TRUE(welcome);
  EXPECT_THAT(welcome->welcome().worker_id(), HasSubstr("wk-"));
  EXPECT_EQ(welcome->welcome().heartbeat_timeout_ms(), 10000);
  auto assignment = w.Next(Msg::kAssignment);
  ASSERT_TRUE(assignment);
  const auto& a = assignment->assignment();
  EXPECT_EQ(a.attempt_id(), id + "/research/1");
  EXPECT_EQ(a.workflow_id(), id);
  EXPECT_EQ(a.attempt(), 1);
  EXPECT_EQ(boost::json::parse(a.config_json()).at("topic"), "lanes");
  EXPECT_EQ(boost::json::parse(a.input_json()).at("topic"), "lanes");

  v1::WorkerMessage progress;
  progress.mutable_progress()->set_attempt_id(a.attempt_id());
  progress.mutable_progress()->set_fraction(0.5);
  progress.mutable_progress()->set_message("half way");
  ASSERT_TRUE(w.Write(progress));
  v1::WorkerMessage log;
  log.mutable_log()->set_attempt_id(a.attempt_id());
  log.mutable_log()->set_line("found 3 sources");
  ASSERT_TRUE(w.Write(log));
  ASSERT_TRUE(w.Result(a.attempt_id(), true, "{\"summary\": \"lanes are queues\"}"));
  auto ack = w.Next(Msg::kResultAck);
  ASSERT_TRUE(ack);
  EXPECT_TRUE(ack->result_ack().accepted());

  auto st = Wait(id);
  ASSERT_EQ(st.state, engine::WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(st.tasks[0].output, (boost::json::object{{"summary", "lanes are queues"}}));
  EXPECT_EQ(st.tasks[0].attempts, 1);
  auto logs = engine_->Logs(id, "research");
  ASSERT_TRUE(logs);
  std::vector<std::string> lines;
  for (const auto& l : logs->lines) lines.push_back(l.stream + ": " + l.text);
  const std::vector<std::string> expected = {
      "status: waiting for a worker of queue research (none is connected)",
      "progress: 50% half way", "log: found 3 sources"};
  EXPECT_THAT(lines, ::testing::IsSupersetOf(expected));
  EXPECT_EQ(hub_->Counters().results_accepted, 1u);
}

TEST_F(WorkerGrpcTest, ASignalMidTaskReachesTheWorkerAndItsAckIsRecorded) {
  Start();
  TestWorker& w = AddWorker();
  ASSERT_TRUE(w.Hello("agent", {"q"}, 1));
  const std::string id = Submit("tasks: [{id: t, type: remote, config: {queue: q}}]");
  auto assignment = w.Next(Msg::kAssignment);
  ASSERT_TRUE(assignment);
  auto sent = engine_->Signal(
      id, {.kind = "hint", .task = "t", .payload = boost::json::object{{"hint", "be brief"}}});
  ASSERT_TRUE(sent) << sent.error().ToString();
  auto signal = w.Next(Msg::kSignal);
  ASSERT_TRUE(signal);
  EXPECT_EQ(signal->signal().attempt_id(), id + "/t/1");
  EXPECT_EQ(signal->signal().kind(), "hint");
  EXPECT_EQ(signal->signal().seq(), sent->seq);
  EXPECT_EQ(boost::json::parse(signal->signal().payload_json()).at("hint"), "be brief");
  v1::WorkerMessage ack;
  ack.mutable_ack()->set_attempt_id(signal->signal().attempt_id());
  ack.mutable_ack()->set_seq(signal->signal().seq());
  ASSERT_TRUE(w.Write(ack));
  bool acknowledged = false;
  for (int i = 0; i < 400 && !acknowledged; ++i) {
    auto signals = engine_->Signals(id);
    acknowledged = signals && signals->at(0).state == engine::SignalState::kAcknowledged;
    if (!acknowledged) std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_TRUE(acknowledged);
  ASSERT_TRUE(w.Result(assignment->assignment().attempt_id(), true, "\"brief\""));
  EXPECT_EQ(Wait(id).state, engine::WorkflowState::kCompleted);
}

TEST_F(WorkerGrpcTest, CancellingTheWorkflowCancelsTheWorkersAttemptAndFencesItsResult) {
  Start();
  TestWorker& w = AddWorker();
  ASSERT_TRUE(w.Hello("agent", {"q"}, 1));
  const std::string id = Submit("tasks: [{id: t, type: remote, config: {queue: q}}]");
  auto assignment = w.Next(Msg::kAssignment);
  ASSERT_TRUE(assignment);
  ASSERT_TRUE(engine_->Cancel(id));
  auto cancel = w.Next(Msg::kCancel);
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->cancel().attempt_id(), id + "/t/1");
  EXPECT_EQ(cancel->cancel().reason(), "cancelled");
  EXPECT_EQ(Wait(id).state, engine::WorkflowState::kCancelled);
  ASSERT_TRUE(w.Result(id + "/t/1", true, "1"));
  auto ack = w.Next(Msg::kResultAck);
  ASSERT_TRUE(ack);
  EXPECT_FALSE(ack->result_ack().accepted());
  EXPECT_THAT(ack->result_ack().reason(), HasSubstr("not held by this worker"));
}

TEST_F(WorkerGrpcTest, ASilentWorkerIsLostAndTheTaskCompletesOnAnotherAsAttemptTwo) {
  config::WorkersConfig c;
  c.heartbeat_interval = Millis(50);
  c.heartbeat_timeout = Millis(400);
  Start(c);
  TestWorker& silent = AddWorker();
  ASSERT_TRUE(silent.Hello("silent", {"q"}, 1));
  ASSERT_TRUE(silent.Next(Msg::kWelcome));
  const std::string id = Submit("tasks: [{id: t, type: remote, config: {queue: q}}]");
  auto first = silent.Next(Msg::kAssignment);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->assignment().attempt(), 1);

  TestWorker& alive = AddWorker([](TestWorker& self, const Msg& m) {
    if (m.has_assignment()) self.Result(m.assignment().attempt_id(), true, "{\"by\": \"alive\"}");
  });
  alive.KeepAlive(milliseconds(50));
  ASSERT_TRUE(alive.Hello("alive", {"q"}, 1));
  // The silent one's stream is ended by goclaw; its attempt runs again on the other.
  grpc::Status lost = silent.Ended();
  EXPECT_EQ(lost.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(lost.error_message(), HasSubstr("worker silent lost: nothing heard for"));
  auto st = Wait(id);
  ASSERT_EQ(st.state, engine::WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(st.tasks[0].attempts, 2);
  EXPECT_EQ(st.tasks[0].output, (boost::json::object{{"by", "alive"}}));
  EXPECT_EQ(hub_->Counters().reassignments, 1u);

  // It comes back with its late result for attempt 1: refused.
  TestWorker& back = AddWorker();
  ASSERT_TRUE(back.Hello("silent", {"q"}, 1));
  ASSERT_TRUE(back.Result(first->assignment().attempt_id(), true, "{\"by\": \"silent\"}"));
  auto ack = back.Next(Msg::kResultAck);
  ASSERT_TRUE(ack);
  EXPECT_FALSE(ack->result_ack().accepted());
  EXPECT_EQ(Wait(id).tasks[0].output, (boost::json::object{{"by", "alive"}}));
}

TEST_F(WorkerGrpcTest, AHundredWorkersRunAHundredConcurrentTasksEachExactlyOnce) {
  Start();
  std::mutex mu;
  std::multiset<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    TestWorker& w = AddWorker([&mu, &seen, i](TestWorker& self, const Msg& m) {
      if (!m.has_assignment()) return;
      {
        std::lock_guard lock(mu);
        seen.insert(m.assignment().attempt_id());
      }
      self.Result(m.assignment().attempt_id(), true, "{\"worker\": " + std::to_string(i) + "}");
    });
    ASSERT_TRUE(w.Hello("w" + std::to_string(i), {"bulk"}, 1 + i % 3));
  }
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i)
    ids.push_back(Submit("tasks: [{id: t, type: remote, config: {queue: bulk}}]"));
  for (const auto& id : ids) {
    auto st = Wait(id);
    ASSERT_EQ(st.state, engine::WorkflowState::kCompleted) << st.error;
    EXPECT_EQ(st.tasks[0].attempts, 1);
    EXPECT_TRUE(st.tasks[0].output.as_object().contains("worker"));
  }
  std::lock_guard lock(mu);
  EXPECT_EQ(seen.size(), 100u);
  for (const auto& id : ids) EXPECT_EQ(seen.count(id + "/t/1"), 1u) << id;
  auto counters = hub_->Counters();
  EXPECT_EQ(counters.assignments, 100u);
  EXPECT_EQ(counters.results_accepted, 100u);
  EXPECT_EQ(counters.results_refused, 0u);
  EXPECT_EQ(counters.connected, 100);
}

TEST_F(WorkerGrpcTest, ABadHelloIsRefusedWithTheFieldThatIsWrong) {
  Start();
  TestWorker& w = AddWorker();
  ASSERT_TRUE(w.Hello("agent", {"research", "bad queue!"}, 1));
  grpc::Status s = w.Ended();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::ErrorInfo info = InfoOf(s);
  EXPECT_EQ(info.code(), "INVALID_ARGUMENT");
  ASSERT_EQ(info.field_violations_size(), 1);
  EXPECT_EQ(info.field_violations(0).field(), "hello.queues[1]");
  EXPECT_THAT(info.field_violations(0).description(), HasSubstr("\"bad queue!\""));

  TestWorker& zero = AddWorker();
  ASSERT_TRUE(zero.Hello("agent", {"q"}, 0));
  grpc::Status z = zero.Ended();
  EXPECT_EQ(z.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(InfoOf(z).field_violations(0).field(), "hello.capacity");
  EXPECT_EQ(hub_->Counters().connected, 0);
}

TEST_F(WorkerGrpcTest, AFirstMessageThatIsNotHelloIsRefused) {
  Start();
  TestWorker& w = AddWorker();
  ASSERT_TRUE(w.Heartbeat());
  grpc::Status s = w.Ended();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("the first message on a worker stream must be hello"));
  EXPECT_EQ(InfoOf(s).field_violations(0).field(), "hello");

  // A second hello on a good stream ends it too.
  TestWorker& twice = AddWorker();
  ASSERT_TRUE(twice.Hello("a", {"q"}, 1));
  ASSERT_TRUE(twice.Next(Msg::kWelcome));
  ASSERT_TRUE(twice.Hello("a", {"q"}, 1));
  EXPECT_EQ(twice.Ended().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(hub_->Counters().connected, 0);
}

TEST_F(WorkerGrpcTest, AWorkerThatHangsUpLosesItsAttemptAndShutdownEndsTheOthersStreams) {
  Start();
  TestWorker& leaver = AddWorker();
  ASSERT_TRUE(leaver.Hello("leaver", {"q"}, 1));
  const std::string id = Submit("tasks: [{id: t, type: remote, config: {queue: q, x: 1}}]");
  ASSERT_TRUE(leaver.Next(Msg::kAssignment));
  TestWorker& stayer = AddWorker();
  ASSERT_TRUE(stayer.Hello("stayer", {"q"}, 1));
  EXPECT_TRUE(leaver.HangUp().ok());  // it half-closed: OK
  auto second = stayer.Next(Msg::kAssignment);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->assignment().attempt(), 2);
  hub_->Shutdown();
  auto cancel = stayer.Next(Msg::kCancel);
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->cancel().reason(), "shutdown");
  EXPECT_EQ(stayer.Ended().error_code(), grpc::StatusCode::UNAVAILABLE);
}

// A stream that never said hello is unknown to the hub; EndStreams ends it too (so the gRPC
// server's shutdown does not wait for it until its deadline, and it would end CANCELLED).
TEST_F(WorkerGrpcTest, EndStreamsEndsStreamsThatNeverSaidHello) {
  Start();
  TestWorker& mute = AddWorker();
  TestWorker& known = AddWorker();
  ASSERT_TRUE(known.Hello("known", {"q"}, 1));
  ASSERT_TRUE(known.Next(Msg::kWelcome));
  EXPECT_EQ(service_->open_streams(), 2);
  hub_->Shutdown();
  EXPECT_EQ(known.Ended().error_code(), grpc::StatusCode::UNAVAILABLE);
  service_->EndStreams();
  const grpc::Status mute_status = mute.Ended();
  EXPECT_EQ(mute_status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(mute_status.error_message(), HasSubstr("shutting down"));
}

// A connection that never says who it is does not keep a stream: it is ended after
// workers.heartbeat_timeout, while a worker that said hello in time stays connected.
TEST_F(WorkerGrpcTest, AStreamThatNeverSaysHelloIsEndedAfterTheHeartbeatTimeout) {
  config::WorkersConfig c;
  c.heartbeat_interval = Millis(50);
  c.heartbeat_timeout = Millis(300);
  Start(c);
  TestWorker& mute = AddWorker();
  TestWorker& known = AddWorker();
  known.KeepAlive(milliseconds(50));
  ASSERT_TRUE(known.Hello("known", {"q"}, 1));
  ASSERT_TRUE(known.Next(Msg::kWelcome));
  const grpc::Status s = mute.Ended();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("no hello within workers.heartbeat_timeout"));
  EXPECT_EQ(InfoOf(s).field_violations(0).field(), "hello");
  EXPECT_EQ(hub_->Counters().connected, 1);
  // The known worker still gets work after the mute stream's deadline passed.
  const std::string id = Submit("tasks: [{id: t, type: remote, config: {queue: q}}]");
  auto work = known.Next(Msg::kAssignment);
  ASSERT_TRUE(work);
  ASSERT_TRUE(known.Result(work->assignment().attempt_id(), true, "{}"));
  EXPECT_EQ(Wait(id).state, engine::WorkflowState::kCompleted);
}

}  // namespace
}  // namespace goclaw::worker
