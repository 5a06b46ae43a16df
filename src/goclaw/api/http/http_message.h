// The request and response the API's handlers see: plain structs, no Beast types, so routes
// are easy to read and to test. Also the API's error shape:
//
//   {"error": {"code": "VALIDATION_FAILED", "message": "...", "details": [...], "request_id": "..."}}
//
// Thread-safety: plain values.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/core/status.h"

namespace goclaw::api::http {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: "/api/v1/workflows?limit=5"
  std::string path;    // the target without its query
  std::map<std::string, std::string> query;                 // decoded; the first value
  bool malformed_query = false;                             // a query part had a bad %-escape
  std::string duplicate_query;                              // a parameter given twice (400)
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::map<std::string, std::string> params;  // from the route pattern, decoded
  std::string request_id;
  std::string route;  // the matched pattern, e.g. "/api/v1/workflows/{id}"; "" when none

  // The first header with this (lower-case) name, or "".
  std::string_view Header(std::string_view lower_name) const;
  // The media type of Content-Type, lower-cased, without parameters ("application/json").
  std::string MediaType() const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type = "application/json";
  std::string body;
  // Set by a handler that must block for the rest of its work (e.g. waiting for a workflow):
  // the server runs it on the handler pool, under server.request_timeout, and sends what it
  // returns instead of this response.
  std::function<HttpResponse()> wait;
  // Set by a handler whose answer comes later from another thread (e.g. once a submit is
  // durable): the server calls `defer(reply)` and sends what `reply` gets, from any thread,
  // under server.request_timeout. The response given to `reply` may itself have `wait` set.
  using Reply = std::function<void(HttpResponse)>;
  std::function<void(Reply)> defer;

  // The body is core/json_format.h CompactJson: doubles as plain decimals ("0.000035").
  static HttpResponse Json(int status, const boost::json::value& value);
  static HttpResponse Text(int status, std::string text, std::string content_type = "text/plain; charset=utf-8");
  void SetHeader(std::string name, std::string value);
};

// API error codes (the "code" field) and their HTTP statuses.
inline constexpr std::string_view kBadRequest = "BAD_REQUEST";                // 400 malformed body
inline constexpr std::string_view kValidationFailed = "VALIDATION_FAILED";    // 400
inline constexpr std::string_view kLineageLimit = "LINEAGE_LIMIT";            // 400
inline constexpr std::string_view kNotFound = "NOT_FOUND";                    // 404
inline constexpr std::string_view kMethodNotAllowed = "METHOD_NOT_ALLOWED";   // 405
inline constexpr std::string_view kConflict = "CONFLICT";                     // 409
inline constexpr std::string_view kForbidden = "FORBIDDEN";                    // 403
inline constexpr std::string_view kRequestTimeout = "REQUEST_TIMEOUT";       // 408
inline constexpr std::string_view kPayloadTooLarge = "PAYLOAD_TOO_LARGE";     // 413
inline constexpr std::string_view kUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";  // 415
inline constexpr std::string_view kMisdirectedRequest = "MISDIRECTED_REQUEST";  // 421
inline constexpr std::string_view kUpgradeRequired = "UPGRADE_REQUIRED";     // 426
inline constexpr std::string_view kTooManyRequests = "TOO_MANY_REQUESTS";    // 429
inline constexpr std::string_view kInternal = "INTERNAL";                     // 500
inline constexpr std::string_view kUnavailable = "UNAVAILABLE";               // 503
inline constexpr std::string_view kTimeout = "TIMEOUT";                       // 504

HttpResponse ErrorResponse(const HttpRequest& req, int status, std::string_view code,
                           std::string_view message, const std::vector<ErrorDetail>& details = {});
// The one table from goclaw errors to HTTP: the status and the API code of an error, decided by
// its code and, where one code covers cases a client must tell apart, its reason
// (service/errors.h):
//
//   kInvalidArgument      400 VALIDATION_FAILED; reason MALFORMED: 400 BAD_REQUEST;
//                         reason LINEAGE_LIMIT: 400 LINEAGE_LIMIT
//   kNotFound             404 NOT_FOUND
//   kAlreadyExists, kFailedPrecondition, kAborted   409 CONFLICT
//   kResourceExhausted    429 TOO_MANY_REQUESTS; reason TOO_LARGE: 413 PAYLOAD_TOO_LARGE
//   kUnavailable          503 UNAVAILABLE
//   kDeadlineExceeded     504 TIMEOUT
//   kCancelled, kInternal 500 INTERNAL
struct HttpError {
  int status;
  std::string_view code;
};
HttpError HttpErrorOf(const Error& error);
// The error body for `error` with HttpErrorOf's status and code, its message and details.
HttpResponse ErrorResponse(const HttpRequest& req, const Error& error);
// What a deferred reply keeps of its request for ErrorResponse: the request id, not the body.
HttpRequest Who(const HttpRequest& req);

// Percent-decoding of a path segment or query component ('+' is a space only in queries).
// Fails on malformed escapes and on decoded NUL bytes.
bool PercentDecode(std::string_view in, bool query, std::string* out);

}  // namespace goclaw::api::http
