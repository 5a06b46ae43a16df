// Internal to the gRPC API: SubmitWorkflow's `wait` without a blocked thread. The wait ends
// when the workflow's terminal state is durable (the run feed says so), when its time is up
// (a timer), or when the server shuts down (the stream registry) — whichever comes first — and
// `done` then runs once, on the handler pool, where it reads the workflow's status
// (WorkflowService::AwaitFinish with no wait: the full status if it finished, else its summary).
//
// Thread-safety: AwaitWorkflow from any thread except a run-feed callback.
#pragma once

#include <string>

#include "goclaw/api/grpc/grpc_context.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/unique_function.h"

namespace goclaw::api::grpc {

void AwaitWorkflow(const GrpcContext& ctx, const std::string& workflow_id, Millis wait, UniqueFunction<void()> done);

}  // namespace goclaw::api::grpc
