// The grpc and workers sections: decoding and encoding (grpc_schema.h).
#include "goclaw/config/grpc_schema.h"

#include "goclaw/core/duration.h"

namespace goclaw::config {

void DecodeGrpc(const boost::json::value& v, GrpcConfig* out, Diagnostics& diag) {
  ObjectReader r(v, "grpc", diag, "the grpc section");
  r.Bool("enabled", &out->enabled);
  r.String("host", &out->host);
  r.Int("port", &out->port, 0, 65535);
  r.Int("max_receive_message_bytes", &out->max_receive_message_bytes, 1024, 1LL << 30);
  r.Int("max_send_message_bytes", &out->max_send_message_bytes, 1024, 1LL << 30);
  r.Duration("max_wait", &out->max_wait);
  r.Duration("drain_timeout", &out->drain_timeout);
  r.Int("max_streams", &out->max_streams, 1, 1000000);
  r.Bool("reflection", &out->reflection);
  if (out->host.empty()) diag.Add("grpc.host", "must not be empty (such as 127.0.0.1, or 0.0.0.0 for every address)");
  r.RejectUnknown();
}

boost::json::object EncodeGrpc(const GrpcConfig& g) {
  return {{"enabled", g.enabled},
          {"host", g.host},
          {"port", g.port},
          {"max_receive_message_bytes", g.max_receive_message_bytes},
          {"max_send_message_bytes", g.max_send_message_bytes},
          {"max_wait", FormatDuration(g.max_wait)},
          {"drain_timeout", FormatDuration(g.drain_timeout)},
          {"max_streams", g.max_streams},
          {"reflection", g.reflection}};
}

void DecodeWorkers(const boost::json::value& v, WorkersConfig* out, Diagnostics& diag) {
  ObjectReader r(v, "workers", diag, "the workers section");
  r.Duration("heartbeat_interval", &out->heartbeat_interval);
  r.Duration("heartbeat_timeout", &out->heartbeat_timeout);
  r.Int("max_workers", &out->max_workers, 1, 1000000);
  r.Int("max_capacity", &out->max_capacity, 1, 1000000);
  r.Int("max_lost_attempts", &out->max_lost_attempts, 0, 100000);
  r.Int("max_log_line_bytes", &out->max_log_line_bytes, 64, 1 << 20);
  if (out->heartbeat_interval.count() <= 0) {
    diag.Add("workers.heartbeat_interval", "must be positive (such as 2s)");
  } else if (out->heartbeat_timeout <= out->heartbeat_interval) {
    diag.Add("workers.heartbeat_timeout", "must be longer than workers.heartbeat_interval (such as 5 intervals)");
  }
  r.RejectUnknown();
}

boost::json::object EncodeWorkers(const WorkersConfig& w) {
  return {{"heartbeat_interval", FormatDuration(w.heartbeat_interval)},
          {"heartbeat_timeout", FormatDuration(w.heartbeat_timeout)},
          {"max_workers", w.max_workers},
          {"max_capacity", w.max_capacity},
          {"max_lost_attempts", w.max_lost_attempts},
          {"max_log_line_bytes", w.max_log_line_bytes}};
}

}  // namespace goclaw::config
