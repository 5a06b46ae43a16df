// Decodes a parsed document (JSON or YAML, see core/document.h) into a WorkflowSpec, checking
// every field's type and value and recording each problem in `Diagnostics` with its path.
// Decoding never stops at the first problem: it returns the best-effort spec so that the
// graph checks of the compiler can run too and the user sees every problem at once.
//
// Graph-level checks (unknown or duplicate dependencies, duplicate ids, cycles) belong to the
// compiler; this file checks what one field can tell on its own.
//
// Thread-safety: pure functions.
#pragma once

#include "goclaw/core/document.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/dag/spec.h"

namespace goclaw::dag {

// `root` is the whole document. Accepts the fields of DESIGN.md §6 and the reference JSON shape
// (timeout in seconds, retries as a count, type "script").
WorkflowSpec DecodeSpec(const boost::json::value& root, const SpecLimits& limits,
                        Diagnostics& diag);

// True for ids made of letters, digits, '_', '-' and '.', starting with a letter, digit or '_'.
bool IsValidTaskId(std::string_view id);

}  // namespace goclaw::dag
