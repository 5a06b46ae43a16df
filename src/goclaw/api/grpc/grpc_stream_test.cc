// The gRPC API's streams against a real server: WatchWorkflow and WatchTasks replay from
// resume_from_sequence and then follow live events, with no gap and no duplicate; StreamLogs
// sends stored lines, then live ones; WatchSaga follows a saga until it settles; many watchers
// share a workflow; grpc.max_streams; SubmitWorkflow's wait ends on events or its time; a
// shutdown ends open streams with UNAVAILABLE.
#include <thread>

#include "goclaw/api/grpc/grpc_test_fixture.h"

namespace goclaw::api::grpc {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::kGateSpec;

class GrpcStreamTest : public testing::GrpcApiFixture {
 protected:
  // Every update of a watch until it ends; `status` gets how it ended.
  template <typename Update, typename Reader>
  static std::vector<Update> ReadAll(Reader& reader, ::grpc::Status* status) {
    std::vector<Update> out;
    Update u;
    while (reader->Read(&u)) out.push_back(u);
    *status = reader->Finish();
    return out;
  }

  std::vector<v1::WorkflowStatusUpdate> Watch(const std::string& id, std::int64_t resume, ::grpc::Status* status) {
    v1::WatchWorkflowRequest req;
    req.set_workflow_id(id);
    req.set_resume_from_sequence(resume);
    auto ctx = Ctx();
    auto reader = streaming_->WatchWorkflow(ctx.get(), req);
    return ReadAll<v1::WorkflowStatusUpdate>(reader, status);
  }

  // Submits `spec` and waits for it: its id once completed, else "" (and the test fails).
  std::string SubmitCompleted(const std::string& spec) {
    v1::SubmitWorkflowRequest submit;
    submit.set_spec(spec);
    submit.set_wait(true);
    v1::SubmitWorkflowResponse done;
    const ::grpc::Status s = workflows_->SubmitWorkflow(Ctx().get(), submit, &done);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(done.status(), v1::WORKFLOW_STATUS_COMPLETED);
    return s.ok() && done.status() == v1::WORKFLOW_STATUS_COMPLETED ? done.workflow_id() : std::string();
  }

  std::vector<v1::TaskProgressUpdate> WatchTasks(const v1::WatchTasksRequest& req, ::grpc::Status* status) {
    auto ctx = Ctx();
    auto reader = streaming_->WatchTasks(ctx.get(), req);
    return ReadAll<v1::TaskProgressUpdate>(reader, status);
  }

  std::vector<v1::LogEntry> Logs(const v1::LogStreamRequest& req, ::grpc::Status* status, bool send = true) {
    auto ctx = Ctx();
    auto stream = streaming_->StreamLogs(ctx.get());
    if (send) {
      EXPECT_TRUE(stream->Write(req));
    }
    stream->WritesDone();
    std::vector<v1::LogEntry> out;
    v1::LogStreamResponse r;
    while (stream->Read(&r)) out.insert(out.end(), r.entries().begin(), r.entries().end());
    *status = stream->Finish();
    return out;
  }
};

std::vector<std::int64_t> Seqs(const std::vector<v1::WorkflowStatusUpdate>& updates) {
  std::vector<std::int64_t> out;
  for (const auto& u : updates) out.push_back(u.sequence_number());
  return out;
}

TEST_F(GrpcStreamTest, WatchWorkflowReplaysFromTheResumePointThenFollowsLive) {
  const std::string id = Submit(kGateSpec);
  v1::WatchWorkflowRequest req;
  req.set_workflow_id(id);
  auto ctx1 = Ctx();
  auto first = streaming_->WatchWorkflow(ctx1.get(), req);
  std::vector<v1::WorkflowStatusUpdate> before;
  v1::WorkflowStatusUpdate u;
  while (first->Read(&u)) {
    before.push_back(u);
    if (u.status() == v1::WORKFLOW_STATUS_RUNNING) break;
  }
  ASSERT_GE(before.size(), 2u);  // scheduled, then running
  EXPECT_EQ(before.back().previous_status(), v1::WORKFLOW_STATUS_SCHEDULED);

  // A second watcher resumes after the first update: that one is not sent again.
  const std::int64_t resume = before.front().sequence_number();
  req.set_resume_from_sequence(resume);
  auto ctx2 = Ctx();
  auto second = streaming_->WatchWorkflow(ctx2.get(), req);
  ASSERT_TRUE(second->Read(&u));
  EXPECT_GT(u.sequence_number(), resume);
  EXPECT_EQ(u.status(), v1::WORKFLOW_STATUS_RUNNING);  // from the history

  ASSERT_TRUE(Signal(id, "go", "gate").ok());  // then live events
  ::grpc::Status s1, s2;
  auto rest1 = ReadAll<v1::WorkflowStatusUpdate>(first, &s1);
  auto rest2 = ReadAll<v1::WorkflowStatusUpdate>(second, &s2);
  EXPECT_TRUE(s1.ok()) << s1.error_message();
  EXPECT_TRUE(s2.ok()) << s2.error_message();
  ASSERT_EQ(rest1.size(), 1u);
  ASSERT_EQ(rest2.size(), 1u);
  EXPECT_EQ(rest1[0].status(), v1::WORKFLOW_STATUS_COMPLETED);
  EXPECT_EQ(rest2[0].sequence_number(), rest1[0].sequence_number());
  EXPECT_GT(rest2[0].sequence_number(), u.sequence_number());

  // Finished: the whole history, then the end; from its end, nothing more.
  ::grpc::Status s;
  auto all = Watch(id, 0, &s);
  EXPECT_TRUE(s.ok());
  ASSERT_EQ(all.size(), before.size() + 1);
  EXPECT_EQ(Seqs(all).back(), rest1[0].sequence_number());
  const std::vector<std::int64_t> seqs = Seqs(all);
  EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));
  EXPECT_TRUE(Watch(id, all.back().sequence_number(), &s).empty());
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(Watch(id, 1000000, &s).empty());
  EXPECT_TRUE(s.ok());

  Watch("wf-00000000-0000-7000-8000-000000000000", 0, &s);
  EXPECT_EQ(s.error_code(), ::grpc::StatusCode::NOT_FOUND);
  Watch("bad id!", 0, &s);
  EXPECT_EQ(s.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(s), Contains("workflow_id"));
  Watch(id, -1, &s);
  EXPECT_THAT(Fields(s), Contains("resume_from_sequence"));
  Watch("", 0, &s);
  EXPECT_THAT(Fields(s), Contains("workflow_id"));
}

