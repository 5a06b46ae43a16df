// Parses a JSON or YAML text into a boost::json::value — the one data model of goclaw — and
// remembers the source line of each value near the top of the tree so that validators can
// point at "file.yaml:12". Used for workflow specs and config files.
//
// Hardened for hostile input: size limit before parsing, UTF-8 and NUL checks, a nesting
// depth limit, a limit on the number of values (YAML alias "billion laughs" bombs), duplicate
// YAML keys rejected. YAML scalars follow the YAML 1.2 core schema (null, true/false, ints,
// floats, otherwise strings; quoted scalars are always strings).
//
// Thread-safety: pure functions; a Document is an immutable value after parsing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/json/value.hpp>

#include "goclaw/core/status.h"

namespace goclaw {

enum class DocumentFormat { kAuto, kJson, kYaml };

std::string_view DocumentFormatName(DocumentFormat f);

// ".json" -> kJson, ".yaml"/".yml" -> kYaml, anything else -> kAuto.
DocumentFormat DocumentFormatFromPath(std::string_view path);

struct DocumentLimits {
  std::size_t max_bytes = 16u << 20;
  int max_depth = 64;  // never above kMaxJsonDepth (json_limits.h), which every value obeys
};

struct Document {
  boost::json::value root;
  DocumentFormat format = DocumentFormat::kJson;

  // Source line (1-based) of the value at `path` ("tasks[2].depends_on[0]"), or of its nearest
  // recorded ancestor; 0 when unknown (JSON documents record no lines).
  int LineOf(std::string_view path) const;

  // Path -> line for values up to a few levels deep (YAML only).
  std::unordered_map<std::string, int> lines;
};

// kAuto picks JSON when the first non-blank character is '{' or '[', else YAML. A YAML text
// holds one document: a second one (after `---`) is refused with its line. Line endings may be
// LF, CRLF or CR alone (old Mac files; read as LF).
// Errors are kInvalidArgument with the line and column of the problem.
Result<Document> ParseDocument(std::string_view text, DocumentFormat format,
                               const DocumentLimits& limits = {});

// Path helpers shared by validators: JoinPath("tasks[0]", "id") == "tasks[0].id",
// IndexPath("tasks", 3) == "tasks[3]".
std::string JoinPath(std::string_view parent, std::string_view key);
std::string IndexPath(std::string_view parent, std::size_t index);

}  // namespace goclaw
