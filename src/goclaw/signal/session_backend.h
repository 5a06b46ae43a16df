// What the session router needs from the engine. The runtime implements it over the engine
// (submit with the session key in the run's metadata, durable signals, the run's state, a
// summarize task); tests implement it with a fake. The router never names the engine.
//
// Thread-safety: the router calls these from any thread, never while it holds its lock, so an
// implementation may call back into the router (even synchronously, from inside a call). Each
// `done` must be called exactly once, on any thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/core/status.h"
#include "goclaw/core/unique_function.h"

namespace goclaw::signal {

class SessionBackend {
 public:
  virtual ~SessionBackend() = default;

  // A fresh id for StartRun, which the router records before the start, so that after a crash
  // it can tell whether the start happened (RunFinished answers kNotFound when it did not).
  virtual std::string NewRunId() = 0;

  // Starts a run of the session kind's workflow (config sessions[kind_index].workflow) with
  // `input`, recording `session` in the run's metadata, under `run_id` (empty: the backend picks
  // one). done(workflow id) once the run is durable, or the error (the router then keeps nothing
  // of the input that started it); kAlreadyExists when a run has `run_id` already.
  virtual void StartRun(std::size_t kind_index, const std::string& session, boost::json::value input,
                        const std::string& run_id, UniqueFunction<void(Result<std::string>)> done) = 0;

  // Sends a durable signal to a run: `kind` "steer" with payload {"parameters": {"input": ...}},
  // or "interrupt" with {"graceful": false, "reason": "..."}. done once durable;
  // kFailedPrecondition when the run has already finished (the router then treats it as
  // finished, whether or not OnRunFinished came yet).
  virtual void SignalRun(const std::string& workflow_id, std::string kind, boost::json::value payload,
                         UniqueFunction<void(Status)> done) = 0;

  // Whether a run has reached a terminal state; kNotFound for a run the engine no longer knows
  // (the router treats it as finished). Used by Recover after a restart.
  virtual Result<bool> RunFinished(const std::string& workflow_id) = 0;

  // drop: summarize — merges `inputs` (the waiting ones, oldest first, then the new one) into
  // one by running the kind's summarize task (config sessions[kind_index].summarize).
  virtual void Summarize(std::size_t kind_index, std::vector<boost::json::value> inputs,
                         UniqueFunction<void(Result<boost::json::value>)> done) = 0;
};

}  // namespace goclaw::signal
