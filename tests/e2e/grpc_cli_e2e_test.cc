// `--transport grpc` end to end: the real `goclaw server` (HTTP and gRPC on free ports) and the
// client commands run over both transports, which must print the same for the same data —
// status, list, signals, sagas, errors — and fail the same way (unknown ids, bad specs, a
// server that is gone).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include "run_command.h"
#include "server_process.h"

namespace goclaw::testing {
namespace {

using ::testing::HasSubstr;

class GrpcCliE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GT(server_.port(), 0) << server_.Stderr();
    ASSERT_GT(server_.grpc_port(), 0) << "no \"gRPC listening on\" line:\n" << server_.Stderr();
    http_ = {"--server", "http://127.0.0.1:" + std::to_string(server_.port())};
    grpc_ = {"--transport", "grpc", "--grpc", "127.0.0.1:" + std::to_string(server_.grpc_port())};
  }

  // `goclaw <args> <transport flags>`.
  CommandResult Http(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.end(), http_.begin(), http_.end());
    return RunGoclaw(args, stdin_text);
  }
  CommandResult Grpc(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.end(), grpc_.begin(), grpc_.end());
    return RunGoclaw(args, stdin_text);
  }
  // Runs both; expects the same exit code, stdout and stderr, and returns the gRPC run.
  CommandResult Both(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    CommandResult h = Http(args, stdin_text);
    CommandResult g = Grpc(args, stdin_text);
    EXPECT_EQ(g.exit_code, h.exit_code) << "http: " << h.err << "\ngrpc: " << g.err;
    EXPECT_EQ(g.out, h.out);
    EXPECT_EQ(g.err, h.err);
    return g;
  }

  ServerProcess server_;
  std::vector<std::string> http_, grpc_;
};

