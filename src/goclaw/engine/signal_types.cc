// Signal names and request checks (signal_types.h).
#include "goclaw/engine/signal_types.h"

#include <array>

#include "goclaw/core/json_reader.h"
#include "goclaw/core/json_text.h"

namespace goclaw::engine {
namespace {

constexpr std::array<std::string_view, kSignalStateCount> kStateNames{"pending", "delivered", "acknowledged",
                                                                      "expired"};
constexpr std::size_t kMaxKindLength = 64;

bool IsKindChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.';
}

// steer: {"parameters": {...}} with at least one parameter.
void CheckSteer(const boost::json::object& payload, Diagnostics& diag) {
  const boost::json::value* params = payload.if_contains("parameters");
  if (params == nullptr) {
    diag.Add("payload.parameters", "is required for a steer signal (an object of what to change)");
  } else if (!params->is_object()) {
    diag.Add("payload.parameters", "must be an object, got " + DescribeJson(*params));
  } else if (params->get_object().empty()) {
    diag.Add("payload.parameters", "is empty; a steer signal must change at least one parameter");
  }
}

// interrupt: {"graceful": bool, "reason": string, "timeout": nanoseconds | "30s"}.
void CheckInterrupt(const boost::json::object& payload, Diagnostics& diag) {
  if (const auto* g = payload.if_contains("graceful"); g != nullptr && !g->is_bool()) {
    diag.Add("payload.graceful", "must be a boolean, got " + DescribeJson(*g));
  }
  if (const auto* r = payload.if_contains("reason"); r != nullptr && !r->is_string()) {
    diag.Add("payload.reason", "must be a string, got " + DescribeJson(*r));
  }
  if (const auto* t = payload.if_contains("timeout"); t != nullptr) {
    if (t->is_int64() || t->is_uint64()) {
      if (t->is_int64() && t->get_int64() < 0) diag.Add("payload.timeout", "must not be negative");
    } else if (t->is_string()) {
      if (auto d = ParseDuration(t->get_string()); !d) diag.Add("payload.timeout", d.error().message());
    } else {
      diag.Add("payload.timeout", "must be nanoseconds (an integer) or a duration string like \"30s\", got " +
                                      DescribeJson(*t));
    }
  }
}

}  // namespace

std::string_view SignalStateName(SignalState s) { return kStateNames[static_cast<std::size_t>(s)]; }

Status CheckSignalRequest(const SignalRequest& request, const SignalOptions& options) {
  Diagnostics diag;
  const std::string& kind = request.kind;
  if (kind.empty()) {
    diag.Add("kind", "is required: steer, interrupt, collect, or a name of letters, digits, '_', '-' and '.'");
  } else if (kind.size() > kMaxKindLength) {
    diag.Add("kind", "is longer than " + std::to_string(kMaxKindLength) + " characters");
  } else {
    for (char c : kind) {
      if (!IsKindChar(c)) {
        diag.Add("kind", "\"" + kind + "\" is not a signal kind; use steer, interrupt, collect, or a name of "
                         "letters, digits, '_', '-' and '.'");
        break;
      }
    }
  }
  const boost::json::value& payload = request.payload;
  if (!payload.is_null() && !payload.is_object()) {
    diag.Add("payload", "must be an object, got " + DescribeJson(payload));
  } else if (payload.is_object()) {
    if (kind == kSteerSignal) CheckSteer(payload.get_object(), diag);
    if (kind == kInterruptSignal) CheckInterrupt(payload.get_object(), diag);
  } else if (kind == kSteerSignal) {
    diag.Add("payload.parameters", "is required for a steer signal (an object of what to change)");
  }
  if (diag.empty()) {
    if (const std::size_t size = JsonText(payload).size(); size > options.max_payload_bytes) {
      diag.Add("payload", "is " + std::to_string(size) + " bytes of JSON; the limit is signals.max_payload_bytes (" +
                              std::to_string(options.max_payload_bytes) + ")");
    }
  }
  if (!diag.empty()) return MakeError(diag.ToError("signal"));
  return OkStatus();
}

InterruptRequest ReadInterrupt(const boost::json::value& payload) {
  InterruptRequest out;
  const boost::json::object* o = payload.if_object();
  if (o == nullptr) return out;
  if (const auto* g = o->if_contains("graceful"); g != nullptr && g->is_bool()) out.graceful = g->get_bool();
  if (const auto* r = o->if_contains("reason"); r != nullptr && r->is_string()) out.reason = r->get_string();
  if (const auto* t = o->if_contains("timeout"); t != nullptr) {
    if (t->is_int64() && t->get_int64() >= 0) {
      out.timeout = std::chrono::duration_cast<Millis>(std::chrono::nanoseconds(t->get_int64()));
    } else if (t->is_uint64()) {
      out.timeout = Millis(static_cast<std::int64_t>(std::min<std::uint64_t>(t->get_uint64() / 1000000, 1ULL << 40)));
    } else if (t->is_string()) {
      if (auto d = ParseDuration(t->get_string())) out.timeout = *d;
    }
  }
  return out;
}

}  // namespace goclaw::engine
