// Arbitrary bytes -> the JSON rules every stored value obeys (core/json_limits.h) and the exact
// text it is stored as (core/json_text.h).
//
// Invariants: whatever ParseJsonText reads and CheckJsonValue accepts, once its doubles are made
// exact as the boundaries make them, is written by JsonText as valid UTF-8 that reads back equal,
// bit for bit (the text of the reread value is the same
// text); SanitizeAgentJson (the agent boundary) leaves a value that CheckJsonValue accepts, or
// fails with a message; JsonTextSize never undercounts the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "goclaw/core/json_limits.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/text.h"

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = goclaw::ParseJsonText(text);
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().message().empty(), "an error without a message");
    return 0;
  }
  boost::json::value agent = *parsed;  // as an agent's output
  if (auto size_or = goclaw::SanitizeAgentJson(agent, 1 << 20)) {
    FUZZ_CHECK(goclaw::CheckJsonValue(agent, "").has_value(), "a sanitized value breaks the rules");
    FUZZ_CHECK(*size_or >= goclaw::JsonText(agent).size(), "SanitizeAgentJson undercounted");
  } else {
    FUZZ_CHECK(!size_or.error().message().empty(), "an error without a message");
  }
  if (!goclaw::CheckJsonValue(*parsed, "").has_value()) return 0;
  goclaw::MakeDoublesExact(*parsed);  // as the boundaries do (json_text.h)
  const std::string written = goclaw::JsonText(*parsed);
  FUZZ_CHECK(!goclaw::FindInvalidUtf8(written).has_value(), "JsonText wrote invalid UTF-8");
  FUZZ_CHECK(goclaw::JsonTextSize(*parsed, static_cast<std::size_t>(-1)) >= written.size(),
             "JsonTextSize undercounted: " + written.substr(0, 200));
  auto back = goclaw::ParseJsonText(written);
  FUZZ_CHECK(back.has_value(), "JsonText wrote what ParseJsonText refuses: " + written.substr(0, 200));
  FUZZ_CHECK(*back == *parsed, "the value changed: " + written.substr(0, 200));
  FUZZ_CHECK(goclaw::JsonText(*back) == written, "the text changed: " + written.substr(0, 200));
  return 0;
}
