// Table registrations and their meta records.
#include "goclaw/store/tables.h"

#include <algorithm>
#include <charconv>

namespace goclaw::store::internal {
namespace {

bool ValidName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

std::string Registered(const std::vector<TableSpec>& specs) {
  if (specs.empty()) return "no table is registered";
  std::string names;
  for (const auto& t : specs) names += (names.empty() ? "" : ", ") + t.name;
  return "registered: " + names;
}

}  // namespace

Result<TableRegistry> TableRegistry::Create(std::vector<TableSpec> specs) {
  TableRegistry r;
  std::map<std::string, std::string, std::less<>> families;  // family -> table
  for (std::size_t i = 0; i < specs.size(); ++i) {
    TableSpec& t = specs[i];
    const std::string where = "store table " + std::to_string(i) + " (\"" + t.name + "\")";
    if (!ValidName(t.name)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       where + ": the name must be 1-64 letters, digits, '_', '-' or '.'");
    }
    if (t.column_family.empty()) t.column_family = t.name;
    if (!ValidName(t.column_family)) {
      return MakeError(ErrorCode::kInvalidArgument, where + ": column family \"" + t.column_family +
                                                        "\" must be 1-64 letters, digits, '_', '-' or '.'");
    }
    if (t.format_version < 1) {
      return MakeError(ErrorCode::kInvalidArgument,
                       where + ": format_version " + std::to_string(t.format_version) + " (must be 1 or more)");
    }
    const bool builtin = std::any_of(std::begin(kBuiltinFamilies), std::end(kBuiltinFamilies),
                                     [&](const char* f) { return t.column_family == f; });
    const bool for_modules = std::find(std::begin(kModuleFamilies), std::end(kModuleFamilies), t.column_family) !=
                             std::end(kModuleFamilies);
    if (builtin && !for_modules) {
      return MakeError(ErrorCode::kInvalidArgument,
                       where + ": column family \"" + t.column_family +
                           "\" is the engine's; use a family of the table's own (or sagas, memory)");
    }
    if (!r.by_name_.emplace(t.name, i).second) {
      return MakeError(ErrorCode::kInvalidArgument, where + ": a table of that name is registered twice");
    }
    if (auto [it, fresh] = families.emplace(t.column_family, t.name); !fresh) {
      return MakeError(ErrorCode::kInvalidArgument, where + ": column family \"" + t.column_family +
                                                        "\" is already table \"" + it->second + "\"'s");
    }
  }
  r.specs_ = std::move(specs);
  return r;
}

Result<std::size_t> TableRegistry::Find(std::string_view table) const {
  auto it = by_name_.find(table);
  if (it != by_name_.end()) return it->second;
  return MakeError(ErrorCode::kInvalidArgument,
                   "store table \"" + std::string(table) + "\" is not registered (" + Registered(specs_) + ")");
}

Status TableRegistry::Check(const StoreBatch& batch) const {
  for (const auto& m : batch.mutations) {
    if (!by_name_.contains(m.table)) {
      return MakeError(ErrorCode::kInvalidArgument, "the batch writes to store table \"" + m.table +
                                                        "\", which is not registered (" + Registered(specs_) +
                                                        "); nothing of the batch was written");
    }
  }
  return OkStatus();
}

std::string TableMetaKey(std::string_view name) { return std::string(kTableMetaPrefix) + std::string(name); }

std::string TableMetaValue(int version, std::string_view family) {
  return std::to_string(version) + " " + std::string(family);
}

Result<TableMeta> ParseTableMeta(std::string_view key, std::string_view value) {
  TableMeta m;
  m.name = key.substr(std::min(key.size(), kTableMetaPrefix.size()));
  const auto space = value.find(' ');
  const char* end = value.data() + (space == std::string_view::npos ? value.size() : space);
  auto [ptr, ec] = std::from_chars(value.data(), end, m.version);
  if (!key.starts_with(kTableMetaPrefix) || space == std::string_view::npos || ec != std::errc() || ptr != end ||
      m.version < 1 || space + 1 >= value.size()) {
    return MakeError(ErrorCode::kInternal, "corrupt meta record of store table \"" + m.name + "\": \"" +
                                               std::string(value) + "\" (expected \"<version> <column family>\")");
  }
  m.family = value.substr(space + 1);
  return m;
}

}  // namespace goclaw::store::internal
