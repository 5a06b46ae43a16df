// How the client commands reach a server: `--transport http` (the REST API at --server, the
// default) or `--transport grpc` (goclaw.v1 at --grpc, through goclaw::sdk::Client). Each call
// answers with the REST API's JSON document for it, whichever the transport — the gRPC answers
// are converted to that shape (grpc_json.h) — so that a command has one code path and prints
// the same for the same data. (--json prints that document: over gRPC it holds only what the
// gRPC answer carries.)
//
// Timeouts: every call is bounded by --timeout (connecting and answering); a submit or saga
// that waits gets its wait on top.
//
// Thread-safety: one Transport per command, used by its thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "goclaw/core/document.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"

#include "cli.h"

namespace goclaw::cli {

struct WorkflowQuery {
  std::string status;  // a state name; empty: any
  std::string name;    // exact; empty: any
  int limit = 50;
  bool newest_first = false;
};

struct SagaQuery {
  std::string state;  // a state name; empty: any
  int limit = 50;
  int offset = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // `spec_json`: the spec as JSON text (with the input merged). Without `wait`: {id, status, ...}
  // once durable; with it: the workflow's status once it finished, or its summary when the
  // wait ran out.
  virtual Result<boost::json::value> SubmitWorkflow(const std::string& spec_json,
                                                    std::optional<Millis> wait) = 0;
  virtual Result<boost::json::value> GetWorkflow(const std::string& id) = 0;
  // {workflows: [{id, status, name, created_at, tasks}], total}
  virtual Result<boost::json::value> ListWorkflows(const WorkflowQuery& query) = 0;
  virtual Result<boost::json::value> CancelWorkflow(const std::string& id) = 0;
  // `payload`: a JSON object. {seq, kind, state, ...}
  virtual Result<boost::json::value> Signal(const std::string& id, const std::string& task,
                                            const std::string& kind,
                                            const boost::json::value& payload) = 0;
  // {signals: [{seq, kind, state, created_at, deliveries: [{task, state}]}]}
  virtual Result<boost::json::value> ListSignals(const std::string& id,
                                                 const std::string& task) = 0;

  // The saga spec as it was read (error lines point into it). {saga_id, state, ...}
  virtual Result<boost::json::value> SubmitSaga(const std::string& text, DocumentFormat format) = 0;
  // The saga's status; with `wait`, once it settled or the wait ran out.
  virtual Result<boost::json::value> GetSaga(const std::string& id, std::optional<Millis> wait) = 0;
  // {items: [{saga_id, state, name, created_at}], total}
  virtual Result<boost::json::value> ListSagas(const SagaQuery& query) = 0;
  virtual Result<boost::json::value> CompensateSaga(const std::string& id,
                                                    const std::string& reason) = 0;
  virtual Result<boost::json::value> RecoverSaga(const std::string& id) = 0;

  // An online snapshot of the server's store into `dir` (absolute, new).
  virtual Status Snapshot(const std::string& dir) = 0;
};

std::unique_ptr<Transport> MakeHttpTransport(const ClientOptions& o);
std::unique_ptr<Transport> MakeGrpcTransport(const ClientOptions& o);
// By o.transport.
std::unique_ptr<Transport> MakeTransport(const ClientOptions& o);

// A saga state in which nothing happens until someone asks: what `saga submit --wait` waits for
// (pending-compensation waits for `saga compensate`).
bool SagaSettled(std::string_view state);

}  // namespace goclaw::cli
