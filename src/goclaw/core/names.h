// Naming rules shared by modules that accept names from users (specs, config, API paths).
// Names never contain '/', spaces or control characters, so they are safe in URLs, keys and
// file names.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace goclaw {

inline constexpr std::size_t kMaxLaneNameLength = 128;

// 1 to 128 letters, digits, '_', '-', '.' or ':'. With `allow_template`, a trailing '*' makes
// a template of keyed lanes ("session:*").
bool IsValidLaneName(std::string_view name, bool allow_template = false);

// Ids as the API hands them out and takes them back (workflows, tasks, lanes): 1-128 of
// letters, digits and "-_.:*", and no "..": nothing that could walk a path or need escaping.
bool IsSafeId(std::string_view id);

// Describes the rule, for error messages.
inline constexpr std::string_view kLaneNameRule =
    "use 1 to 128 letters, digits, '_', '-', '.' or ':'";

}  // namespace goclaw
