// Encodes a WorkflowSpec back into the spec document that the decoder reads (spec_decoder.h),
// so that the engine can store a submitted workflow and compile it again after a crash. For
// every spec that DecodeSpec produced without problems, decoding SpecToJson(spec) gives an equal
// spec, and so does LoadWorkflow(SpecToJsonText(spec)) but for the rare doubles described below.
//
// The document is explicit and has no `defaults` section: every task carries its id, name,
// type, dependencies, config, timeout (when set), full retry policy, lane, priority, session
// (when set), estimate and on_failure. The decoder already applied the submitted defaults, and
// a stored spec must not change meaning if the decoder's own defaults change later. Durations
// are FormatDuration strings ("25h1m1s1ms", "250ms", "0s"), which ParseDuration reads back
// exactly for every millisecond count from 0 to kMaxDuration.
//
// Store SpecToJsonText, not boost::json::serialize(SpecToJson(spec)). Boost.JSON 1.81 writes a
// double in its shortest form, but its parser reads that form back as a neighbouring double for
// about one in ten arbitrary doubles, and it writes infinity as `Infinity`, which no JSON parser
// accepts. SpecToJsonText writes every double (estimates, multipliers, numbers in config,
// metadata and input) in a form that this parser reads back bit for bit. Such a form exists,
// and is found, for every double the parser itself produces, so a spec submitted as JSON
// round-trips exactly; so does any number from 1e-7 to 1e22 written with at most 15 significant
// digits. Some doubles that did not come from JSON text (from YAML, which uses strtod, or
// computed in code) have no such form and come back one unit in the last place away: about 0.1%
// of random bit patterns, but 27 of the 1000 sums 1.0 + i / 1000.0. Recompiling the stored text
// and comparing specs (operator==) detects it. Infinity is written as 1e400, which parses as
// infinity; NaN, which JSON cannot express, as null.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "goclaw/dag/spec.h"

namespace goclaw::dag {

// The spec as a document in the shape that DecodeSpec reads. The values are exact in memory.
boost::json::object SpecToJson(const WorkflowSpec& spec);

// SpecToJson(spec) as compact JSON text with doubles written to parse back exactly (see above).
std::string SpecToJsonText(const WorkflowSpec& spec);

}  // namespace goclaw::dag
