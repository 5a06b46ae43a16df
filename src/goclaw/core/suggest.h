// "Did you mean ...?" suggestions for misspelled names (config keys, task ids, task types).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace goclaw {

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
// adjacent characters each cost 1 ("sycn" -> "sync" is 1). Returns `limit + 1` as soon as the
// distance is known to exceed `limit`.
std::size_t EditDistance(std::string_view a, std::string_view b, std::size_t limit);

// The candidate closest to `name`, if one is close enough to be a plausible typo (distance at
// most max(1, len/3), capped at 3). Ties go to the earlier candidate.
std::optional<std::string_view> NearestName(std::string_view name,
                                            std::span<const std::string_view> candidates);
std::optional<std::string_view> NearestName(std::string_view name,
                                            std::span<const std::string> candidates);

// "; did you mean \"x\"?" or "" when nothing is close.
std::string DidYouMean(std::string_view name, std::span<const std::string_view> candidates);

}  // namespace goclaw
