// Durable signals as the engine's callers see them (docs/design/signals.md): what a caller
// sends (SignalRequest), what the engine keeps and answers (SignalStatus), and the limits it
// enforces (SignalOptions).
//
// A signal is addressed to one task of a workflow, or to the whole workflow (every task
// running when it is accepted, and the tasks waiting for that kind with `wait_signal` /
// `collect`). It gets a sequence number counted from 1 per workflow, is stored before it is
// acknowledged, and is then delivered at least once, in order, to each target's running
// attempt. Each delivery goes pending -> delivered -> acknowledged, or -> expired.
//
// Thread-safety: plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/core/clock.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"
#include "goclaw/core/unique_function.h"

namespace goclaw::engine {

enum class SignalState : std::uint8_t {
  kPending,       // stored; its target has not started (or not yet received it)
  kDelivered,     // handed to the target's running attempt
  kAcknowledged,  // the attempt confirmed it (read it, answered 2xx, acted on it)
  kExpired,       // never delivered: its time ran out, or its target finished first
};
inline constexpr std::size_t kSignalStateCount = 4;
std::string_view SignalStateName(SignalState s);

// The kinds the engine acts on itself; any other name (letters, digits, `_ - .`) is delivered
// as it is.
inline constexpr std::string_view kSteerSignal = "steer";
inline constexpr std::string_view kInterruptSignal = "interrupt";
inline constexpr std::string_view kCollectSignal = "collect";

struct SignalRequest {
  std::string kind;
  std::string task;  // empty: the whole workflow
  boost::json::value payload;  // an object (null is taken as {})
};

struct SignalDeliveryStatus {
  std::string task;
  SignalState state = SignalState::kPending;
  int attempt = 0;  // the attempt it was (last) delivered to; 0 before
  std::optional<Clock::WallTime> delivered_at;
  std::optional<Clock::WallTime> acknowledged_at;
  std::string reason;  // why it expired
};

struct SignalStatus {
  std::string workflow_id;
  std::uint64_t seq = 0;
  std::string kind;
  std::string task;  // as addressed; empty: the whole workflow
  boost::json::value payload;
  SignalState state = SignalState::kPending;  // the least advanced of its deliveries
  Clock::WallTime created_at;
  std::vector<SignalDeliveryStatus> deliveries;  // one per target task
};

// The interrupt payload, read (and checked) once.
struct InterruptRequest {
  bool graceful = false;
  std::string reason;
  std::optional<Millis> timeout;  // graceful: how long the attempt may finish; none: the default
};

struct SignalOptions {
  Millis pending_ttl{600000};          // a delivery still pending this long expires
  std::size_t max_payload_bytes = 64u << 10;  // the payload as JSON text
  Millis interrupt_grace{10000};       // a graceful interrupt without a timeout
  std::size_t max_per_workflow = 10000;  // signals one workflow may receive in its life
};

// Checks a request before it reaches a workflow: the kind's syntax, the payload's type and
// size, and the payloads of the kinds the engine acts on (steer: non-empty `parameters`;
// interrupt: `graceful` bool, `reason` string, `timeout` nanoseconds or a duration string).
// kInvalidArgument naming the field ("kind", "payload.parameters", "payload" when over the
// limit).
Status CheckSignalRequest(const SignalRequest& request, const SignalOptions& options);
// The interrupt payload of a checked request.
InterruptRequest ReadInterrupt(const boost::json::value& payload);

using SignalCallback = UniqueFunction<void(Result<SignalStatus>)>;

}  // namespace goclaw::engine