TEST_F(GrpcCliE2eTest, WorkflowCommandsPrintTheSameOverBothTransports) {
  CommandResult submitted =
      Grpc({"submit", SourcePath("examples/hello.yaml"), "--wait", "--input", "name=grpc"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string id = submitted.out.substr(0, submitted.out.find(' '));
  ASSERT_TRUE(id.starts_with("wf-")) << submitted.out;
  EXPECT_THAT(submitted.out, HasSubstr(id + "  hello  completed\n"));
  EXPECT_THAT(submitted.out, HasSubstr("  greet  completed  attempts=1"));

  CommandResult status = Both({"status", id});
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_EQ(status.out, submitted.out);  // --wait printed the same status
  CommandResult list = Both({"list", "--status", "completed"});
  EXPECT_THAT(list.out, HasSubstr(id + "  completed  hello  "));
  EXPECT_THAT(list.out, HasSubstr("1 workflows\n"));

  CommandResult async = Grpc({"submit", SourcePath("examples/hello.yaml")});
  ASSERT_EQ(async.exit_code, 0) << async.err;
  EXPECT_TRUE(async.out.starts_with("wf-")) << async.out;
  EXPECT_EQ(async.out.find('\n'), async.out.size() - 1);
  // Newest first: the run just submitted leads (its state may still move, so one at a time).
  const std::string async_id = async.out.substr(0, async.out.size() - 1);
  for (const CommandResult& newest : {Http({"list", "--newest", "--limit", "1"}),
                                      Grpc({"list", "--newest", "--limit", "1"})}) {
    EXPECT_EQ(newest.exit_code, 0) << newest.err;
    EXPECT_TRUE(newest.out.starts_with(async_id + "  ")) << newest.out;
    EXPECT_THAT(newest.out, HasSubstr("2 workflows\n"));
  }
  // A name with a space and an ampersand is one query value, not two parameters.
  CommandResult spaced = Both({"list", "--name", "two words&status=failed"});
  EXPECT_EQ(spaced.exit_code, 0) << spaced.err;
  EXPECT_EQ(spaced.out, "0 workflows\n");

  CommandResult json = Grpc({"status", id, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"message\": \"hello, grpc\""));

  CommandResult cancel = Both({"cancel", id});
  EXPECT_EQ(cancel.exit_code, 1);
  EXPECT_THAT(cancel.err, HasSubstr("already completed"));
  CommandResult unknown = Both({"status", "wf-00000000-0000-7000-8000-000000000000"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no workflow"));
  CommandResult bad_spec = Both({"submit", "-"}, "tasks: [{id: a, depends_on: [zz]}]");
  EXPECT_EQ(bad_spec.exit_code, 1);
  EXPECT_THAT(bad_spec.err, HasSubstr("tasks[0].depends_on[0]"));
  CommandResult bad_status = Grpc({"list", "--status", "sleeping"});
  EXPECT_EQ(bad_status.exit_code, 1);
  EXPECT_THAT(bad_status.err, HasSubstr("unknown status \"sleeping\""));
}

TEST_F(GrpcCliE2eTest, SignalsOverGrpcApproveAWaitingStep) {
  CommandResult submitted = Grpc({"submit", SourcePath("examples/approval.yaml")});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string id = submitted.out.substr(0, submitted.out.find_first_of(" \n"));
  CommandResult sent = Grpc({"signal", id, "approval", "--data", R"({"by": "grpc"})"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_EQ(sent.out, "signal 1 (approval) pending\n");
  CommandResult events = Http({"events", id, "--follow"});  // until it finishes
  EXPECT_EQ(events.exit_code, 0) << events.err;
  CommandResult listed = Both({"signals", id});
  EXPECT_THAT(listed.out, HasSubstr("1  approval  acknowledged"));
  EXPECT_THAT(Both({"status", id}).out, HasSubstr(id + "  approval  completed"));

  CommandResult finished = Both({"signal", id, "approval"});
  EXPECT_EQ(finished.exit_code, 1);
  EXPECT_THAT(finished.err, HasSubstr("already completed"));
  CommandResult bad_kind = Both({"signal", id, "no good"});
  EXPECT_EQ(bad_kind.exit_code, 1);
  EXPECT_THAT(bad_kind.err, HasSubstr("kind"));
}

TEST_F(GrpcCliE2eTest, SagasOverGrpc) {
  TempDir dir;
  const std::string spec = dir.Write("undo.yaml",
                                     "name: undo\n"
                                     "tasks:\n"
                                     "  - id: book\n"
                                     "    config: {op: echo, booked: yes}\n"
                                     "    compensate: {config: {op: echo, cancelled: yes}}\n"
                                     "  - id: pay\n"
                                     "    depends_on: [book]\n"
                                     "    retries: 0\n"
                                     "    config: {op: fail, message: card declined}\n");
  CommandResult submitted = Grpc({"saga", "submit", spec, "--wait=30s"});
  EXPECT_EQ(submitted.exit_code, 1) << submitted.err;  // it compensated
  const std::string id = submitted.out.substr(0, submitted.out.find(' '));
  ASSERT_TRUE(id.starts_with("saga-")) << submitted.out << submitted.err;
  EXPECT_THAT(submitted.out, HasSubstr(id + "  undo  compensated\n"));
  EXPECT_THAT(submitted.out, HasSubstr("failed step: pay"));
  EXPECT_THAT(submitted.out,
              HasSubstr("  book  completed  attempts=1  compensation: compensated  attempts=1\n"));
  EXPECT_THAT(submitted.out, HasSubstr("  pay  failed  attempts=1"));

  CommandResult status = Both({"saga", "status", id});
  EXPECT_EQ(status.out, submitted.out);
  CommandResult listed = Both({"saga", "list"});
  EXPECT_THAT(listed.out, HasSubstr(id + "  compensated  undo  "));
  EXPECT_THAT(listed.out, HasSubstr("1 sagas\n"));
  CommandResult skipped = Grpc({"saga", "list", "--offset", "1"});
  EXPECT_EQ(skipped.out, "1 sagas\n");
  CommandResult too_late = Both({"saga", "compensate", id});
  EXPECT_EQ(too_late.exit_code, 1);
  CommandResult unknown = Both({"saga", "status", "saga-00000000-0000-7000-8000-000000000000"});
  EXPECT_EQ(unknown.exit_code, 1);
}

TEST_F(GrpcCliE2eTest, AdminSnapshotOverGrpc) {
  TempDir dir;
  const std::string target = dir.path() + "/snap";
  CommandResult snap = Grpc({"admin", "snapshot", target});
  ASSERT_EQ(snap.exit_code, 0) << snap.err;
  EXPECT_EQ(snap.out, "snapshot written to " + target + "\n");
  CommandResult again = Grpc({"admin", "snapshot", target});
  EXPECT_EQ(again.exit_code, 1);
}

TEST_F(GrpcCliE2eTest, BadTransportAndAServerThatIsGone) {
  EXPECT_EQ(RunGoclaw({"list", "--transport", "carrier-pigeon"}).exit_code, 2);
  // Without --grpc: the host of --server, port 9090.
  CommandResult derived = RunGoclaw(
      {"list", "--transport", "grpc", "--server", "http://127.0.0.2:1", "--timeout", "5s"});
  EXPECT_EQ(derived.exit_code, 1);
  EXPECT_THAT(derived.err, HasSubstr("127.0.0.2:9090"));
  const std::vector<std::string> grpc = grpc_;
  ASSERT_EQ(server_.Stop(SIGTERM), 0) << server_.Stderr();
  std::vector<std::string> args = {"list", "--timeout", "5s"};
  args.insert(args.end(), grpc.begin(), grpc.end());
  CommandResult down = RunGoclaw(args);
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_THAT(down.err, HasSubstr("cannot reach the goclaw server"));
}

}  // namespace
}  // namespace goclaw::testing
