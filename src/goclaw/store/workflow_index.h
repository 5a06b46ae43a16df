// The workflow index (docs/design/storage.md, "The workflow index"): the listing query both
// stores run (ListWorkflows, CountWorkflowsByState) over a view of their data, the index
// writes that a workflow put or erase makes, and an in-memory index (the memory store's, and a
// read-only RocksDB store's of format 1, which has none on disk), and the writer's memory of
// the entries it wrote last (RecentIndexEntries). Internal to the adapters.
//
// Thread-safety: a view and its cursors are used by one thread at a time; the functions keep
// no state. MemoryIndex and RecentIndexEntries are not synchronized: their owner locks (or is
// one thread).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "goclaw/core/status.h"
#include "goclaw/store/encoding.h"
#include "goclaw/store/store.h"

namespace goclaw::store::internal {

// Keys and values of one ordered keyspace (the workflow_index family), bytes in byte order.
class KeyCursor {
 public:
  virtual ~KeyCursor() = default;
  virtual void Seek(std::string_view key) = 0;        // to the first key >= `key`
  virtual void SeekForPrev(std::string_view key) = 0;  // to the last key <= `key`
  virtual bool Valid() const = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  virtual Status status() const = 0;  // once !Valid(): the error that ended it, if any
};

// Workflow records in id order.
class RecordCursor {
 public:
  virtual ~RecordCursor() = default;
  virtual void Seek(std::string_view id) = 0;         // to the first workflow whose id >= `id`
  virtual void SeekForPrev(std::string_view id) = 0;  // to the last workflow whose id <= `id`
  virtual bool Valid() const = 0;
  virtual const WorkflowRecord& record() const = 0;
  // The current record for keeps (the cursor moves on next): a copy unless the cursor can
  // give its own up.
  virtual WorkflowRecord Take() { return record(); }
  virtual void Next() = 0;
  virtual void Prev() = 0;
  virtual Status status() const = 0;  // once !Valid(): the error that ended it (a corrupt record)
};

// One consistent view of a store's workflows and their index (a snapshot, or a held lock).
class WorkflowView {
 public:
  virtual ~WorkflowView() = default;
  virtual std::unique_ptr<KeyCursor> Index() = 0;
  virtual std::unique_ptr<RecordCursor> Records() = 0;
  virtual Result<std::optional<WorkflowRecord>> Record(const std::string& id) = 0;
};

// Store::ListWorkflows over `view`. Pages through the index of the wanted states (merged in
// id order, each page entry's record read by id), or through the records themselves when the
// wanted states hold at least a quarter of all workflows (cheaper than a lookup per entry);
// backwards for query.newest_first.
Result<WorkflowPage> QueryWorkflows(WorkflowView& view, const WorkflowQuery& query);
// Store::CountWorkflowsByState over `view`: the count keys.
Result<std::map<std::uint8_t, std::uint64_t>> CountByState(WorkflowView& view);

// Receives index writes (a RocksDB write batch).
class IndexSink {
 public:
  virtual void Put(std::string key, std::string value) = 0;
  virtual void Delete(std::string key) = 0;

 protected:
  ~IndexSink() = default;
};

using StateCounts = std::array<std::uint64_t, 256>;
using CountDeltas = std::array<std::int64_t, 256>;

// The index writes that take one workflow from `before` to `after` (nullptr: absent), and their
// change to the per-state counts. Nothing when the indexed fields did not change.
void UpdateIndex(const IndexEntry* before, const IndexEntry* after, IndexSink& sink,
                 CountDeltas& deltas);
// Writes the count key of every state whose delta is not 0 (deleting counts that reach 0) and
// returns the new counts. A count that would go below 0 is an index out of step with its
// records: kInternal.
Result<StateCounts> ApplyCounts(const StateCounts& counts, const CountDeltas& deltas,
                                IndexSink& sink);

// The index kept in memory, with the same keys and values as the workflow_index family.
class MemoryIndex final {
 public:
  // Index changes of one workflow (as UpdateIndex), counts included.
  void Apply(const IndexEntry* before, const IndexEntry* after);
  std::unique_ptr<KeyCursor> Cursor() const;  // valid until the next Apply

 private:
  void Count(std::uint8_t state, int delta);  // delta: +1 or -1

  std::map<std::string, std::string, std::less<>> entries_;
  StateCounts counts_{};
};

// The index entries a writer wrote last, so that a workflow put need not read the workflow's
// previous record back to learn what the index holds for it (in RocksDB a Get per put, most of
// the index's upkeep). Exact as long as its owner is the only writer of the index, Sets every
// change in the order it makes them, and Clears it whenever the store may hold something else
// (a failed write, a reopen). Bounded: entries live in a young and an old generation; EndGroup
// turns a young generation of more than `bound` entries into the old one and drops the old
// one, so at most about 2 × bound entries are kept, and a workflow not written for a while is
// read back once.
class RecentIndexEntries {
 public:
  static constexpr std::size_t kDefaultBound = 4096;
  explicit RecentIndexEntries(std::size_t bound = kDefaultBound) : bound_(bound) {}

  // What the index holds for `id` as last Set: nullptr when not known here (ask the store);
  // else the entry, or nullopt when the workflow is known not to exist (erased in this group).
  // Valid until the next EndGroup or Clear.
  const std::optional<IndexEntry>* Find(const std::string& id) const;
  // `id`'s entry from now on (nullopt: erased).
  void Set(const std::string& id, std::optional<IndexEntry> entry);
  // After a group was written (never during one: what it Set must stay until it is written):
  // erased workflows are forgotten (rarely put again, and retention erases many), and a full
  // young generation becomes the old one.
  void EndGroup();
  void Clear();
  std::size_t size() const { return young_.size() + old_.size(); }

 private:
  std::size_t bound_;
  std::unordered_map<std::string, std::optional<IndexEntry>> young_;
  std::unordered_map<std::string, std::optional<IndexEntry>> old_;
  std::vector<std::string> erased_;  // Set to nullopt since the last EndGroup
};

// A KeyCursor over an ordered map of strings (the memory index, tests).
std::unique_ptr<KeyCursor> MapCursor(const std::map<std::string, std::string, std::less<>>& map);
// A RecordCursor over records by id (the memory store, tests).
std::unique_ptr<RecordCursor> MapRecordCursor(
    const std::map<std::string, WorkflowRecord, std::less<>>& map);

}  // namespace goclaw::store::internal
