// The RocksDB store, the write path (rocksdb_store_internal.h): Commit checks a batch and
// queues it; the group committer's writer thread turns each group into one RocksDB write batch
// — workflow erases (with their spec, tasks and events), record puts, registered tables'
// mutations, and the workflow index changes and per-state counts they make — and writes it
// (with one fsync in sync modes batch and always).
#include "goclaw/store/encoding.h"
#include "goclaw/store/rocksdb_store_internal.h"

namespace goclaw::store::internal {

void RocksDbStore::Commit(StoreBatch batch, CommitCallback done) {
  if (!committer_) {
    if (done)
      done(MakeError(ErrorCode::kFailedPrecondition,
                     "the store at " + path_ + " is open read-only"));
    return;
  }
  if (Status ok = registry_.Check(batch); !ok) {
    if (done) done(std::move(ok));
    return;
  }
  committer_->Submit(std::move(batch), std::move(done));
}

// The writer thread: what the index holds for a workflow before this change — as this group
// or a recent one left it (recent_), else as stored (its record, read back into read_back_,
// valid until the next call). nullptr when the workflow does not exist. The caller Sets the
// workflow's new entry in recent_ right after.
Result<const IndexEntry*> RocksDbStore::Before(const std::string& id) {
  if (const std::optional<IndexEntry>* known = recent_.Find(id)) return *known ? &**known : nullptr;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_[kWorkflows], id, &scratch_);
  if (s.IsNotFound()) return nullptr;
  if (!s.ok()) return MakeError(FromRocks(s, "reading workflow " + id + " from " + path_));
  GOCLAW_ASSIGN_OR_RETURN(WorkflowRecord w, DecodeWorkflow(scratch_));
  read_back_ = IndexEntryOf(w);
  return &read_back_;
}

// kErasePrefix: a range delete, or — for a prefix with no end (empty, or all 0xff bytes) — a
// delete of each stored key and of each key an earlier mutation of this group put.
Status RocksDbStore::ErasePrefix(rocksdb::WriteBatch& wb, rocksdb::ColumnFamilyHandle* family,
                                 const std::string& prefix,
                                 const std::vector<const StoreBatch*>& group, std::size_t batch,
                                 std::size_t mutation) {
  const std::string end = PrefixEnd(prefix);
  if (!end.empty()) {
    wb.DeleteRange(family, prefix, end);
    return OkStatus();
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
    wb.Delete(family, it->key());
  if (!it->status().ok())
    return MakeError(FromRocks(it->status(), "reading a store table of " + path_));
  const std::string& table = group[batch]->mutations[mutation].table;
  for (std::size_t b = 0; b <= batch; ++b) {
    const auto& ms = group[b]->mutations;
    for (std::size_t m = 0; m < (b == batch ? mutation : ms.size()); ++m) {
      if (ms[m].op == TableMutation::Op::kPut && ms[m].table == table &&
          ms[m].key.starts_with(prefix)) {
        wb.Delete(family, ms[m].key);
      }
    }
  }
  return OkStatus();
}

Status RocksDbStore::Write(const std::vector<const StoreBatch*>& group) {
  // After a failed write (a full disk) RocksDB refuses writes until it is resumed; try that
  // first, and report its error if the cause is still there.
  if (needs_reopen_) {
    GOCLAW_RETURN_IF_ERROR(Recover());
    needs_reopen_ = false;
    start_error_.clear();
  }
  // recent_ learns this group's index changes as they are made, so it must forget them if the
  // group is not written: nothing of it reaches the store then.
  struct ForgetUnlessWritten {
    RecentIndexEntries& recent;
    bool written = false;
    ~ForgetUnlessWritten() {
      if (!written) recent.Clear();
    }
  } forget{recent_};
  rocksdb::WriteBatch wb;
  BatchSink index(wb, family_[kWorkflowIndex]);
  CountDeltas deltas{};
  for (std::size_t bi = 0; bi < group.size(); ++bi) {
    const StoreBatch* b = group[bi];
    for (const auto& id : b->erased) {
      GOCLAW_ASSIGN_OR_RETURN(const IndexEntry* before, Before(id));
      UpdateIndex(before, nullptr, index, deltas);
      recent_.Set(id, std::nullopt);
      std::string begin = WorkflowPrefix(id);
      std::string end = id + '\x01';
      wb.Delete(family_[kWorkflows], id);
      wb.Delete(family_[kSpecs], id);
      wb.DeleteRange(family_[kTasks], begin, end);
      wb.DeleteRange(family_[kEvents], begin, end);
    }
    for (const auto& w : b->workflows) {
      GOCLAW_ASSIGN_OR_RETURN(const IndexEntry* before, Before(w.id));
      IndexEntry after = IndexEntryOf(w);
      UpdateIndex(before, &after, index, deltas);
      recent_.Set(w.id, std::move(after));
      wb.Put(family_[kWorkflows], w.id, EncodeWorkflow(w));
    }
    for (const auto& sp : b->specs) wb.Put(family_[kSpecs], sp.workflow_id, EncodeSpec(sp));
    for (const auto& t : b->tasks)
      wb.Put(family_[kTasks], TaskKey(t.workflow_id, t.index), EncodeTask(t));
    for (const auto& e : b->events)
      wb.Put(family_[kEvents], EventKey(e.workflow_id, e.seq), EncodeEvent(e));
    for (std::size_t mi = 0; mi < b->mutations.size(); ++mi) {
      const TableMutation& m = b->mutations[mi];
      GOCLAW_ASSIGN_OR_RETURN(std::size_t t, registry_.Find(m.table));  // checked at Commit
      rocksdb::ColumnFamilyHandle* family = table_family_[t];
      switch (m.op) {
        case TableMutation::Op::kPut:
          wb.Put(family, m.key, m.value);
          break;
        case TableMutation::Op::kErase:
          wb.Delete(family, m.key);
          break;
        case TableMutation::Op::kErasePrefix:
          GOCLAW_RETURN_IF_ERROR(ErasePrefix(wb, family, m.key, group, bi, mi));
          break;
      }
    }
  }
  GOCLAW_ASSIGN_OR_RETURN(StateCounts counts, ApplyCounts(counts_, deltas, index));
  rocksdb::WriteOptions options;
  options.sync = sync_;
#if defined(__SANITIZE_THREAD__)
  // TSan cannot see RocksDB's own synchronization (Debian's library is not instrumented):
  // its lock-free memtable looks like a race between a write and a concurrent read. TSan
  // builds therefore keep reads out while a write runs; other builds read concurrently.
  std::unique_lock tsan_only(db_mu_);
#endif
  rocksdb::Status s = db_->Write(options, &wb);
  if (!s.ok()) {
    needs_reopen_ = true;
    return MakeError(FromRocks(s, "writing to the store at " + path_));
  }
  forget.written = true;
  recent_.EndGroup();
  counts_ = counts;
  MaybeWriteWatermark();
  return OkStatus();
}

}  // namespace goclaw::store::internal
