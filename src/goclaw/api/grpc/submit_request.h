// A SubmitWorkflowRequest as the spec text WorkflowService::Prepare reads: either its `spec`
// (JSON or YAML, exactly what REST takes) or a goclaw JSON spec built from its name, tasks and
// metadata (dag/spec_decoder.cc's keys: id, name, depends_on, type, config, timeout, retries,
// lane), with `input_json` as the spec's input. Problems of the request's own fields are
// kInvalidArgument with their paths ("tasks[2].config_json", "input_json"; reason MALFORMED
// when a JSON text does not parse); problems of the spec are Prepare's, with the spec's paths
// (a task's `dependencies` are its `depends_on` there).
//
// TaskDefinition.metadata has no key in a goclaw spec: it is kept in the workflow's metadata
// under "task_metadata" ({"<task id>": {...}}).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "goclaw/core/status.h"
#include "goclaw/service/workflow_service.h"
#include "goclaw/v1/workflow.pb.h"

namespace goclaw::api::grpc {

// `lineage`: the caller's goclaw-lineage metadata (service::SubmitRequest::lineage).
Result<service::SubmitRequest> ToSubmitRequest(const v1::SubmitWorkflowRequest& request,
                                               const service::WorkflowService& workflows,
                                               std::string_view lineage = {});

}  // namespace goclaw::api::grpc
