// Health, readiness and what is going on, as an application service (api/http/health_routes.cc:
// /health, /ready, /status; gRPC health later).
//
// Ready() is kUnavailable while the server starts or shuts down (`accepting` says false) and
// while the store cannot write (submits fail then; reads keep working); the message says which.
//
// Thread-safety: every method from any thread. The engine and the admin service must outlive it.
#pragma once

#include <functional>
#include <string>

#include <boost/json/object.hpp>

#include "goclaw/core/clock.h"
#include "goclaw/core/status.h"
#include "goclaw/engine/engine.h"
#include "goclaw/service/admin_service.h"

namespace goclaw::service {

struct HealthOptions {
  std::string version;
  Clock::WallTime started_at;
  std::function<bool()> accepting;  // false while starting or shutting down; none: always
  const Clock* clock = nullptr;     // for the uptime; default: the system clock
};

class HealthService {
 public:
  HealthService(engine::Engine& engine, const AdminService& admin, HealthOptions options);
  HealthService(const HealthService&) = delete;
  HealthService& operator=(const HealthService&) = delete;

  const std::string& version() const { return options_.version; }

  // {"status": "ok"}: the process answers.
  boost::json::object Health() const;
  // {"status": "ready"}, or kUnavailable with why not.
  Result<boost::json::object> Ready() const;
  // {version, started_at, uptime_seconds, workflows: {<state>: n, ..., total},
  //  lanes: [{name, running, waiting, max_concurrency, dropped, rejected}], store: StoreInfo}.
  boost::json::object Report() const;

 private:
  engine::Engine& engine_;
  const AdminService& admin_;
  HealthOptions options_;
  SystemClock system_clock_;
  const Clock& clock_;
};

}  // namespace goclaw::service
