// The `signals` and `sessions` sections of the config (config.h SignalsConfig,
// SessionKindConfig): decoding with field paths, the checks that need the whole list (duplicate
// patterns), encoding for `goclaw config print`, and the rules for session keys and patterns
// that the signal module and the API share.
//
//   sessions:
//     - match: "chat:*"              # an exact key, or a prefix followed by '*'
//       workflow: flows/chat.yaml    # a spec file, or an inline spec (an object)
//       queue_mode: collect          # steer | followup (default) | collect | interrupt
//       cap: 20                      # waiting inputs at most
//       drop: summarize              # oldest (default) | newest | summarize
//       summarize: {type: function, config: {name: merge_inputs}}
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/config/config.h"
#include "goclaw/core/json_reader.h"

namespace goclaw::config {

void DecodeSignals(const boost::json::value& v, SignalsConfig* out, Diagnostics& diag);
// Replaces `*out` with the list in `v` (lists are replaced whole, as lanes are).
void DecodeSessions(const boost::json::value& v, std::vector<SessionKindConfig>* out, Diagnostics& diag);
// Checks that need the whole list: no pattern is configured twice.
void ValidateSessions(const std::vector<SessionKindConfig>& kinds, Diagnostics& diag);

boost::json::object EncodeSignals(const SignalsConfig& s);
boost::json::array EncodeSessions(const std::vector<SessionKindConfig>& kinds);

// Accepted values, in enum order.
inline constexpr std::string_view kQueueModes[] = {"steer", "followup", "collect", "interrupt"};
inline constexpr std::string_view kDropPolicies[] = {"oldest", "newest", "summarize"};

// Session keys ("chat:alice"): 1 to 256 letters, digits, ':', '_', '-', '.', '@' or '/'.
inline constexpr std::size_t kMaxSessionKeyLength = 256;
inline constexpr std::string_view kSessionKeyRule =
    "use 1 to 256 letters, digits, ':', '_', '-', '.', '@' or '/'";
bool IsValidSessionKey(std::string_view key);

// Empty when `pattern` is a valid session pattern (a key, or a key prefix followed by one '*'
// at the end; "*" alone serves every key), else what is wrong with it.
std::string SessionPatternProblem(std::string_view pattern);

}  // namespace goclaw::config
