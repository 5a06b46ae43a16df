// One call from spec text to Plan: parse (JSON or YAML), decode, compile, and report every
// problem at once with its path and source line. This is what `goclaw validate`, `goclaw plan`
// and the REST submit path use.
//
// Pure: the caller reads files; this takes text.
#pragma once

#include <string_view>

#include "goclaw/core/document.h"
#include "goclaw/core/status.h"
#include "goclaw/dag/plan.h"
#include "goclaw/dag/spec.h"
#include "goclaw/dag/spec_checks.h"

namespace goclaw::dag {

struct LoadOptions {
  SpecLimits limits;
  DocumentFormat format = DocumentFormat::kAuto;
  RunEnvironment environment;  // lanes and functions where the spec will run (spec_checks.h)
  // spec_checks.h's CheckPlan. Off only to recompile a spec stored by an earlier version (it was
  // valid when submitted; today's stricter rules must not make it unrecoverable).
  bool admission_checks = true;
};

// kInvalidArgument ("workflow spec is invalid: 3 problems" + details) for bad specs,
// kResourceExhausted when the text exceeds limits.max_spec_bytes.
Result<Plan> LoadWorkflow(std::string_view text, const LoadOptions& options = {});

// The decode + compile half, for callers that parsed (and maybe trimmed) the document. Also
// checks template references, and lanes and functions as far as `environment` knows them.
Result<Plan> CompileDocument(const Document& doc, const SpecLimits& limits,
                             const RunEnvironment& environment = {}, bool admission_checks = true);

}  // namespace goclaw::dag
