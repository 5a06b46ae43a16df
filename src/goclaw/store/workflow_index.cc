// Listing workflows through the per-state index, and keeping the index in step.
#include "goclaw/store/workflow_index.h"

#include <bitset>
#include <iterator>
#include <vector>

#include "goclaw/core/check.h"

namespace goclaw::store::internal {
namespace {

// A position in an ordered map, stepping both ways (end(): not valid).
template <typename Map>
class MapPosition {
 public:
  explicit MapPosition(const Map& map) : map_(map), it_(map.end()) {}
  void Seek(std::string_view key) { it_ = map_.lower_bound(key); }
  void SeekForPrev(std::string_view key) {
    it_ = map_.upper_bound(key);
    Prev();
  }
  bool Valid() const { return it_ != map_.end(); }
  void Next() { ++it_; }
  void Prev() { it_ = it_ == map_.begin() ? map_.end() : std::prev(it_); }
  const auto& operator*() const { return *it_; }

 private:
  const Map& map_;
  typename Map::const_iterator it_;
};

class StdMapCursor final : public KeyCursor {
 public:
  explicit StdMapCursor(const std::map<std::string, std::string, std::less<>>& map) : at_(map) {}
  void Seek(std::string_view key) override { at_.Seek(key); }
  void SeekForPrev(std::string_view key) override { at_.SeekForPrev(key); }
  bool Valid() const override { return at_.Valid(); }
  std::string_view key() const override { return (*at_).first; }
  std::string_view value() const override { return (*at_).second; }
  void Next() override { at_.Next(); }
  void Prev() override { at_.Prev(); }
  Status status() const override { return OkStatus(); }

 private:
  MapPosition<std::map<std::string, std::string, std::less<>>> at_;
};

class StdMapRecordCursor final : public RecordCursor {
 public:
  explicit StdMapRecordCursor(const std::map<std::string, WorkflowRecord, std::less<>>& map)
      : at_(map) {}
  void Seek(std::string_view id) override { at_.Seek(id); }
  void SeekForPrev(std::string_view id) override { at_.SeekForPrev(id); }
  bool Valid() const override { return at_.Valid(); }
  const WorkflowRecord& record() const override { return (*at_).second; }
  void Next() override { at_.Next(); }
  void Prev() override { at_.Prev(); }
  Status status() const override { return OkStatus(); }

 private:
  MapPosition<std::map<std::string, WorkflowRecord, std::less<>>> at_;
};

// What a filter looks at; views into the source's current workflow.
struct Fields {
  std::string_view id;
  std::string_view name;
  std::int64_t created_at_us = 0;
};

// Sorts after every workflow id (ids are ASCII: ValidId).
constexpr std::string_view kAfterEveryId = "\xff";

// Workflows in id order after a starting id — or, backwards, in reverse id order before it —
// with what a filter needs and, for the page, the record.
class Source {
 public:
  virtual ~Source() = default;
  // Positions at the first wanted workflow listed after `after` (empty: the first): whose id
  // sorts after it, or before it backwards.
  virtual Status Start(std::string_view after) = 0;
  virtual bool Valid() const = 0;
  virtual Fields fields() const = 0;
  // The current workflow's record; at most once per position.
  virtual Result<WorkflowRecord> record() = 0;
  virtual Status Next() = 0;
};

// Scans the records, skipping unwanted states.
class RecordSource final : public Source {
 public:
  RecordSource(WorkflowView& view, const std::bitset<256>& wanted, bool backwards)
      : cursor_(view.Records()), wanted_(wanted), backwards_(backwards) {}

  Status Start(std::string_view after) override {
    if (!backwards_) {
      cursor_->Seek(after);
    } else {
      cursor_->SeekForPrev(after.empty() ? kAfterEveryId : after);
    }
    if (cursor_->Valid() && !after.empty() && cursor_->record().id == after) Step();
    return Settle();
  }
  bool Valid() const override { return cursor_->Valid(); }
  Fields fields() const override {
    const WorkflowRecord& r = cursor_->record();
    return {r.id, r.name, r.created_at_us};
  }
  Result<WorkflowRecord> record() override { return cursor_->Take(); }
  Status Next() override {
    Step();
    return Settle();
  }

 private:
  void Step() { backwards_ ? cursor_->Prev() : cursor_->Next(); }
  Status Settle() {
    while (cursor_->Valid() && !wanted_[cursor_->record().state]) Step();
    if (!cursor_->Valid()) return cursor_->status();
    return OkStatus();
  }

  std::unique_ptr<RecordCursor> cursor_;
  const std::bitset<256>& wanted_;
  bool backwards_;
};

// Merges the index ranges of the wanted states by id; reads each page entry's record.
class IndexSource final : public Source {
 public:
  IndexSource(WorkflowView& view, const std::vector<std::uint8_t>& states, bool backwards)
      : view_(view), backwards_(backwards) {
    for (std::uint8_t s : states) heads_.push_back({view.Index(), s, {}, false});
  }

