// Error handling for all of goclaw: canonical error codes, `Error`, `Result<T>` and `Status`.
//
// Bad input, I/O and peer failures are returned as `Result`s, never thrown. An `Error` carries a
// canonical code, a message that says what was wrong, where, and what would be accepted, and an
// optional list of details (one per problem when a validator reports several at once).
//
// Thread-safety: plain value types; safe to copy and move between threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace goclaw {

// Canonical error codes (the subset of the gRPC/Abseil set that goclaw uses). The HTTP and gRPC
// mappings live in one table each, next to the transports.
enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kAborted,
  kUnavailable,
  kDeadlineExceeded,
  kResourceExhausted,
  kCancelled,
  kInternal,
};

// "INVALID_ARGUMENT", "NOT_FOUND", ...
std::string_view ErrorCodeName(ErrorCode code);

// One problem found in a document: where it is and what is wrong with it.
struct ErrorDetail {
  std::string path;     // e.g. "tasks[3].depends_on[0]"; empty for the document itself
  std::string message;  // e.g. "unknown task \"serch\"; did you mean \"search\"?"
  int line = 0;         // 1-based source line when known, else 0
  std::string source;   // file or setting the problem came from, when not the caller's input

  friend bool operator==(const ErrorDetail&, const ErrorDetail&) = default;
};

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  Error(ErrorCode code, std::string message, std::vector<ErrorDetail> details)
      : code_(code), message_(std::move(message)), details_(std::move(details)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<ErrorDetail>& details() const { return details_; }
  // A stable UPPER_SNAKE word that refines the code where callers must tell cases apart
  // (google.rpc.ErrorInfo's `reason`): "MALFORMED" input vs an invalid one, both
  // kInvalidArgument. Empty when the code says enough. Transports map (code, reason) to
  // their own codes in their one table (api/http/http_message.cc).
  const std::string& reason() const { return reason_; }
  Error& WithReason(std::string reason) {
    reason_ = std::move(reason);
    return *this;
  }

  // Prepends context ("loading goclaw.yaml: ") to the message and returns *this.
  Error& WithContext(std::string_view context);

  // "INVALID_ARGUMENT: message" followed by one indented line per detail.
  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string message_;
  std::vector<ErrorDetail> details_;
  std::string reason_;
};

// A value or an Error. `[[nodiscard]]`: dropping a Result drops its error, so the compiler
// reports every call whose Result is not looked at. Where ignoring one is right, say why with
// IgnoreError(result, "why") below.
//
// It is a tl::expected (same members, same monadic operations) that adds only the attribute;
// the constructors from the base make the results of map()/and_then()/or_else(), which are
// plain tl::expected, convert back.
template <typename T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
 public:
  using Base = tl::expected<T, Error>;
  using Base::Base;
  Result() = default;
  Result(const Base& other) : Base(other) {}             // NOLINT(google-explicit-constructor)
  Result(Base&& other) : Base(std::move(other)) {}       // NOLINT(google-explicit-constructor)
};

// Result of an operation that returns nothing on success. `OkStatus()` is success.
using Status = Result<void>;

inline Status OkStatus() { return {}; }

// Drops a Result on purpose. `why` is for the reader (and grep): why losing the error is right
// here, e.g. "best effort: the process exits next" or "the caller already reported it".
template <typename T>
inline void IgnoreError(const Result<T>& /*result*/, std::string_view /*why*/) {}

// Builds the unexpected value for a Result: `return MakeError(ErrorCode::kNotFound, "...")`.
inline tl::unexpected<Error> MakeError(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error(code, std::move(message)));
}
inline tl::unexpected<Error> MakeError(Error error) {
  return tl::unexpected<Error>(std::move(error));
}

namespace internal {
// Takes a tl::expected so that the macros also accept the plain tl::expected that map() and
// and_then() return.
template <typename T>
Error TakeError(tl::expected<T, Error>& r) {
  return std::move(r.error());
}
}  // namespace internal

}  // namespace goclaw

#define GOCLAW_INTERNAL_CONCAT_(a, b) a##b
#define GOCLAW_INTERNAL_CONCAT(a, b) GOCLAW_INTERNAL_CONCAT_(a, b)

// Returns the error from the enclosing function when `expr` (a Result or Status) failed.
#define GOCLAW_RETURN_IF_ERROR(expr)                                       \
  do {                                                                     \
    auto goclaw_status_ = (expr);                                          \
    if (!goclaw_status_) {                                                 \
      return ::tl::unexpected<::goclaw::Error>(                            \
          ::goclaw::internal::TakeError(goclaw_status_));                  \
    }                                                                      \
  } while (false)

// Evaluates `expr` (a Result<T>); on error returns it, otherwise moves the value into `lhs`,
// which may be a declaration (`auto x`) or an existing variable.
#define GOCLAW_ASSIGN_OR_RETURN(lhs, expr) \
  GOCLAW_INTERNAL_ASSIGN_OR_RETURN(GOCLAW_INTERNAL_CONCAT(goclaw_result_, __LINE__), lhs, expr)

#define GOCLAW_INTERNAL_ASSIGN_OR_RETURN(tmp, lhs, expr)                                    \
  auto tmp = (expr);                                                                       \
  if (!tmp) {                                                                              \
    return ::tl::unexpected<::goclaw::Error>(::goclaw::internal::TakeError(tmp));          \
  }                                                                                        \
  lhs = std::move(*tmp)
