// Session kinds: pattern checks and key lookup (session_kinds.h).
#include "goclaw/signal/session_kinds.h"

#include <set>

#include "goclaw/config/sessions_schema.h"
#include "goclaw/core/text.h"

namespace goclaw::signal {

Result<SessionKinds> SessionKinds::Create(std::vector<config::SessionKindConfig> kinds) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const std::string where = "session kind " + std::to_string(i) + " (match " + QuoteForMessage(kinds[i].match) + ")";
    if (std::string problem = config::SessionPatternProblem(kinds[i].match); !problem.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, where + ": " + problem);
    }
    if (!seen.insert(kinds[i].match).second) {
      return MakeError(ErrorCode::kInvalidArgument, where + ": the pattern is configured twice");
    }
    if (kinds[i].cap < 1 || kinds[i].cap > 100000) {
      return MakeError(ErrorCode::kInvalidArgument,
                       where + ": cap must be from 1 to 100000, got " + std::to_string(kinds[i].cap));
    }
  }
  return SessionKinds(std::move(kinds));
}

std::optional<std::size_t> SessionKinds::Match(std::string_view key) const {
  std::optional<std::size_t> best;
  std::size_t best_length = 0;
  for (std::size_t i = 0; i < kinds_.size(); ++i) {
    std::string_view pattern = kinds_[i].match;
    if (pattern.back() != '*') {
      if (pattern == key) return i;  // an exact pattern wins over every prefix
      continue;
    }
    pattern.remove_suffix(1);
    if (key.starts_with(pattern) && (!best || pattern.size() > best_length)) {
      best = i;
      best_length = pattern.size();
    }
  }
  return best;
}

Result<std::size_t> SessionKinds::Resolve(std::string_view key) const {
  if (!config::IsValidSessionKey(key)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid session key " + QuoteForMessage(key) + "; " + std::string(config::kSessionKeyRule));
  }
  if (auto kind = Match(key)) return *kind;
  return MakeError(ErrorCode::kNotFound, "no session kind serves " + QuoteForMessage(key) + "; " + PatternList());
}

std::string SessionKinds::PatternList() const {
  if (kinds_.empty()) return "no session kinds are configured (config: sessions)";
  std::string out = "configured patterns: ";
  for (std::size_t i = 0; i < kinds_.size(); ++i) {
    if (i > 0) out += ", ";
    out += kinds_[i].match;
  }
  return out;
}

}  // namespace goclaw::signal