  Status Start(std::string_view after) override {
    for (Head& h : heads_) {
      const std::string start = StateIndexKey(h.state, after);
      if (!backwards_) {
        h.cursor->Seek(start);
      } else {
        h.cursor->SeekForPrev(after.empty() ? StateIndexKey(h.state, kAfterEveryId) : start);
      }
      if (!after.empty() && h.cursor->Valid() && h.cursor->key() == start) Step(h);
      GOCLAW_RETURN_IF_ERROR(Load(h));
    }
    Pick();
    return OkStatus();
  }
  bool Valid() const override { return current_ != nullptr; }
  Fields fields() const override {
    const IndexEntry& e = current_->entry;
    return {e.id, e.name, e.created_at_us};
  }
  Result<WorkflowRecord> record() override {
    const IndexEntry& e = current_->entry;
    GOCLAW_ASSIGN_OR_RETURN(std::optional<WorkflowRecord> r, view_.Record(e.id));
    if (!r || r->state != e.state) {
      return MakeError(
          ErrorCode::kInternal,
          "the workflow index lists " + e.id + " in state " + std::to_string(e.state) + ", but " +
              (r ? "its record is in state " + std::to_string(r->state) : "it has no record") +
              " (a damaged index: reopening a store of format 1 rebuilds it)");
    }
    return std::move(*r);
  }
  Status Next() override {
    Step(*current_);
    GOCLAW_RETURN_IF_ERROR(Load(*current_));
    Pick();
    return OkStatus();
  }

 private:
  struct Head {
    std::unique_ptr<KeyCursor> cursor;
    std::uint8_t state;
    IndexEntry entry;
    bool valid;
  };

  // Decodes the head's entry, or marks it done at the end of its state's range.
  Status Load(Head& h) {
    const std::string prefix = StateIndexPrefix(h.state);
    h.valid = h.cursor->Valid() && h.cursor->key().starts_with(prefix);
    if (!h.valid) return h.cursor->status();
    GOCLAW_ASSIGN_OR_RETURN(h.entry, DecodeIndexEntry(h.cursor->key(), h.cursor->value()));
    return OkStatus();
  }
  void Step(Head& h) { backwards_ ? h.cursor->Prev() : h.cursor->Next(); }
  // The head listed first: the least id, or the greatest backwards. A handful of states: a
  // linear search beats a heap.
  void Pick() {
    current_ = nullptr;
    for (Head& h : heads_) {
      if (!h.valid) continue;
      if (current_ == nullptr || (backwards_ ? h.entry.id > current_->entry.id
                                             : h.entry.id < current_->entry.id)) {
        current_ = &h;
      }
    }
  }

