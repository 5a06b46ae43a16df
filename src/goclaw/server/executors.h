// The executor registry a configuration asks for: builtin and function always, http (with its
// egress policy and CA file) always, exec only as enabled, remote (pull workers) always — it
// runs only with a worker hub (`goclaw server`), elsewhere its tasks are refused at submit.
// `server/` is the one place that names every executor type; a new type is one more Register
// here (docs/design/extending.md).
//
// Thread-safety: pure builders; the factory runs once, inside Engine::Create.
#pragma once

#include <memory>
#include <string>

#include "goclaw/config/config.h"
#include "goclaw/exec/core_executors.h"
#include "goclaw/exec/egress.h"
#include "goclaw/exec/registry.h"
#include "goclaw/worker/worker_hub.h"

namespace goclaw::server {

struct ExecutorsOptions {
  // This server's listeners, which http tasks may not call (unless egress.allow_self).
  std::shared_ptr<exec::SelfEndpoints> self;
  // Where functions are registered, for "no function named x is registered <where>".
  std::string functions_where = "on this server";
  bool check_function_names = true;
  // Ops other modules add to `builtin` (memory's memorize and recall); null: none.
  std::shared_ptr<const exec::BuiltinOps> builtin_ops;
  // The pull workers' hub `remote` tasks go to (worker/worker_hub.h); null: remote tasks are
  // refused ("remote tasks need `goclaw server` ...").
  std::shared_ptr<worker::WorkerHub> workers;
};

// For EngineOptions::executors.
exec::ExecutorFactory ExecutorsFromConfig(const config::Config& config, ExecutorsOptions options = {});

// The same types, for validation only (nothing runs): `goclaw validate` offline, and `goclaw
// run` before its engine starts. With `no_functions_where`, every function task is refused
// ("no function named x is registered <where>": the program registers none); without it,
// function names are not checked (validate does not know the server's functions).
std::unique_ptr<exec::ExecutorRegistry> ValidationRegistry(const config::Config& config,
                                                           std::string no_functions_where = {});

}  // namespace goclaw::server
