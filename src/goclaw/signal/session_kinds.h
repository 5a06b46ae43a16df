// Which session kind serves a session key: the configured kinds (config::SessionKindConfig)
// with their patterns checked, and the lookup the router and the API use. A pattern is a key
// ("ops:pager": that key only) or a prefix followed by '*' ("chat:*"); the exact pattern wins,
// then the longest prefix ("chat:vip:*" over "chat:*"), so the order of the list does not matter.
//
// Thread-safety: immutable after Create; every method may be called from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goclaw/config/config.h"
#include "goclaw/core/status.h"

namespace goclaw::signal {

using config::DropPolicy;
using config::QueueMode;

class SessionKinds {
 public:
  // kInvalidArgument naming `kinds[i].match` for a malformed or duplicate pattern, or a cap
  // out of 1..100000 (config/sessions_schema.h checks the same for config files).
  static Result<SessionKinds> Create(std::vector<config::SessionKindConfig> kinds);

  // The kind serving `key` (which must be a valid key), if any.
  std::optional<std::size_t> Match(std::string_view key) const;
  // kInvalidArgument for a malformed key; kNotFound, naming the configured patterns, when no
  // kind serves it.
  Result<std::size_t> Resolve(std::string_view key) const;

  const config::SessionKindConfig& operator[](std::size_t i) const { return kinds_[i]; }
  std::size_t size() const { return kinds_.size(); }

 private:
  explicit SessionKinds(std::vector<config::SessionKindConfig> kinds) : kinds_(std::move(kinds)) {}
  std::string PatternList() const;

  std::vector<config::SessionKindConfig> kinds_;
};

}  // namespace goclaw::signal
