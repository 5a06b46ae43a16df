// Pieces the crash tests share (crash_test.cc and the signal, session and saga crash tests):
// their settings from the environment, and one round of "send requests until the server is
// killed".
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "goclaw/client/test_http_client.h"
#include "server_process.h"

namespace goclaw::testing {

// An integer setting from the environment (GOCLAW_*_CRASH_ITERATIONS), or `fallback`.
int EnvInt(const char* name, int fallback);

// Runs `send` on a thread of its own with a client of `server`, sleeps `before_kill`, kills the
// server with SIGKILL (a test failure unless it dies of it), then sets `stop` and waits for
// `send`. `send` loops while !stop and returns when a request gets no answer (status 0: killed
// mid-request, so not acknowledged); a refused connection ends it too.
void SendUntilKilled(ServerProcess& server, std::chrono::milliseconds before_kill,
                     const std::function<void(client::testing::TestHttpClient&, const std::atomic<bool>& stop)>& send);

}  // namespace goclaw::testing
