// Function registration.
#include "goclaw/exec/function_registry.h"

namespace goclaw::exec {

Status FunctionRegistry::Register(std::string name, TaskFunction fn, bool inline_on_shard) {
  if (name.empty() || !fn) {
    return MakeError(ErrorCode::kInvalidArgument, "a function needs a name and a body");
  }
  std::lock_guard lock(mu_);
  if (functions_.contains(name)) {
    return MakeError(ErrorCode::kAlreadyExists, "function \"" + name + "\" is already registered");
  }
  functions_.emplace(std::move(name), RegisteredFunction{std::move(fn), inline_on_shard});
  return OkStatus();
}

const RegisteredFunction* FunctionRegistry::Find(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

}  // namespace goclaw::exec
