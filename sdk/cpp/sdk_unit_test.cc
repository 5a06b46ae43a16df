// Unit tests of the SDK's pieces that need no server: the gRPC error table and ErrorInfo
// decoding, the reconnect backoff, outcomes, and the option checks of Client and Worker.
#include <set>

#include <gtest/gtest.h>

#include "goclaw/sdk/backoff.h"
#include "goclaw/sdk/client.h"
#include "goclaw/sdk/errors.h"
#include "goclaw/sdk/worker.h"
#include "goclaw/v1/common.pb.h"

namespace goclaw::sdk {
namespace {

using std::chrono::milliseconds;

TEST(SdkErrors, EveryGoclawCodeRoundTripsThroughGrpc) {
  for (ErrorCode c : {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kAlreadyExists,
                      ErrorCode::kFailedPrecondition, ErrorCode::kAborted, ErrorCode::kUnavailable,
                      ErrorCode::kDeadlineExceeded, ErrorCode::kResourceExhausted,
                      ErrorCode::kCancelled, ErrorCode::kInternal}) {
    EXPECT_EQ(ErrorCodeFromGrpc(GrpcCodeFromErrorCode(c)), c) << ErrorCodeName(c);
  }
  EXPECT_EQ(ErrorCodeFromGrpc(grpc::StatusCode::UNKNOWN), ErrorCode::kInternal);
  EXPECT_EQ(ErrorCodeFromGrpc(grpc::StatusCode::UNIMPLEMENTED), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ErrorCodeFromGrpc(grpc::StatusCode::OUT_OF_RANGE), ErrorCode::kInvalidArgument);
}

TEST(SdkErrors, ErrorInfoGivesReasonAndFieldViolations) {
  v1::ErrorInfo info;
  info.set_code("INVALID_ARGUMENT");
  info.set_reason("MALFORMED");
  info.set_message("invalid workflow spec: 1 problem");
  auto* v = info.add_field_violations();
  v->set_field("tasks[0].depends_on[0]");
  v->set_description("unknown task \"zz\"");
  grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, "ignored when ErrorInfo has one",
                      info.SerializeAsString());
  Error e = ErrorFromStatus(status, "127.0.0.1:9090");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.reason(), "MALFORMED");
  EXPECT_EQ(e.message(), "invalid workflow spec: 1 problem");
  ASSERT_EQ(e.details().size(), 1u);
  EXPECT_EQ(e.details()[0].path, "tasks[0].depends_on[0]");
  EXPECT_EQ(e.details()[0].message, "unknown task \"zz\"");
}

TEST(SdkErrors, LineAndSourceComeBackOutOfTheDescription) {
  v1::ErrorInfo info;
  info.set_code("INVALID_ARGUMENT");
  auto add = [&](std::string field, std::string description) {
    auto* v = info.add_field_violations();
    v->set_field(std::move(field));
    v->set_description(std::move(description));
  };
  add("tasks[1].id", "duplicate id \"a\" (line 4) [spec.yaml]");
  add("tasks[2]", "missing id (line 7)");
  add("x", "see (line one)");  // not a line number: kept as written
  add("y", "weird [");
  Error e = ErrorFromStatus(
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad", info.SerializeAsString()));
  ASSERT_EQ(e.details().size(), 4u);
  EXPECT_EQ(e.details()[0], (ErrorDetail{.path = "tasks[1].id",
                                         .message = "duplicate id \"a\"",
                                         .line = 4,
                                         .source = "spec.yaml"}));
  EXPECT_EQ(e.details()[1], (ErrorDetail{.path = "tasks[2]", .message = "missing id", .line = 7}));
  EXPECT_EQ(e.details()[2], (ErrorDetail{.path = "x", .message = "see (line one)"}));
  EXPECT_EQ(e.details()[3], (ErrorDetail{.path = "y", .message = "weird ["}));
}

TEST(SdkErrors, ErrorInfoCodeNameWinsOverAnAmbiguousGrpcCode) {
  v1::ErrorInfo info;
  info.set_code("ALREADY_EXISTS");
  info.set_message("x");
  Error e = ErrorFromStatus(grpc::Status(grpc::StatusCode::ABORTED, "x", info.SerializeAsString()));
  EXPECT_EQ(e.code(), ErrorCode::kAlreadyExists);
}

TEST(SdkErrors, WithoutErrorInfoTheMessageNamesTheServer) {
  Error down = ErrorFromStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "failed to connect"),
                               "127.0.0.1:1");
  EXPECT_EQ(down.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(down.message(),
            "cannot reach the goclaw server at 127.0.0.1:1 (gRPC): failed to connect");
  // Garbage details (a proxy's) are not ErrorInfo: the gRPC message stays.
  Error garbage = ErrorFromStatus(
      grpc::Status(grpc::StatusCode::INTERNAL, "boom", std::string("\xff\xff\x01", 3)));
  EXPECT_EQ(garbage.code(), ErrorCode::kInternal);
  EXPECT_EQ(garbage.message(), "boom");
  EXPECT_TRUE(garbage.details().empty());
}

