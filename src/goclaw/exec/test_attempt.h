// For tests only: runs one attempt of an executor to a URL and waits for its result — what the
// http executor tests (plain and TLS) do in almost every case.
//
// Thread-safety: blocks the calling thread until the executor's callback runs on its own.
#pragma once

#include <future>
#include <memory>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/exec/attempt_channel.h"
#include "goclaw/exec/executor.h"

namespace goclaw::exec::testing {

inline AttemptResult RunAttemptTo(Executor& exec, const std::string& url, int lineage_depth = 0) {
  std::promise<AttemptResult> promise;
  Attempt a;
  a.workflow_id = "wf";
  a.task_id = "t";
  a.idempotency_key = "wf/t/1";
  a.config = boost::json::object{{"url", url}};
  a.input = std::make_shared<const boost::json::value>();
  a.channel = std::make_shared<AttemptChannel>();
  a.lineage_depth = lineage_depth;
  exec.Start(std::move(a), [&promise](AttemptResult r) { promise.set_value(std::move(r)); });
  return promise.get_future().get();
}

}  // namespace goclaw::exec::testing
