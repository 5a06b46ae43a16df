// ExecutorRegistry (registry.h).
#include "goclaw/exec/registry.h"

#include <algorithm>
#include <utility>

#include "goclaw/core/text.h"
#include "goclaw/dag/spec.h"

namespace goclaw::exec {

ExecutorRegistry::~ExecutorRegistry() { Shutdown(); }

Status ExecutorRegistry::Add(Entry entry) {
  std::vector<std::string> names = entry.aliases;
  names.push_back(entry.type);
  for (const std::string& name : names) {
    if (!dag::IsValidTaskTypeName(name)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "invalid task type name " + QuoteForMessage(name) +
                           ": use lower-case letters, digits, '_' and '-', starting with a letter");
    }
    if (Lookup(name) != nullptr) {
      return MakeError(ErrorCode::kAlreadyExists, "task type " + QuoteForMessage(name) + " is already registered");
    }
  }
  entries_.push_back(std::move(entry));
  return OkStatus();
}

Status ExecutorRegistry::Register(std::string type, std::unique_ptr<Executor> executor,
                                  std::vector<std::string> aliases) {
  if (executor == nullptr) return MakeError(ErrorCode::kInvalidArgument, "no executor given for type " + type);
  return Add({std::move(type), std::move(aliases), std::move(executor), nullptr});
}

Status ExecutorRegistry::RegisterType(std::string type, ConfigCheck check, std::vector<std::string> aliases) {
  return Add({std::move(type), std::move(aliases), nullptr, std::move(check)});
}

const ExecutorRegistry::Entry* ExecutorRegistry::Lookup(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (SameShortName(e.type, name)) return &e;
  }
  for (const Entry& e : entries_) {
    for (const std::string& alias : e.aliases) {
      if (SameShortName(alias, name)) return &e;
    }
  }
  return nullptr;
}

Executor* ExecutorRegistry::Find(std::string_view type) const {
  const Entry* e = Lookup(type);
  return e != nullptr ? e->executor.get() : nullptr;
}

std::optional<std::string> ExecutorRegistry::Unavailable(std::string_view type) const {
  const Entry* e = Lookup(type);
  if (e == nullptr) {
    std::string list;
    for (const Entry& other : entries_) {
      if (other.executor) list += (list.empty() ? "" : ", ") + other.type;
    }
    return "no executor for type " + QuoteForMessage(type) + " here (this engine runs " + list + ")";
  }
  if (e->executor == nullptr) return "tasks of type " + e->type + " are not run by this program";
  return e->executor->Unavailable();
}

std::vector<std::string> ExecutorRegistry::Types() const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) out.push_back(e.type);
  return out;
}

std::optional<std::string> ExecutorRegistry::Canonical(std::string_view name) const {
  const Entry* e = Lookup(name);
  if (e == nullptr) return std::nullopt;
  return e->type;
}

std::vector<std::string> ExecutorRegistry::Names() const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) {
    out.push_back(e.type);
    out.insert(out.end(), e.aliases.begin(), e.aliases.end());
  }
  return out;
}

void ExecutorRegistry::CheckConfig(std::string_view type, const boost::json::object& config,
                                   const std::string& path, Diagnostics& diag) const {
  const Entry* e = Lookup(type);
  if (e == nullptr) return;
  if (e->executor) {
    e->executor->CheckConfig(config, path, diag);
  } else if (e->check) {
    e->check(config, path, diag);
  }
}

void ExecutorRegistry::Shutdown() {
  if (std::exchange(shut_down_, true)) return;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->executor) it->executor->Shutdown();
  }
}

}  // namespace goclaw::exec
