// Calling registered functions, inline or on the worker pool.
#include "goclaw/engine/function_executor.h"

#include <pthread.h>

#include <exception>

namespace goclaw::engine {

FunctionExecutor::FunctionExecutor(const FunctionRegistry& registry, int workers,
                                   log::Logger logger)
    : registry_(registry), logger_(std::move(logger)) {
  for (int i = 0; i < workers; ++i) {
    workers_.emplace_back([this](std::stop_token stop) { Work(stop); });
    pthread_setname_np(workers_.back().native_handle(), "goclaw-fn");
  }
}

FunctionExecutor::~FunctionExecutor() {
  for (auto& w : workers_) w.request_stop();
  cv_.notify_all();
  workers_.clear();  // joins
  for (Call& call : queue_) {
    call.done(AttemptResult::Fail(ErrorCode::kCancelled, "engine shut down", true));
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
  const RegisteredFunction* fn = registry_.Find(std::string(name->get_string()));
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
  if (a.cancel->cancelled()) {
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
                  *a.cancel, logger,
                  [logger](double fraction, std::string_view message) {
                    logger.Debug("progress {:.0f}%: {}", fraction * 100, message);
                  }};
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

}  // namespace goclaw::engine
