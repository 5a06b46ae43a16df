// Escaping of printed data when the output is a terminal.
#include "terminal_text.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "goclaw/core/text.h"

namespace goclaw::cli {

bool EscapesFor(Stream stream) {
  if (const char* mode = std::getenv("GOCLAW_TERMINAL_ESCAPE")) {
    const std::string_view m = mode;
    if (m == "always") return true;
    if (m == "never") return false;
  }
  return ::isatty(stream == Stream::kStdout ? STDOUT_FILENO : STDERR_FILENO) == 1;
}

std::string Shown(std::string_view text, Stream stream) {
  return EscapesFor(stream) ? EscapeForTerminal(text) : std::string(text);
}

std::string ShownBlock(std::string_view text, Stream stream) {
  return EscapesFor(stream) ? EscapeForTerminal(text, /*multi_line=*/true) : std::string(text);
}

Stream StreamOf(const std::ostream& out) {
  return &out == &std::cout ? Stream::kStdout : Stream::kStderr;
}

}  // namespace goclaw::cli
