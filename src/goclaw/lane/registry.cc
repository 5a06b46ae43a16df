// Building lanes from config and resolving lane names.
#include "goclaw/lane/registry.h"

#include <algorithm>

#include "goclaw/core/names.h"
#include "goclaw/core/suggest.h"

namespace goclaw::lane {

Result<std::unique_ptr<LaneRegistry>> LaneRegistry::Create(
    const std::vector<config::LaneConfig>& lanes, const Clock& clock, TimerQueue& timers) {
  std::unique_ptr<LaneRegistry> registry(new LaneRegistry());
  std::uint32_t order = 0;
  for (const config::LaneConfig& options : lanes) {
    if (!IsValidLaneName(options.name, /*allow_template=*/true)) {
      return MakeError(ErrorCode::kInvalidArgument, "invalid lane name \"" + options.name + "\"");
    }
    if (options.max_concurrency < 0 || options.capacity < 0 ||
        (options.rate && (options.rate->per_second <= 0 || options.rate->burst < 1))) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "lane \"" + options.name + "\": concurrency, capacity and rate must be "
                       "positive");
    }
    auto group = LaneGroup::Create(options, clock, timers, order++);
    if (!registry->lanes_.emplace(options.name, group).second) {
      return MakeError(ErrorCode::kInvalidArgument, "duplicate lane \"" + options.name + "\"");
    }
    if (group->keyed()) {
      registry->templates_.emplace_back(options.name.substr(0, options.name.size() - 1), group);
    }
  }
  for (const config::LaneConfig& options : lanes) {
    if (options.on_full != config::OnFull::kRedirect) continue;
    auto target = registry->Find(options.redirect_to);
    if (!target || target->keyed()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "lane \"" + options.name + "\" redirects to \"" + options.redirect_to +
                           "\", which is not a single lane");
    }
    registry->Find(options.name)->set_redirect_target(std::move(target));
  }
  std::sort(registry->templates_.begin(), registry->templates_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return registry;
}

std::shared_ptr<LaneGroup> LaneRegistry::Find(std::string_view name) const {
  auto it = lanes_.find(name);
  return it == lanes_.end() ? nullptr : it->second;
}

Result<LaneRef> LaneRegistry::Resolve(std::string_view name) const {
  if (auto it = lanes_.find(name); it != lanes_.end() && !it->second->keyed()) {
    return LaneRef{it->second, ""};
  }
  for (const auto& [prefix, group] : templates_) {
    if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix) {
      return LaneRef{group, std::string(name.substr(prefix.size()))};
    }
  }
  std::vector<std::string> names;
  for (const auto& [n, group] : lanes_) names.push_back(n);
  std::string message = "unknown lane \"" + std::string(name) + "\"";
  if (auto near = NearestName(name, std::span<const std::string>(names))) {
    message += "; did you mean \"" + std::string(*near) + "\"?";
  }
  return MakeError(ErrorCode::kNotFound, std::move(message));
}

std::vector<LaneStats> LaneRegistry::Snapshot() const {
  std::vector<LaneStats> out;
  out.reserve(lanes_.size());
  for (const auto& [name, group] : lanes_) out.push_back(group->Stats());
  return out;
}

void LaneRegistry::CloseAll(CloseMode mode) {
  for (const auto& [name, group] : lanes_) group->Close(mode);
}

}  // namespace goclaw::lane
