// Signals for `http` tasks (docs/design/signals.md): when a task's config has `signal_url`,
// every signal sent to its attempt is POSTed there as JSON, one at a time in seq order:
//
//   {"workflow_id", "task_id", "attempt", "seq", "kind", "payload"}
//   Idempotency-Key: <workflow>/<task>/signal/<seq>   (the same on every retry and redelivery)
//
// A 2xx answer acknowledges the signal; 5xx, 429, 408 and connection errors are retried (three
// more times, 100 ms doubling); anything else leaves it delivered but not acknowledged (so it
// goes again to the task's next attempt). Each exchange is a "signal" line in the task's log.
// The URL passes the same checks and egress policy as the task's own request.
//
// Thread-safety: Forward may be called from any thread; the forwarder's state is locked.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "goclaw/core/clock.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/core/url.h"
#include "goclaw/exec/executor.h"
#include "goclaw/net/async_http_client.h"

namespace goclaw::exec {

// The client signals go out on. A retry may fire on the timer thread after the executor
// stopped: the executor closes this before its client goes, and a closed one sends nothing.
class SignalClient {
 public:
  explicit SignalClient(net::AsyncHttpClient* client) : client_(client) {}
  // False (and `done` is not called) once closed.
  bool Start(net::HttpRequest request, net::AsyncHttpClient::Callback done, net::RequestHandle* handle);
  void Close();

 private:
  std::mutex mu_;
  net::AsyncHttpClient* client_;  // null once closed
};

// Starts forwarding the attempt's messages to `signal_url` (already parsed and checked); without
// timers, retries go at once.
void ForwardSignals(const Attempt& attempt, Url signal_url, std::shared_ptr<SignalClient> client, TimerQueue* timers,
                    const Clock* clock);

}  // namespace goclaw::exec
