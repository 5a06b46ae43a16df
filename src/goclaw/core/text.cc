// UTF-8 validation and text positions.
#include "goclaw/core/text.h"

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace goclaw {
namespace {

// Length of the well-formed UTF-8 sequence that starts a non-ASCII byte at s[i], with its code
// point in *cp; 0 when the bytes there are not one (overlong, surrogate, above U+10FFFF, cut).
std::size_t Utf8SequenceAt(const std::uint8_t* s, std::size_t n, std::size_t i, std::uint32_t* cp) {
  const std::uint8_t c = s[i];
  std::size_t len;
  if ((c & 0xe0) == 0xc0) {
    len = 2;
    *cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    len = 3;
    *cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    len = 4;
    *cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > n) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((s[i + k] & 0xc0) != 0x80) return 0;
    *cp = *cp << 6 | (s[i + k] & 0x3f);
  }
  const bool overlong = (len == 2 && *cp < 0x80) || (len == 3 && *cp < 0x800) ||
                        (len == 4 && *cp < 0x10000);
  const bool surrogate = *cp >= 0xd800 && *cp <= 0xdfff;
  if (overlong || surrogate || *cp > 0x10ffff) return 0;
  return len;
}

}  // namespace

std::optional<std::size_t> FindInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    std::uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      // ASCII fast path: skip 8 bytes at a time while none has its high bit set.
      std::uint64_t word;
      while (i + 8 <= n) {
        std::memcpy(&word, s + i, 8);
        if (word & 0x8080808080808080ull) break;
        i += 8;
      }
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t len = Utf8SequenceAt(s, n, i, &cp);
    if (len == 0) return i;
    i += len;
  }
  return std::nullopt;
}

TextPosition PositionOf(std::string_view text, std::size_t offset) {
  TextPosition pos;
  if (offset > text.size()) offset = text.size();
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

std::string DescribeByte(char c) {
  switch (c) {
    case '\r': return "a CR";
    case '\n': return "an LF";
    case '\0': return "a NUL";
    case ' ': return "a space";
    default: {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(c));
      return std::string("control character ") + buf;
    }
  }
}

std::string QuoteForMessage(std::string_view s, std::size_t max) {
  std::string out = "\"";
  std::size_t shown = 0;
  for (char ch : s) {
    if (shown >= max) {
      out += "...";
      break;
    }
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += ch;
    }
    ++shown;
  }
  out += '"';
  return out;
}

std::string EscapeForTerminal(std::string_view text, bool multi_line) {
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::size_t n = text.size();
  std::string out;
  out.reserve(n);
  char buf[8];
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t c = s[i];
    if (c < 0x80) {
      const bool keep = (c >= 0x20 && c != 0x7f) || c == '\t' || (c == '\n' && multi_line);
      if (keep) {
        out += static_cast<char>(c);
      } else {
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        out += buf;
      }
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t len = Utf8SequenceAt(s, n, i, &cp);
    if (len == 0) {
      // A stray byte: 0x9b alone is CSI to a terminal in 8-bit mode.
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
      ++i;
    } else if (cp >= 0x80 && cp <= 0x9f) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
      i += len;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

}  // namespace goclaw
