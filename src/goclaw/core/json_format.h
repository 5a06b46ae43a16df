// Human-friendly renderings of boost::json values: indented JSON and block-style YAML.
// Used by the CLI (plan --format json, config print) and later by API clients.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace goclaw {

// JSON with two-space indentation and a trailing newline.
std::string PrettyJson(const boost::json::value& v);

// Block-style YAML (strings quoted only where needed) with a trailing newline.
std::string ToYaml(const boost::json::value& v);

}  // namespace goclaw
