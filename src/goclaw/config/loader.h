// Builds the effective configuration from its layers, each overriding the one before:
//   defaults (config.h) < config file (--config, YAML or JSON) < environment (GOCLAW_*)
//   < command-line flags (--set key=value and the commands' own flags).
//
// Environment variables: GOCLAW_<SECTION>_<KEY>, e.g. GOCLAW_SERVER_PORT=9090,
// GOCLAW_STORAGE_SYNC_MODE=always, GOCLAW_LOG_MODULES_DAG=debug, GOCLAW_LANES='[{name: x}]'.
// Values are read as YAML scalars (9090 is a number, true a boolean); variables that name no
// config section (GOCLAW_CONFIG, GOCLAW_SERVER) are not config keys and are left alone.
//
// Every problem from every layer is reported at once, each with its source (file:line,
// variable or flag), its path and the accepted values.
//
// Thread-safety: pure apart from reading the config file.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "goclaw/config/config.h"
#include "goclaw/core/status.h"

namespace goclaw::config {

struct ConfigSources {
  std::string file_path;                                  // empty: no file
  std::vector<std::pair<std::string, std::string>> env;  // name, value (all of them is fine)
  std::vector<std::string> flags;                         // "key.path=value"
};

Result<Config> LoadConfig(const ConfigSources& sources);

// The process environment as name/value pairs, for ConfigSources::env.
std::vector<std::pair<std::string, std::string>> ProcessEnvironment();

}  // namespace goclaw::config
