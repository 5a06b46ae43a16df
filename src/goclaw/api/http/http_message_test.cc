#include "goclaw/api/http/http_message.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "goclaw/service/errors.h"

namespace goclaw::api::http {
namespace {

Error WithReason(ErrorCode code, std::string_view reason) {
  Error e(code, "m");
  e.WithReason(std::string(reason));
  return e;
}

// The one table from goclaw errors to statuses and API codes.
TEST(HttpErrorTest, EveryCodeAndReasonHasItsStatus) {
  struct Case {
    Error error;
    int status;
    std::string_view code;
  };
  const Case cases[] = {
      {Error(ErrorCode::kInvalidArgument, "m"), 400, "VALIDATION_FAILED"},
      {WithReason(ErrorCode::kInvalidArgument, service::kReasonMalformed), 400, "BAD_REQUEST"},
      {WithReason(ErrorCode::kInvalidArgument, service::kReasonLineageLimit), 400, "LINEAGE_LIMIT"},
      {WithReason(ErrorCode::kInvalidArgument, "SOMETHING_ELSE"), 400, "VALIDATION_FAILED"},
      {Error(ErrorCode::kNotFound, "m"), 404, "NOT_FOUND"},
      {Error(ErrorCode::kAlreadyExists, "m"), 409, "CONFLICT"},
      {Error(ErrorCode::kFailedPrecondition, "m"), 409, "CONFLICT"},
      {Error(ErrorCode::kAborted, "m"), 409, "CONFLICT"},
      {Error(ErrorCode::kResourceExhausted, "m"), 429, "TOO_MANY_REQUESTS"},
      {WithReason(ErrorCode::kResourceExhausted, service::kReasonTooLarge), 413, "PAYLOAD_TOO_LARGE"},
      {Error(ErrorCode::kUnavailable, "m"), 503, "UNAVAILABLE"},
      {Error(ErrorCode::kDeadlineExceeded, "m"), 504, "TIMEOUT"},
      {Error(ErrorCode::kCancelled, "m"), 500, "INTERNAL"},
      {Error(ErrorCode::kInternal, "m"), 500, "INTERNAL"},
      // A reason that belongs to another code does not change the class.
      {WithReason(ErrorCode::kNotFound, service::kReasonMalformed), 404, "NOT_FOUND"},
  };
  for (const Case& c : cases) {
    const HttpError e = HttpErrorOf(c.error);
    EXPECT_EQ(e.status, c.status) << c.error.ToString() << " " << c.error.reason();
    EXPECT_EQ(e.code, c.code) << c.error.ToString() << " " << c.error.reason();
  }
}

TEST(HttpErrorTest, TheBodyCarriesCodeMessageDetailsAndRequestId) {
  HttpRequest req;
  req.request_id = "req-1";
  Error e(ErrorCode::kInvalidArgument, "spec is invalid: 1 problem", {{"tasks[0].id", "is required", 3, ""}});
  HttpResponse r = ErrorResponse(req, e);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            R"({"error":{"code":"VALIDATION_FAILED","message":"spec is invalid: 1 problem",)"
            R"("details":[{"path":"tasks[0].id","message":"is required","line":3}],"request_id":"req-1"}})");
}

TEST(HttpResponseTest, JsonBodiesPrintDoublesAsPlainDecimals) {
  HttpResponse r = HttpResponse::Json(200, boost::json::parse(R"({"uptime_seconds": 3.4526e-05, "n": 2})"));
  EXPECT_EQ(r.body, R"({"uptime_seconds":0.000034526,"n":2})");
  EXPECT_EQ(r.content_type, "application/json");
}

}  // namespace
}  // namespace goclaw::api::http
