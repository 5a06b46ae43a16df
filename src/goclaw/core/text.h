// Small text utilities shared by the parsers: UTF-8 validation with the position of the first
// bad byte, and byte offset to line/column conversion for error messages.
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

}  // namespace goclaw
