// Helpers shared by the gRPC handlers (grpc_context.h).
#include "goclaw/api/grpc/grpc_context.h"

#include <charconv>

#include "goclaw/core/json_reader.h"

namespace goclaw::api::grpc {

::grpc::Status InvalidField(const std::string& path, const std::string& problem) {
  return Fail(Error(ErrorCode::kInvalidArgument, path + ": " + problem, {{path, problem, 0, ""}}));
}

void FinishOnPool(const GrpcContext& ctx, ::grpc::ServerUnaryReactor* reactor, UniqueFunction<::grpc::Status()> fn) {
  if (!ctx.pool->Post([reactor, fn = std::move(fn)]() mutable { reactor->Finish(fn()); })) {
    reactor->Finish(::grpc::Status(::grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
  }
}

void PostOrFail(const GrpcContext& ctx, ::grpc::ServerUnaryReactor* reactor, UniqueFunction<void()> fn) {
  if (!ctx.pool->Post(std::move(fn))) {
    reactor->Finish(::grpc::Status(::grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
  }
}

Result<Page> ReadPage(std::int32_t page_size, const std::string& page_token, std::size_t default_size) {
  Diagnostics diag;
  Page page;
  page.size = page_size == 0 ? default_size : static_cast<std::size_t>(page_size);
  if (page_size < 0 || page_size > 1000) {
    diag.Add("pagination.page_size", "expected 1 to 1000 (0: " + std::to_string(default_size) + "), got " +
                                         std::to_string(page_size));
  }
  if (!page_token.empty()) {
    const char* end = page_token.data() + page_token.size();
    auto [ptr, ec] = std::from_chars(page_token.data(), end, page.offset);
    if (ec != std::errc() || ptr != end || page.offset > 1000000000) {
      diag.Add("pagination.page_token", "not a page token this API handed out (next_page_token)");
    }
  }
  if (!diag.empty()) return MakeError(diag.ToError("pagination"));
  return page;
}

}  // namespace goclaw::api::grpc
