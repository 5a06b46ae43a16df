// Calling registered functions, inline or on the worker pool.
#include "goclaw/exec/function_executor.h"

#include <pthread.h>

#include <exception>

#include "goclaw/core/document.h"
#include "goclaw/core/text.h"

namespace goclaw::exec {

FunctionExecutor::FunctionExecutor(std::shared_ptr<const FunctionRegistry> registry,
                                   FunctionExecutorOptions options, log::Logger logger)
    : registry_(std::move(registry)), options_(std::move(options)), logger_(std::move(logger)) {
  for (int i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this](std::stop_token stop) { Work(stop); });
    pthread_setname_np(workers_.back().native_handle(), "goclaw-fn");
  }
}

FunctionExecutor::~FunctionExecutor() { Shutdown(); }

void FunctionExecutor::Shutdown() {
  for (auto& w : workers_) w.request_stop();
  cv_.notify_all();
  workers_.clear();  // joins
  std::deque<Call> queued;
  {
    std::lock_guard lock(mu_);
    queued.swap(queue_);
  }
  for (Call& call : queued) {
    call.done(AttemptResult::Fail(ErrorCode::kCancelled, "engine shut down", true));
  }
}

void FunctionExecutor::CheckConfig(const boost::json::object& config, const std::string& path,
                                   Diagnostics& diag) const {
  const boost::json::value* name = config.if_contains("name");
  if (name == nullptr || !name->is_string()) {
    diag.Add(JoinPath(path, "name"), "a function task must name a registered function");
    return;
  }
  if (options_.check_names && registry_->Find(name->get_string()) == nullptr) {
    diag.Add(JoinPath(path, "name"), "no function named " + QuoteForMessage(name->get_string()) +
                                         " is registered " + options_.where);
  }
}

void FunctionExecutor::Start(Attempt attempt, AttemptDone done) {
  const boost::json::object* config = attempt.config.if_object();
  const boost::json::value* name = config ? config->if_contains("name") : nullptr;
  if (name == nullptr || !name->is_string()) {
    done(AttemptResult::Fail(ErrorCode::kInvalidArgument,
                             "config.name must name a registered function", false));
    return;
  }
  const RegisteredFunction* fn = registry_->Find(name->get_string());
  if (fn == nullptr) {
    done(AttemptResult::Fail(ErrorCode::kNotFound,
                             "no function named \"" + std::string(name->get_string()) +
                                 "\" is registered",
                             false));
    return;
  }
  Call call{std::move(attempt), std::move(done), fn};
  if (fn->inline_on_shard || workers_.empty()) {
    Run(call);
    return;
  }
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(call));
  }
  cv_.notify_one();
}

void FunctionExecutor::Work(std::stop_token stop) {
  while (true) {
    Call call;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, stop, [&] { return !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      call = std::move(queue_.front());
      queue_.pop_front();
    }
    Run(call);
  }
}

void FunctionExecutor::Run(Call& call) const {
  const Attempt& a = call.attempt;
  if (a.channel->cancelled()) {
    call.done(AttemptResult::Fail(ErrorCode::kCancelled, "cancelled before it started", false));
    return;
  }
  static const boost::json::value kNull;
  const boost::json::value* args = &kNull;
  if (const auto* obj = a.config.if_object()) {
    if (const auto* v = obj->if_contains("args")) args = v;
  }
  log::Logger logger = logger_.With("workflow_id", a.workflow_id).With("task_id", a.task_id);
  TaskContext ctx{a.workflow_id, a.task_id, a.number, a.idempotency_key, *args, *a.input,
                  *a.channel, logger, a.interrupt};
  AttemptResult result;
  try {
    Result<boost::json::value> out = call.fn->fn(ctx);
    if (out) {
      result = AttemptResult::Ok(std::move(*out));
    } else {
      result = AttemptResult{tl::unexpected<Error>(out.error()),
                             out.error().code() != ErrorCode::kInvalidArgument};
    }
  } catch (const std::exception& e) {
    result = AttemptResult::Fail(ErrorCode::kInternal,
                                 std::string("function threw an exception: ") + e.what(), true);
  } catch (...) {
    result = AttemptResult::Fail(ErrorCode::kInternal,
                                 "function threw an exception that is not a std::exception", true);
  }
  call.done(std::move(result));
}

}  // namespace goclaw::exec
