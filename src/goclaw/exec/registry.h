// ExecutorRegistry: task type name -> executor. The engine looks executors up here and never
// names a type; spec validation (dag/task_types.h) asks it which types exist and has each
// executor check its own config. Adding an executor type is one Register call in the code
// that builds the registry (server/runtime.h), with no edit to dag or engine.
//
//   auto registry = std::make_shared<ExecutorRegistry>();
//   registry->Register("http", std::move(http_executor));
//   registry->Register("exec", std::move(exec_executor), {"script"});   // with an alias
//   registry->RegisterType("exec", CheckExecConfig);                    // validation only
//
// A type registered with RegisterType (no executor) is known to validation but cannot run:
// `goclaw validate` offline checks specs that way.
//
// Thread-safety: register everything before the registry is shared; lookups are then
// read-only and may run on any thread. Shutdown once, after the engine stopped using it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goclaw/core/status.h"
#include "goclaw/dag/task_types.h"
#include "goclaw/exec/executor.h"

namespace goclaw::exec {

using ConfigCheck = std::function<void(const boost::json::object& config, const std::string& path,
                                       Diagnostics& diag)>;

class ExecutorRegistry final : public dag::TaskTypeCatalog {
 public:
  ExecutorRegistry() = default;
  ~ExecutorRegistry() override;  // Shutdown()
  ExecutorRegistry(const ExecutorRegistry&) = delete;
  ExecutorRegistry& operator=(const ExecutorRegistry&) = delete;

  // kInvalidArgument for a bad type name; kAlreadyExists when it (or an alias) is taken.
  Status Register(std::string type, std::unique_ptr<Executor> executor,
                  std::vector<std::string> aliases = {});
  // A type known to validation only (its config checked by `check`); it cannot run here.
  Status RegisterType(std::string type, ConfigCheck check, std::vector<std::string> aliases = {});

  // The executor for a type (or alias); null when unknown or registered for validation only.
  Executor* Find(std::string_view type) const;
  // nullopt when tasks of `type` can run here; otherwise why not (unknown, disabled, ...).
  std::optional<std::string> Unavailable(std::string_view type) const;
  // Type names in registration order, without aliases.
  std::vector<std::string> Types() const;

  // dag::TaskTypeCatalog
  std::optional<std::string> Canonical(std::string_view name) const override;
  std::vector<std::string> Names() const override;
  void CheckConfig(std::string_view type, const boost::json::object& config,
                   const std::string& path, Diagnostics& diag) const override;

  // Shuts every executor down (executor.h), in reverse order of registration. Idempotent.
  void Shutdown();

 private:
  struct Entry {
    std::string type;
    std::vector<std::string> aliases;
    std::unique_ptr<Executor> executor;  // null: validation only
    ConfigCheck check;                   // validation only
  };
  const Entry* Lookup(std::string_view name) const;
  Status Add(Entry entry);

  std::vector<Entry> entries_;
  bool shut_down_ = false;  // a handful: a linear scan beats hashing
};

}  // namespace goclaw::exec
