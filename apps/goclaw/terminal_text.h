// What the CLI prints of data it did not write itself — workflow names, task ids, errors that
// hold upstream bodies, spec paths — goes through here, so that a hostile server or spec cannot
// move the cursor, rewrite lines or change the terminal's state (core/text.h
// EscapeForTerminal). Text is escaped only when the stream it goes to is a terminal; pipes
// and files get it as it is, so scripts see the real bytes.
//
// GOCLAW_TERMINAL_ESCAPE=always|never overrides the terminal check (tests use "always").
// docs/security.md, "What the CLI prints".
//
// Thread-safety: pure functions (they read the environment and isatty).
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

namespace goclaw::cli {

enum class Stream { kStdout, kStderr };

// True when text printed to `stream` is escaped (it is a terminal, or the override says so).
bool EscapesFor(Stream stream);

// A single-line field for `stream`: controls (newlines too) escaped when EscapesFor(stream).
std::string Shown(std::string_view text, Stream stream = Stream::kStdout);
// Multi-line text (JSON documents, plans): the same, but newlines are kept.
std::string ShownBlock(std::string_view text, Stream stream = Stream::kStdout);

// The Stream that `out` writes to (std::cout or anything else: stderr).
Stream StreamOf(const std::ostream& out);

}  // namespace goclaw::cli