TEST_F(GrpcStreamTest, WatchTasksFiltersByTaskAndTerminalState) {
  const std::string id = SubmitCompleted(
      R"({"tasks": [{"id": "a", "type": "builtin"}, {"id": "b", "type": "builtin", "depends_on": ["a"]},
                    {"id": "c", "type": "builtin", "depends_on": ["b"]}]})");
  ASSERT_FALSE(id.empty());

  v1::WatchTasksRequest req;
  req.set_workflow_id(id);
  ::grpc::Status s;
  auto all = WatchTasks(req, &s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::set<std::string> tasks;
  for (const auto& u : all) tasks.insert(u.task_id());
  EXPECT_EQ(tasks, (std::set<std::string>{"a", "b", "c"}));
  EXPECT_GE(all.size(), 3u * 4);  // ready, queued, running, completed each
  EXPECT_EQ(all.back().status(), v1::TASK_STATUS_COMPLETED);
  EXPECT_EQ(all.back().progress_percent(), 100);

  req.add_task_ids("b");
  req.set_terminal_only(true);
  auto b = WatchTasks(req, &s);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].task_id(), "b");
  EXPECT_EQ(b[0].status(), v1::TASK_STATUS_COMPLETED);
  EXPECT_EQ(b[0].previous_status(), v1::TASK_STATUS_RUNNING);
  EXPECT_EQ(b[0].attempt(), 1);

  v1::WatchTasksRequest resumed;
  resumed.set_workflow_id(id);
  resumed.set_resume_from_sequence(b[0].sequence_number());
  for (const auto& u : WatchTasks(resumed, &s)) {
    EXPECT_GT(u.sequence_number(), b[0].sequence_number());
    EXPECT_EQ(u.task_id(), "c");
  }
  EXPECT_TRUE(s.ok());

  req.clear_task_ids();
  req.add_task_ids("ghost");
  WatchTasks(req, &s);
  EXPECT_EQ(s.error_code(), ::grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(Fields(s), Contains("task_ids[0]"));
}