TEST(SdkErrors, PermanentFailuresAreTheRefusals) {
  EXPECT_TRUE(IsPermanent(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "")));
  EXPECT_TRUE(IsPermanent(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "")));
  EXPECT_FALSE(IsPermanent(grpc::Status(grpc::StatusCode::UNAVAILABLE, "")));
  EXPECT_FALSE(IsPermanent(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "")));
  EXPECT_FALSE(IsPermanent(grpc::Status(grpc::StatusCode::CANCELLED, "")));
}

TEST(SdkBackoff, GrowsExponentiallyWithJitterUpToTheCap) {
  Backoff b(milliseconds(100), milliseconds(1000), 42);
  const std::int64_t steps[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (std::int64_t step : steps) {
    const auto d = b.Next().count();
    EXPECT_GE(d, step / 2) << "step " << step;
    EXPECT_LE(d, step) << "step " << step;
  }
  b.Reset();
  EXPECT_LE(b.Next().count(), 100);
}

TEST(SdkBackoff, JitterSpreadsWorkersAndIsDeterministicPerSeed) {
  std::set<std::int64_t> firsts;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Backoff b(milliseconds(1000), milliseconds(30000), seed);
    firsts.insert(b.Next().count());
  }
  EXPECT_GT(firsts.size(), 10u);
  Backoff a(milliseconds(1000), milliseconds(30000), 7),
      c(milliseconds(1000), milliseconds(30000), 7);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.Next(), c.Next());
}

TEST(SdkBackoff, ManyFailuresDoNotOverflow) {
  Backoff b(milliseconds(1), milliseconds(60000), 3);
  for (int i = 0; i < 200; ++i) {
    const auto d = b.Next().count();
    ASSERT_GE(d, 0);
    ASSERT_LE(d, 60000);
  }
}

TEST(SdkOutcome, SuccessAndFailure) {
  Outcome ok = Outcome::Success(R"({"n": 1})");
  EXPECT_TRUE(ok.success());
  EXPECT_EQ(ok.output_json(), R"({"n": 1})");
  Outcome bad = Outcome::Failure("no answer", false);
  EXPECT_FALSE(bad.success());
  EXPECT_EQ(bad.error_message(), "no answer");
  EXPECT_FALSE(bad.retryable());
  EXPECT_TRUE(Outcome::Failure("flaky").retryable());
}

TEST(SdkClient, ConnectRefusesBadOptions) {
  auto empty = Client::Connect("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
  auto negative = Client::Connect("127.0.0.1:9090", {.deadline = milliseconds(-1)});
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Client::Connect("127.0.0.1:9090"));  // lazy: nothing is dialled yet
}

Outcome Nothing(Task&) { return Outcome::Success(); }

// Each refused before anything is dialled (the target is never reachable here).
TEST(SdkWorker, RunRefusesBadOptionsBeforeConnecting) {
  struct Case {
    WorkerOptions options;
    std::string queue;
    std::string expected;
  };
  std::vector<Case> cases;
  cases.push_back({{.target = "127.0.0.1:1", .name = "w", .capacity = 0}, "q", "capacity 0"});
  cases.push_back(
      {{.target = "127.0.0.1:1", .name = "w", .capacity = 10001}, "q", "capacity 10001"});
  cases.push_back(
      {{.target = "127.0.0.1:1", .name = "bad name!"}, "q", "worker name \"bad name!\""});
  cases.push_back({{.target = "127.0.0.1:1", .name = "w"}, "bad/queue", "queue \"bad/queue\""});
  cases.push_back(
      {{.target = "127.0.0.1:1", .name = "w"}, std::string(129, 'q'), "expected 1 to 128"});
  cases.push_back({{.target = "", .name = "w"}, "q", "target is empty"});
  for (Case& c : cases) {
    Worker w(std::move(c.options));
    w.Handle(c.queue, Nothing);
    Status s = w.Run();
    ASSERT_FALSE(s) << c.expected;
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message().find(c.expected), std::string::npos) << s.error().message();
    EXPECT_EQ(w.stats().connections, 0);
  }
  Worker none({.target = "127.0.0.1:1", .name = "w"});
  Status s = none.Run();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("serves no queue"), std::string::npos);
}

TEST(SdkWorker, StopBeforeRunMakesRunReturnAtOnce) {
  Worker w({.target = "127.0.0.1:1", .name = "w"});
  w.Handle("q", Nothing);
  w.Stop();
  EXPECT_TRUE(w.Run());
}

}  // namespace
}  // namespace goclaw::sdk