  WorkflowView& view_;
  bool backwards_;
  std::vector<Head> heads_;
  Head* current_ = nullptr;
};

}  // namespace

std::unique_ptr<KeyCursor> MapCursor(const std::map<std::string, std::string, std::less<>>& map) {
  return std::make_unique<StdMapCursor>(map);
}

std::unique_ptr<RecordCursor> MapRecordCursor(
    const std::map<std::string, WorkflowRecord, std::less<>>& map) {
  return std::make_unique<StdMapRecordCursor>(map);
}

Result<std::map<std::uint8_t, std::uint64_t>> CountByState(WorkflowView& view) {
  std::map<std::uint8_t, std::uint64_t> out;
  auto cursor = view.Index();
  const std::string prefix(1, kStateCountTag);
  for (cursor->Seek(prefix); cursor->Valid() && cursor->key().starts_with(prefix); cursor->Next()) {
    GOCLAW_ASSIGN_OR_RETURN(auto count, DecodeCount(cursor->key(), cursor->value()));
    if (count.second > 0) out[count.first] = count.second;
  }
  GOCLAW_RETURN_IF_ERROR(cursor->status());
  return out;
}

Result<WorkflowPage> QueryWorkflows(WorkflowView& view, const WorkflowQuery& q) {
  GOCLAW_ASSIGN_OR_RETURN(auto counts, CountByState(view));
  std::bitset<256> wanted;
  if (q.states.empty()) wanted.set();
  for (std::uint8_t s : q.states) wanted.set(s);
  std::vector<std::uint8_t> states;
  std::uint64_t all = 0, selected = 0;
  for (const auto& [state, n] : counts) {
    all += n;
    if (!wanted[state]) continue;
    states.push_back(state);
    selected += n;
  }
  const bool filtered = !q.name.empty() || q.created_after_us || q.created_before_us;
  WorkflowPage page;
  page.total = filtered ? 0 : selected;
  if (states.empty()) return page;
  auto matches = [&](const Fields& e) {
    return (q.name.empty() || e.name == q.name) &&
           (!q.created_after_us || e.created_at_us >= *q.created_after_us) &&
           (!q.created_before_us || e.created_at_us < *q.created_before_us);
  };
  std::unique_ptr<Source> source;
  if (selected * 4 >= all) {
    source = std::make_unique<RecordSource>(view, wanted, q.newest_first);
  } else {
    source = std::make_unique<IndexSource>(view, states, q.newest_first);
  }
  // Up to the cursor (inclusive), in listing order.
  auto up_to_cursor = [&](std::string_view id) {
    return q.newest_first ? id >= q.after_id : id <= q.after_id;
  };
  // The total counts the matches before the cursor too.
  if (filtered && !q.after_id.empty()) {
    GOCLAW_RETURN_IF_ERROR(source->Start({}));
    while (source->Valid() && up_to_cursor(source->fields().id)) {
      if (matches(source->fields())) ++page.total;
      GOCLAW_RETURN_IF_ERROR(source->Next());
    }
  }
  std::size_t skipped = 0;
  GOCLAW_RETURN_IF_ERROR(source->Start(q.after_id));
  while (source->Valid()) {
    if (matches(source->fields())) {
      if (filtered) ++page.total;
      if (skipped < q.offset) {
        ++skipped;
      } else if (q.limit == 0 || page.workflows.size() < q.limit) {
        GOCLAW_ASSIGN_OR_RETURN(WorkflowRecord r, source->record());
        page.workflows.push_back(std::move(r));
      } else if (!filtered) {
        break;  // the page is full and the total known
      }
    }
    GOCLAW_RETURN_IF_ERROR(source->Next());
  }
  return page;
}

void UpdateIndex(const IndexEntry* before, const IndexEntry* after, IndexSink& sink,
                 CountDeltas& deltas) {
  if (before != nullptr && after != nullptr && *before == *after) return;
  if (before != nullptr) {
    sink.Delete(StateIndexKey(before->state, before->id));
    --deltas[before->state];
  }
  if (after != nullptr) {
    sink.Put(StateIndexKey(after->state, after->id), EncodeIndexValue(*after));
    ++deltas[after->state];
  }
}

Result<StateCounts> ApplyCounts(const StateCounts& counts, const CountDeltas& deltas,
                                IndexSink& sink) {
  StateCounts out = counts;
  for (std::size_t s = 0; s < deltas.size(); ++s) {
    if (deltas[s] == 0) continue;
    const auto n = static_cast<std::int64_t>(counts[s]) + deltas[s];
    if (n < 0) {
      return MakeError(ErrorCode::kInternal,
                       "the workflow index counts " + std::to_string(counts[s]) +
                           " workflows in state " + std::to_string(s) + ", but " +
                           std::to_string(-deltas[s]) + " left it");
    }
    out[s] = static_cast<std::uint64_t>(n);
    const auto state = static_cast<std::uint8_t>(s);
    if (n == 0) {
      sink.Delete(StateCountKey(state));
    } else {
      sink.Put(StateCountKey(state), EncodeCount(out[s]));
    }
  }
  return out;
}

void MemoryIndex::Apply(const IndexEntry* before, const IndexEntry* after) {
  if (before != nullptr && after != nullptr && *before == *after) return;
  if (before != nullptr) entries_.erase(StateIndexKey(before->state, before->id));
  if (after != nullptr) entries_[StateIndexKey(after->state, after->id)] = EncodeIndexValue(*after);
  // The counts of the (at most two) states that changed: not ApplyCounts, which looks at all
  // 256 (once per group in RocksDB, but here once per workflow put).
  if (before != nullptr && after != nullptr && before->state == after->state) return;
  if (before != nullptr) Count(before->state, -1);
  if (after != nullptr) Count(after->state, +1);
}

void MemoryIndex::Count(std::uint8_t state, int delta) {
  // The caller's records are the truth here, so a count cannot go below 0.
  GOCLAW_CHECK(delta > 0 || counts_[state] > 0);
  counts_[state] = delta > 0 ? counts_[state] + 1 : counts_[state] - 1;
  if (counts_[state] == 0) {
    entries_.erase(StateCountKey(state));
  } else {
    entries_[StateCountKey(state)] = EncodeCount(counts_[state]);
  }
}

const std::optional<IndexEntry>* RecentIndexEntries::Find(const std::string& id) const {
  if (auto it = young_.find(id); it != young_.end()) return &it->second;
  if (auto it = old_.find(id); it != old_.end()) return &it->second;
  return nullptr;
}

void RecentIndexEntries::Set(const std::string& id, std::optional<IndexEntry> entry) {
  if (!entry) erased_.push_back(id);
  young_.insert_or_assign(id, std::move(entry));
}

void RecentIndexEntries::EndGroup() {
  for (const std::string& id : erased_) {
    // The old generation may still hold the entry from before the erase.
    old_.erase(id);
    if (auto it = young_.find(id); it != young_.end() && !it->second) young_.erase(it);
  }
  erased_.clear();
  if (young_.size() <= bound_) return;
  old_.swap(young_);
  young_.clear();
}

void RecentIndexEntries::Clear() {
  young_.clear();
  old_.clear();
  erased_.clear();
}

std::unique_ptr<KeyCursor> MemoryIndex::Cursor() const { return MapCursor(entries_); }

}  // namespace goclaw::store::internal
