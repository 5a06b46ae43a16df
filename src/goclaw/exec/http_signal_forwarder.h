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
#include <string>

#include "goclaw/core/clock.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/core/url.h"
#include "goclaw/exec/executor.h"
#include "goclaw/net/async_http_client.h"

namespace goclaw::exec {

// Starts forwarding the attempt's messages to `signal_url` (already parsed and checked). The
// client must outlive the attempt's channel callbacks (the executor aborts requests at stop);
// without timers, retries go at once.
void ForwardSignals(const Attempt& attempt, Url signal_url, net::AsyncHttpClient& client, TimerQueue* timers,
                    const Clock* clock);

}  // namespace goclaw::exec
