// The `grpc` and `workers` sections of the config (config.h GrpcConfig, WorkersConfig):
// decoding with field paths and encoding for `goclaw config print`.
//
//   grpc:
//     enabled: true
//     host: 127.0.0.1        # loopback unless configured otherwise
//     port: 9090             # 0 picks a free port
//     max_receive_message_bytes: 4194304
//     max_wait: 5m           # the longest SubmitWorkflow wait
//   workers:
//     heartbeat_interval: 2s
//     heartbeat_timeout: 10s # a silent worker loses its attempts; they run again elsewhere
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/config/config.h"
#include "goclaw/core/json_reader.h"

namespace goclaw::config {

void DecodeGrpc(const boost::json::value& v, GrpcConfig* out, Diagnostics& diag);
boost::json::object EncodeGrpc(const GrpcConfig& g);
void DecodeWorkers(const boost::json::value& v, WorkersConfig* out, Diagnostics& diag);
boost::json::object EncodeWorkers(const WorkersConfig& w);

}  // namespace goclaw::config
