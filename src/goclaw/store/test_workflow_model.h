// For tests only: a brute-force reference for the store's workflow listing (every filter
// applied to every record, in id order or reversed), and seeded random batches and queries to compare a
// store against it. Used by the unit tests (memory store) and the integration tests (RocksDB).
//
// Thread-safety: like any value.
#pragma once

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "goclaw/store/store.h"

namespace goclaw::testing {

using store::StoreBatch;
using store::WorkflowPage;
using store::WorkflowQuery;
using store::WorkflowRecord;

class WorkflowModel {
 public:
  void Apply(const StoreBatch& b) {
    for (const auto& id : b.erased) records_.erase(id);
    for (const auto& w : b.workflows) records_[w.id] = w;
  }

  WorkflowPage List(const WorkflowQuery& q) const {
    WorkflowPage page;
    std::size_t skipped = 0;
    std::vector<const WorkflowRecord*> listed;
    for (const auto& [id, r] : records_) listed.push_back(&r);
    if (q.newest_first) std::reverse(listed.begin(), listed.end());
    for (const WorkflowRecord* record : listed) {
      const WorkflowRecord& r = *record;
      const std::string& id = r.id;
      if (!q.states.empty() &&
          std::find(q.states.begin(), q.states.end(), r.state) == q.states.end())
        continue;
      if (!q.name.empty() && r.name != q.name) continue;
      if (q.created_after_us && r.created_at_us < *q.created_after_us) continue;
      if (q.created_before_us && r.created_at_us >= *q.created_before_us) continue;
      ++page.total;
      if (!q.after_id.empty() && (q.newest_first ? id >= q.after_id : id <= q.after_id)) continue;
      if (skipped < q.offset) {
        ++skipped;
        continue;
      }
      if (q.limit == 0 || page.workflows.size() < q.limit) page.workflows.push_back(r);
    }
    return page;
  }

  std::map<std::uint8_t, std::uint64_t> Counts() const {
    std::map<std::uint8_t, std::uint64_t> out;
    for (const auto& [id, r] : records_) ++out[r.state];
    return out;
  }

  const std::map<std::string, WorkflowRecord>& records() const { return records_; }

 private:
  std::map<std::string, WorkflowRecord> records_;
};

// Random workflow traffic. States are skewed so that some are rare (listed through the index)
// and some common (listed by scanning the records); 200 is there because states are opaque.
class RandomWorkload {
 public:
  explicit RandomWorkload(std::uint64_t seed) : rng_(seed) {}

  StoreBatch Batch(const WorkflowModel& model) {
    StoreBatch b;
    for (int n = Pick(0, 3); n > 0; --n) {
      WorkflowRecord w;
      char id[32];
      std::snprintf(id, sizeof id, "wf-%06d", next_++);
      w.id = id;
      w.name = Name();
      w.state = State();
      w.created_at_us = 1000 * static_cast<std::int64_t>(next_) + Pick(0, 999);
      b.workflows.push_back(w);
    }
    for (int n = Pick(0, 4); n > 0 && !model.records().empty(); --n) {
      WorkflowRecord w = Existing(model);
      w.state = State();
      if (Pick(0, 9) == 0) w.name = Name();      // the index value changes, the state may not
      if (Pick(0, 9) == 0) w.error = "changed";  // the index does not change at all
      b.workflows.push_back(w);
      if (Pick(0, 3) == 0) {  // several puts of one workflow in one batch: the last wins
        w.state = State();
        b.workflows.push_back(w);
      }
    }
    if (Pick(0, 4) == 0 && !model.records().empty()) {
      const WorkflowRecord w = Existing(model);
      b.erased.push_back(w.id);
      if (Pick(0, 2) == 0) b.workflows.push_back(w);  // erased, then put again: it stays
    }
    if (Pick(0, 9) == 0) b.erased.push_back("wf-none");  // nothing to erase
    return b;
  }

  WorkflowQuery Query(const WorkflowModel& model) {
    WorkflowQuery q;
    if (Pick(0, 9) < 7) {
      for (int n = Pick(1, 3); n > 0; --n) q.states.push_back(State());
    }
    if (Pick(0, 3) == 0) q.name = Name();
    const std::int64_t span = 1000 * static_cast<std::int64_t>(next_ + 1);
    if (Pick(0, 3) == 0) q.created_after_us = Pick(0, static_cast<int>(span));
    if (Pick(0, 3) == 0) q.created_before_us = Pick(0, static_cast<int>(span));
    if (Pick(0, 2) == 0 && !model.records().empty()) {
      q.after_id = Existing(model).id;
      if (Pick(0, 1) == 0) q.after_id += "5";  // between two ids
    }
    if (Pick(0, 3) == 0) q.offset = static_cast<std::size_t>(Pick(0, 4));
    q.limit = static_cast<std::size_t>(Pick(0, 12));
    q.newest_first = Pick(0, 1) == 1;
    return q;
  }

 private:
  int Pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::uint8_t State() {
    static constexpr std::uint8_t kStates[] = {3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 2, 2, 0, 1, 5, 200};
    return kStates[Pick(0, static_cast<int>(std::size(kStates)) - 1)];
  }
  std::string Name() { return std::string(1, static_cast<char>('a' + Pick(0, 2))); }
  WorkflowRecord Existing(const WorkflowModel& model) {
    auto it = model.records().begin();
    std::advance(it, Pick(0, static_cast<int>(model.records().size()) - 1));
    return it->second;
  }

  std::mt19937_64 rng_;
  int next_ = 0;
};

}  // namespace goclaw::testing
