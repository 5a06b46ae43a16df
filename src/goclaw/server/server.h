// The composition root of `goclaw server`: builds the runtime (runtime.h: the store — RocksDB at
// storage.path, or memory —, the executors and the engine, which resumes unfinished
// workflows), the application services over it (service/), the event hub and the HTTP API over
// the services, the gRPC API over the same services (api/grpc; when grpc.enabled), registers
// the metric collectors and the run series (GET /api/v1/stats/series), loads the web UI's files
// (ui.*; api/http/ui_files.h), serves, and shuts down in order: stop admitting, end the gRPC
// streams and let its calls finish (grpc.drain_timeout), let running attempts finish
// (shutdown.drain_timeout), write everything, let HTTP requests in flight finish
// (server.drain_timeout), close the engine, close the store.
//
// Thread-safety: Start, then Shutdown once, from one thread; accessors from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "goclaw/api/http/router.h"
#include "goclaw/config/config.h"
#include "goclaw/core/status.h"
#include "goclaw/engine/engine.h"
#include "goclaw/log/log.h"
#include "goclaw/store/store.h"

namespace goclaw::server {

class Server {
 public:
  // The logger of each module ("server", "engine", "api"); none: logs are discarded.
  using Loggers = std::function<log::Logger(std::string_view module)>;
  // Called with the engine before recovered workflows resume: register functions here.
  using Setup = std::function<void(engine::Engine&)>;
  // kUnavailable when the port cannot be bound, kInvalidArgument for bad settings.
  // `faults` (tests only) injects write failures into the store.
  static Result<std::unique_ptr<Server>> Start(const config::Config& config, Loggers loggers = {},
                                               std::shared_ptr<store::WriteFaults> faults = nullptr,
                                               Setup setup = {});
  ~Server();  // Shutdown() if not done
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const;  // the bound port (server.port 0 picks one)
  int grpc_port() const;  // the bound gRPC port (grpc.port 0 picks one); 0 when grpc.enabled is false
  // "http://host:port/ui/" when the web UI is served (ui.enabled and its files found); else "".
  const std::string& ui_url() const;
  engine::Engine& engine();
  store::Store& store();
  const api::http::Router& router() const;  // every route the server answers
  // /ready answers 503 from here on; requests in flight finish (up to server.drain_timeout).
  void Shutdown();

 private:
  class Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace goclaw::server
