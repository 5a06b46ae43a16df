// The registry of tables other modules keep in the store (TableSpec, store.h): it checks the
// registrations when a store opens and the table names of each batch at Commit, and it spells
// the `meta` record that keeps a table's format version. Internal to the store's adapters.
//
// Thread-safety: immutable after Create; any thread may read it.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "goclaw/core/status.h"
#include "goclaw/store/store.h"

namespace goclaw::store::internal {

// The column families every RocksDB store has, in the adapter's order. A table may use only
// the two that were created empty for modules (kModuleFamilies).
inline constexpr const char* kBuiltinFamilies[] = {"default", "workflows", "specs",          "tasks", "events",
                                                   "sagas",   "memory",    "meta", "workflow_index"};
inline constexpr std::string_view kModuleFamilies[] = {"sagas", "memory"};

class TableRegistry {
 public:
  TableRegistry() = default;
  // Checks names (letters, digits, '_', '-', '.'; 1-64 bytes), versions (>= 1), one table per
  // name and per family, and no engine family; fills in column_family. kInvalidArgument naming
  // the table and what would be accepted.
  static Result<TableRegistry> Create(std::vector<TableSpec> specs);

  const std::vector<TableSpec>& specs() const { return specs_; }
  // The table's position in specs(); kInvalidArgument naming it when it is not registered.
  Result<std::size_t> Find(std::string_view table) const;
  // kInvalidArgument for the first mutation whose table is not registered.
  Status Check(const StoreBatch& batch) const;

 private:
  std::vector<TableSpec> specs_;
  std::map<std::string, std::size_t, std::less<>> by_name_;
};

// A table's record in `meta`: key "table:<name>", value "<format version> <column family>".
inline constexpr std::string_view kTableMetaPrefix = "table:";
std::string TableMetaKey(std::string_view name);
std::string TableMetaValue(int version, std::string_view family);
struct TableMeta {
  std::string name;
  int version = 0;
  std::string family;
};
// kInternal ("corrupt ...") for a value that is not "<version> <family>".
Result<TableMeta> ParseTableMeta(std::string_view key, std::string_view value);

}  // namespace goclaw::store::internal