// A large workflow's stored history (20,000+ task events, far past what a slow client may
// leave waiting live) is replayed whole: the catch-up does not count against the budget.
TEST_F(GrpcStreamTest, WatchTasksReplaysTheWholeHistoryOfALargeWorkflow) {
  constexpr int kTasks = 5000;
  std::string spec = R"({"tasks": [)";
  for (int i = 0; i < kTasks; ++i) spec += (i ? "," : "") + std::string(R"({"id": "t)") + std::to_string(i) + R"("})";
  spec += "]}";
  const std::string id = SubmitCompleted(spec);
  ASSERT_FALSE(id.empty());

  v1::WatchTasksRequest req;
  req.set_workflow_id(id);
  ::grpc::Status s;
  auto all = WatchTasks(req, &s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_GE(all.size(), 4u * kTasks);
  std::set<std::string> completed;
  std::int64_t last = 0;
  for (const auto& u : all) {
    EXPECT_GT(u.sequence_number(), last);  // in order, no repeat
    last = u.sequence_number();
    if (u.status() == v1::TASK_STATUS_COMPLETED) completed.insert(u.task_id());
  }
  EXPECT_EQ(completed.size(), static_cast<std::size_t>(kTasks));
}

TEST_F(GrpcStreamTest, StreamLogsSendsStoredLinesThenLiveOnesUntilTheEnd) {
  const std::string id = Submit(R"({"tasks": [{"id": "talk", "type": "function", "config": {"name": "chatty"}}]})");
  v1::LogStreamRequest req;
  req.set_workflow_id(id);
  req.set_follow(true);
  auto ctx = Ctx();
  auto stream = streaming_->StreamLogs(ctx.get());
  ASSERT_TRUE(stream->Write(req));
  std::vector<v1::LogEntry> got;
  v1::LogStreamResponse r;
  while (got.size() < 3 && stream->Read(&r)) got.insert(got.end(), r.entries().begin(), r.entries().end());
  ASSERT_EQ(got.size(), 3u);
  ASSERT_TRUE(Signal(id, "go").ok());  // "after" is logged now: a live line
  while (stream->Read(&r)) got.insert(got.end(), r.entries().begin(), r.entries().end());
  ::grpc::Status s = stream->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::vector<std::string> texts;
  for (const auto& e : got) texts.push_back(e.message());
  EXPECT_EQ(texts, (std::vector<std::string>{"line 1", "line 2", "careful", "after"}));
  EXPECT_EQ(got[0].level(), v1::LOG_LEVEL_INFO);
  EXPECT_EQ(got[2].level(), v1::LOG_LEVEL_WARN);
  EXPECT_EQ(got[2].fields().at("stream"), "stderr");
  EXPECT_EQ(got[3].fields().at("attempt"), "1");
  EXPECT_EQ(got[3].task_id(), "talk");
  EXPECT_EQ(got[3].workflow_id(), id);
  EXPECT_GT(got[3].timestamp().seconds(), 0);

  // Stored only; WARN and above.
  req.set_follow(false);
  req.set_min_level(v1::LOG_LEVEL_WARN);
  auto warn = Logs(req, &s);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(warn.size(), 1u);
  EXPECT_EQ(warn[0].message(), "careful");
  req.set_min_level(v1::LOG_LEVEL_UNSPECIFIED);
  req.set_follow(true);  // finished: the stored lines, then the end
  EXPECT_EQ(Logs(req, &s).size(), 4u);
  EXPECT_TRUE(s.ok());

  Logs(req, &s, /*send=*/false);
  EXPECT_EQ(s.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  req.add_task_ids("ghost");
  Logs(req, &s);
  EXPECT_EQ(s.error_code(), ::grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(Fields(s), Contains("task_ids[0]"));
  req.set_workflow_id("wf-00000000-0000-7000-8000-000000000000");
  Logs(req, &s);
  EXPECT_EQ(s.error_code(), ::grpc::StatusCode::NOT_FOUND);
  req.set_workflow_id("");
  Logs(req, &s);
  EXPECT_THAT(Fields(s), Contains("workflow_id"));
}

TEST_F(GrpcStreamTest, WatchSagaFollowsASagaUntilItSettles) {
  v1::SubmitSagaRequest submit;
  submit.set_name("trip-2");
  submit.set_spec(R"({"name": "trip", "steps": [
      {"id": "flight", "enable_compensation": true, "delay_ms": 300},
      {"id": "hotel", "depends_on": ["flight"], "enable_compensation": true},
      {"id": "car", "depends_on": ["hotel"], "should_fail": true}]})");
  v1::SubmitSagaResponse saga;
  ::grpc::Status s = sagas_->SubmitSaga(Ctx().get(), submit, &saga);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(saga.name(), "trip-2");
  EXPECT_EQ(saga.state(), v1::SAGA_STATE_RUNNING);

  v1::WatchSagaRequest watch;
  watch.set_saga_id(saga.saga_id());
  auto ctx = Ctx();
  auto reader = sagas_->WatchSaga(ctx.get(), watch);
  auto events = ReadAll<v1::WatchSagaEvent>(reader, &s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_GE(events.size(), 3u);  // running, ..., compensated
  EXPECT_EQ(events.front().event(), "saga.running");
  EXPECT_EQ(events.back().state(), v1::SAGA_STATE_COMPENSATED);
  EXPECT_EQ(events.back().event(), "saga.compensated");
  std::vector<std::string> names;
  for (const auto& e : events) names.push_back(e.event());
  EXPECT_THAT(names, Contains("saga.step.failed"));
  EXPECT_THAT(names, Contains("saga.compensation.completed"));

  v1::GetSagaStatusRequest get;
  get.set_saga_id(saga.saga_id());
  v1::GetSagaStatusResponse status;
  ASSERT_TRUE(sagas_->GetSagaStatus(Ctx().get(), get, &status).ok());
  EXPECT_EQ(status.state(), v1::SAGA_STATE_COMPENSATED);
  EXPECT_EQ(status.name(), "trip-2");
  EXPECT_EQ(status.failed_step(), "car");
  EXPECT_EQ(status.steps_size(), 3);
  EXPECT_THAT(std::vector<std::string>(status.compensated_steps().begin(), status.compensated_steps().end()),
              Contains("flight"));
  v1::ListSagasResponse list;
  ASSERT_TRUE(sagas_->ListSagas(Ctx().get(), v1::ListSagasRequest(), &list).ok());
  ASSERT_EQ(list.sagas_size(), 1);
  EXPECT_EQ(list.sagas(0).state(), v1::SAGA_STATE_COMPENSATED);

  // Settled: its state, then the end.
  auto ctx2 = Ctx();
  auto settled = sagas_->WatchSaga(ctx2.get(), watch);
  auto once = ReadAll<v1::WatchSagaEvent>(settled, &s);
  EXPECT_TRUE(s.ok());
  ASSERT_EQ(once.size(), 1u);
  EXPECT_EQ(once[0].state(), v1::SAGA_STATE_COMPENSATED);

  v1::CompensateSagaRequest compensate;
  compensate.set_saga_id(saga.saga_id());
  v1::CompensateSagaResponse compensated;
  EXPECT_EQ(sagas_->CompensateSaga(Ctx().get(), compensate, &compensated).error_code(),
            ::grpc::StatusCode::FAILED_PRECONDITION);
  v1::RecoverSagaRequest recover;
  recover.set_saga_id(saga.saga_id());
  v1::RecoverSagaResponse recovered;
  EXPECT_EQ(sagas_->RecoverSaga(Ctx().get(), recover, &recovered).error_code(), ::grpc::StatusCode::FAILED_PRECONDITION);
  get.set_saga_id("saga-nope");
  EXPECT_EQ(sagas_->GetSagaStatus(Ctx().get(), get, &status).error_code(), ::grpc::StatusCode::NOT_FOUND);
  watch.set_saga_id("saga-nope");
  auto ctx3 = Ctx();
  auto unknown = sagas_->WatchSaga(ctx3.get(), watch);
  ReadAll<v1::WatchSagaEvent>(unknown, &s);
  EXPECT_EQ(s.error_code(), ::grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(Fields(sagas_->SubmitSaga(Ctx().get(), v1::SubmitSagaRequest(), &saga)), Contains("spec"));
  submit.set_spec(R"({"steps": "nope"})");
  EXPECT_EQ(sagas_->SubmitSaga(Ctx().get(), submit, &saga).error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(GrpcStreamTest, ManyWatchersOfOneWorkflowSeeTheSameEvents) {
  const std::string id = Submit(kGateSpec);
  WaitFor(id, v1::WORKFLOW_STATUS_RUNNING);
  constexpr int kWatchers = 50;
  std::vector<std::unique_ptr<::grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<::grpc::ClientReader<v1::WorkflowStatusUpdate>>> readers;
  v1::WatchWorkflowRequest req;
  req.set_workflow_id(id);
  for (int i = 0; i < kWatchers; ++i) {
    contexts.push_back(Ctx());
    readers.push_back(streaming_->WatchWorkflow(contexts.back().get(), req));
    v1::WorkflowStatusUpdate u;
    ASSERT_TRUE(readers.back()->Read(&u));  // open and replaying
  }
  ASSERT_TRUE(Signal(id, "go", "gate").ok());
  std::vector<std::int64_t> ends;
  for (auto& reader : readers) {
    ::grpc::Status s;
    auto rest = ReadAll<v1::WorkflowStatusUpdate>(reader, &s);
    EXPECT_TRUE(s.ok());
    ASSERT_FALSE(rest.empty());
    EXPECT_EQ(rest.back().status(), v1::WORKFLOW_STATUS_COMPLETED);
    ends.push_back(rest.back().sequence_number());
  }
  EXPECT_EQ(std::set<std::int64_t>(ends.begin(), ends.end()).size(), 1u);
}

TEST_F(GrpcStreamTest, StreamsPastMaxStreamsAreRefused) {
  config::Config c = Config();
  c.grpc.max_streams = 2;
  Start(c);
  const std::string id = Submit(kGateSpec);
  v1::WatchWorkflowRequest req;
  req.set_workflow_id(id);
  std::vector<std::unique_ptr<::grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<::grpc::ClientReader<v1::WorkflowStatusUpdate>>> readers;
  for (int i = 0; i < 2; ++i) {
    contexts.push_back(Ctx());
    readers.push_back(streaming_->WatchWorkflow(contexts.back().get(), req));
    v1::WorkflowStatusUpdate u;
    ASSERT_TRUE(readers.back()->Read(&u));
  }
  ::grpc::Status third;
  Watch(id, 0, &third);
  EXPECT_EQ(third.error_code(), ::grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(third.error_message(), HasSubstr("grpc.max_streams"));
  v1::ExportMetricsRequest metrics;
  metrics.set_prefix_filter("goclaw_grpc_streams");
  v1::ExportMetricsResponse text;
  ASSERT_TRUE(admin_->ExportMetrics(Ctx().get(), metrics, &text).ok());
  EXPECT_THAT(text.metrics_data(), HasSubstr("goclaw_grpc_streams 2"));
  EXPECT_THAT(text.metrics_data(), HasSubstr("goclaw_grpc_streams_refused_total 1"));
  for (auto& ctx : contexts) ctx->TryCancel();
  for (auto& reader : readers) (void)reader->Finish();
}

TEST_F(GrpcStreamTest, SubmitWaitEndsOnTheWorkflowsEndOrItsTime) {
  v1::SubmitWorkflowRequest req;
  req.set_spec(kGateSpec);
  req.set_wait(true);
  req.set_wait_ms(200);
  v1::SubmitWorkflowResponse resp;
  ASSERT_TRUE(workflows_->SubmitWorkflow(Ctx().get(), req, &resp).ok());
  EXPECT_FALSE(resp.has_final_status());  // still waiting for its signal
  EXPECT_NE(resp.status(), v1::WORKFLOW_STATUS_COMPLETED);

  // The call's own deadline bounds the wait: an answer, not DEADLINE_EXCEEDED.
  req.set_wait_ms(0);  // the server's default wait (longer than the deadline)
  auto ctx = Ctx(std::chrono::seconds(2));
  ::grpc::Status s = workflows_->SubmitWorkflow(ctx.get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(resp.has_final_status());

  // It ends when the workflow does, not when wait_ms runs out.
  v1::SubmitWorkflowRequest sleeper;
  sleeper.set_spec(R"({"tasks": [{"id": "nap", "type": "builtin", "config": {"op": "sleep", "duration": "300ms"}}]})");
  sleeper.set_wait(true);
  sleeper.set_wait_ms(15000);
  const auto start = std::chrono::steady_clock::now();
  v1::SubmitWorkflowResponse waited;
  s = workflows_->SubmitWorkflow(Ctx().get(), sleeper, &waited);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_TRUE(waited.has_final_status());
  EXPECT_EQ(waited.status(), v1::WORKFLOW_STATUS_COMPLETED);
  EXPECT_EQ(waited.final_status().tasks(0).status(), v1::TASK_STATUS_COMPLETED);
}

TEST_F(GrpcStreamTest, ShutdownEndsOpenStreamsWithUnavailable) {
  const std::string id = Submit(kGateSpec);
  v1::WatchWorkflowRequest req;
  req.set_workflow_id(id);
  auto ctx = Ctx();
  auto reader = streaming_->WatchWorkflow(ctx.get(), req);
  v1::WorkflowStatusUpdate u;
  ASSERT_TRUE(reader->Read(&u));
  const auto start = std::chrono::steady_clock::now();
  std::thread stop([&] { server_->Shutdown(); });
  ::grpc::Status s;
  ReadAll<v1::WorkflowStatusUpdate>(reader, &s);
  stop.join();
  EXPECT_EQ(s.error_code(), ::grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("resume_from_sequence"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));  // no hang
}

}  // namespace
}  // namespace goclaw::api::grpc
