// Executors from config (executors.h).
#include "goclaw/server/executors.h"

#include "goclaw/core/document.h"
#include "goclaw/core/text.h"
#include "goclaw/exec/builtin_executor.h"
#include "goclaw/exec/exec_executor.h"
#include "goclaw/exec/http_executor.h"
#include "goclaw/memory/memory_task_ops.h"
#include "goclaw/worker/remote_executor.h"

namespace goclaw::server {
namespace {

exec::ExecOptions ExecOptionsFrom(const config::Config& config) {
  exec::ExecOptions options;
  options.enabled = config.executors.exec.enabled;
  options.allow = config.executors.exec.allow;
  options.max_stdout_bytes = static_cast<std::size_t>(config.limits.max_output_bytes);
  return options;
}

}  // namespace

exec::ExecutorFactory ExecutorsFromConfig(const config::Config& config, ExecutorsOptions options) {
  return [config, options](const exec::ExecutorEnv& env) -> Result<std::unique_ptr<exec::ExecutorRegistry>> {
    auto registry = std::make_unique<exec::ExecutorRegistry>();
    exec::FunctionExecutorOptions functions;
    functions.where = options.functions_where;
    functions.check_names = options.check_function_names;
    GOCLAW_RETURN_IF_ERROR(exec::AddCoreExecutors(*registry, env, std::move(functions), options.builtin_ops));

    exec::HttpOptions http;
    http.ca_file = config.executors.http.ca_file;
    http.max_idle_per_host = static_cast<std::size_t>(config.executors.http.max_idle_per_host);
    http.max_response_bytes = static_cast<std::size_t>(config.limits.max_output_bytes);
    http.egress.allow = config.executors.http.egress.allow;
    http.egress.deny = config.executors.http.egress.deny;
    http.egress.allow_self = config.executors.http.egress.allow_self;
    http.egress.self = options.self;
    http.timers = &env.timers;
    http.clock = &env.clock;
    GOCLAW_ASSIGN_OR_RETURN(auto http_executor, exec::HttpExecutor::Create(std::move(http)));
    GOCLAW_RETURN_IF_ERROR(registry->Register("http", std::move(http_executor)));
    // Registered even when disabled: specs naming it get "exec tasks are disabled" (how to
    // enable them), not "unknown type".
    GOCLAW_RETURN_IF_ERROR(
        registry->Register("exec", std::make_unique<exec::ExecExecutor>(ExecOptionsFrom(config)), {"script"}));
    // Registered without a hub too: specs naming it get "needs `goclaw server`", not "unknown".
    GOCLAW_RETURN_IF_ERROR(registry->Register("remote", std::make_unique<worker::RemoteExecutor>(options.workers)));
    return registry;
  };
}

std::unique_ptr<exec::ExecutorRegistry> ValidationRegistry(const config::Config& config,
                                                           std::string no_functions_where) {
  auto registry = std::make_unique<exec::ExecutorRegistry>();
  auto ops = config.memory.enabled ? std::make_shared<const exec::BuiltinOps>(memory::MemoryBuiltinOps(nullptr)) : nullptr;
  (void)registry->RegisterType("builtin", [ops](const boost::json::object& c, const std::string& path, Diagnostics& diag) {
    exec::CheckBuiltinConfig(c, path, diag, ops.get());
  });
  (void)registry->RegisterType("function", [where = std::move(no_functions_where)](
                                               const boost::json::object& c, const std::string& path,
                                               Diagnostics& diag) {
    const boost::json::value* name = c.if_contains("name");
    if (name == nullptr || !name->is_string()) {
      diag.Add(JoinPath(path, "name"), "a function task must name a registered function");
    } else if (!where.empty()) {
      diag.Add(JoinPath(path, "name"),
               "no function named " + QuoteForMessage(name->get_string()) + " is registered " + where);
    }
  });
  (void)registry->RegisterType("http", exec::CheckHttpConfig);
  (void)registry->RegisterType(
      "exec",
      [options = ExecOptionsFrom(config)](const boost::json::object& c, const std::string& path, Diagnostics& diag) {
        exec::CheckExecConfig(c, path, diag, options);
      },
      {"script"});
  (void)registry->RegisterType("remote", worker::CheckRemoteConfig);
  return registry;
}

}  // namespace goclaw::server
