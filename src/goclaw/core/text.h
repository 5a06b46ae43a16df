// Small text utilities shared by the parsers: UTF-8 validation with the position of the first
// bad byte, byte offset to line/column conversion for error messages, and escaping of text
// from elsewhere (a server, a spec) before it is printed to a terminal.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace goclaw {

struct TextPosition {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
};

// Offset of the first byte that is not part of a well-formed UTF-8 sequence (overlongs,
// surrogates and code points above U+10FFFF are rejected), or nullopt if `text` is valid.
std::optional<std::size_t> FindInvalidUtf8(std::string_view text);

TextPosition PositionOf(std::string_view text, std::size_t offset);

// Quotes a string for an error message: "abc" with control bytes escaped, cut at `max` bytes.
std::string QuoteForMessage(std::string_view s, std::size_t max = 80);

// Equality of short names (task types, lane names) on hot paths: a byte loop the compiler
// inlines, instead of a call to memcmp for a handful of bytes.
inline bool SameShortName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// `text` made harmless to print on a terminal: everything that could move the cursor or change
// the terminal's state is shown as an escape instead — C0 controls (ESC, CR, BEL, backspace,
// ...) and DEL as \x1b, the C1 controls U+0080..U+009F as \u009b, bytes that are not UTF-8 as
// \xff. Tab is kept; '\n' is kept only when `multi_line` (a single-line field shows \x0a).
// Everything else, backslashes included, is unchanged. docs/security.md "What the CLI prints".
std::string EscapeForTerminal(std::string_view text, bool multi_line = false);

}  // namespace goclaw
