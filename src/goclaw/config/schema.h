// Decoding and validation of configuration documents into `Config`, and the reverse
// encoding used by `goclaw config print`. Every problem is reported with its path and the
// accepted values; unknown keys suggest the nearest known key.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json/value.hpp>

#include "goclaw/config/config.h"
#include "goclaw/core/json_reader.h"

namespace goclaw::config {

// Applies every key present in `root` on top of `*config` (keys absent keep their values),
// recording problems in `diag`. Cross-field checks (lane redirects) are in ValidateConfig.
void DecodeConfig(const boost::json::value& root, Config* config, Diagnostics& diag);

// Checks that need the whole config: unique lane names, redirect targets and loops, unique
// session patterns. Also adds the "default" lane when missing.
void ValidateConfig(Config* config, Diagnostics& diag);

// The whole effective config as a JSON document, in the same shape the files use.
boost::json::object EncodeConfig(const Config& config);

// Accepted values, for messages and docs.
inline constexpr std::string_view kLogLevels[] = {"trace", "debug", "info",    "warn",
                                                  "error", "critical", "off"};
inline constexpr std::string_view kLogModules[] = {
    "core", "config", "log", "metrics", "dag", "lane", "store", "exec", "engine",
    "signal", "saga", "memory", "cluster", "api", "server", "cli"};

}  // namespace goclaw::config
