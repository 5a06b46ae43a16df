// The RocksDB store, after each open (rocksdb_store_internal.h): the format version (a new
// store gets the current one; a store of format 1 gets its workflow index built, or built in
// memory when opened read-only), the registered tables' versions in meta, the writer's copy of
// the per-state counts; and the durable-sequence watermark (storage.md, "Detecting lost
// writes") that refuses a store whose recovery lost acknowledged writes.
#include <charconv>
#include <chrono>
#include <cstdlib>

#include "goclaw/store/encoding.h"
#include "goclaw/store/rocksdb_store_internal.h"

namespace goclaw::store::internal {
namespace {

// The workflow index is rebuilt in write batches of this many entries (storage.md, backfill).
constexpr std::size_t kBackfillBatch = 10000;

// The durable-sequence watermark: a small file next to the database holding a RocksDB
// sequence number that was durable when it was written.
constexpr const char* kWatermarkFile = "GOCLAW-DURABLE";
constexpr auto kWatermarkInterval = std::chrono::seconds(1);

}  // namespace

// After every open (and reopen): the format version (a new store gets the current one; one
// of format 1 gets its workflow index built), the registered tables' versions, the counts.
Status RocksDbStore::PrepareAfterOpen() {
  memory_index_.reset();
  recent_.Clear();  // a reopen replays the WAL: what the writer remembers may be out of date
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_[kMeta], kFormatKey, &value);
  if (s.IsNotFound() && opened_read_only_) {
    format_version_ = 0;  // never written: nothing to read, and no index needed
  } else if (s.IsNotFound()) {
    rocksdb::WriteOptions w;
    w.sync = true;
    s = db_->Put(w, family_[kMeta], kFormatKey, std::to_string(kStoreFormatVersion));
    if (!s.ok()) return MakeError(FromRocks(s, "writing the format version to " + path_));
    format_version_ = kStoreFormatVersion;
  } else if (!s.ok()) {
    return MakeError(FromRocks(s, "reading the format version of " + path_));
  } else {
    int version = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), version);
    if (ec != std::errc() || ptr != value.data() + value.size()) {
      return MakeError(ErrorCode::kInternal,
                       "the store at " + path_ + " has a corrupt format version \"" + value + "\"");
    }
    format_version_ = version;
    if (version > kStoreFormatVersion) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the store at " + path_ + " has format version " + std::to_string(version) +
                           ", written by a newer goclaw; this one reads version " +
                           std::to_string(kStoreFormatVersion));
    }
    if (version < 2) GOCLAW_RETURN_IF_ERROR(opened_read_only_ ? IndexInMemory() : BuildIndex());
  }
  GOCLAW_RETURN_IF_ERROR(CheckTables());
  return LoadCounts();
}

// Format 1 had no workflow index: builds it from the workflow records and raises the format
// to 2, in write batches of kBackfillBatch entries. The first batch clears the family, so a
// build cut short by a crash starts over at the next open; the last one (synced) writes the
// counts and the format, which marks the index complete.
Status RocksDbStore::BuildIndex() {
  const auto start = std::chrono::steady_clock::now();
  rocksdb::WriteOptions unsynced;
  rocksdb::WriteBatch wb;
  wb.DeleteRange(family_[kWorkflowIndex], "", "\xff");  // every index key starts with 'n' or 's'
  BatchSink sink(wb, family_[kWorkflowIndex]);
  CountDeltas deltas{};
  std::uint64_t n = 0;
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, family_[kWorkflows]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto w = DecodeWorkflow(ToView(it->value()));
    if (!w) {
      return MakeError(w.error().code(),
                       "building the workflow index of " + path_ + ": " + w.error().message());
    }
    const IndexEntry entry = IndexEntryOf(*w);
    UpdateIndex(nullptr, &entry, sink, deltas);
    if (++n % kBackfillBatch == 0) {
      if (rocksdb::Status s = db_->Write(unsynced, &wb); !s.ok()) {
        return MakeError(FromRocks(s, "building the workflow index of " + path_));
      }
      wb.Clear();
    }
  }
  if (!it->status().ok())
    return MakeError(FromRocks(it->status(), "reading workflows of " + path_));
  GOCLAW_ASSIGN_OR_RETURN(auto counts, ApplyCounts({}, deltas, sink));
  (void)counts;
  wb.Put(family_[kMeta], kFormatKey, std::to_string(kStoreFormatVersion));
  rocksdb::WriteOptions synced;
  synced.sync = true;
  if (rocksdb::Status s = db_->Write(synced, &wb); !s.ok()) {
    return MakeError(FromRocks(s, "building the workflow index of " + path_));
  }
  options_.logger.Info(
      "store {}: built the workflow index of {} workflows in {:.1f} ms (format {} -> {})", path_, n,
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
      format_version_, kStoreFormatVersion);
  format_version_ = kStoreFormatVersion;
  return OkStatus();
}

// A read-only store of format 1 cannot build its index on disk: it is built in memory, from
// the records as of the open (which is all a read-only store ever sees).
Status RocksDbStore::IndexInMemory() {
  auto index = std::make_unique<MemoryIndex>();
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), family_[kWorkflows]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    GOCLAW_ASSIGN_OR_RETURN(WorkflowRecord w, DecodeWorkflow(ToView(it->value())));
    const IndexEntry entry = IndexEntryOf(w);
    index->Apply(nullptr, &entry);
  }
  if (!it->status().ok())
    return MakeError(FromRocks(it->status(), "reading workflows of " + path_));
  memory_index_ = std::move(index);
  return OkStatus();
}

// Each registered table's record in meta: written for a new table, raised for an older
// version; a newer version or another family is refused.
Status RocksDbStore::CheckTables() {
  rocksdb::WriteBatch wb;
  for (std::size_t t = 0; t < registry_.specs().size(); ++t) {
    const TableSpec& spec = registry_.specs()[t];
    const std::string key = TableMetaKey(spec.name);
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_[kMeta], key, &value);
    if (!s.ok() && !s.IsNotFound()) return MakeError(FromRocks(s, "reading meta of " + path_));
    if (s.ok()) {
      GOCLAW_ASSIGN_OR_RETURN(TableMeta stored, ParseTableMeta(key, value));
      if (stored.version > spec.format_version) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "the store at " + path_ + " has table \"" + spec.name +
                             "\" in format version " + std::to_string(stored.version) +
                             ", written by a newer goclaw; this one reads version " +
                             std::to_string(spec.format_version) + " of it");
      }
      if (stored.family != spec.column_family) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "the store at " + path_ + " keeps table \"" + spec.name +
                             "\" in column family \"" + stored.family +
                             "\", but it is registered with column family \"" + spec.column_family +
                             "\" (moving a table is not supported)");
      }
      if (stored.version == spec.format_version) continue;
    }
    wb.Put(family_[kMeta], key, TableMetaValue(spec.format_version, spec.column_family));
  }
  if (wb.Count() == 0 || opened_read_only_)
    return OkStatus();  // read-only: recorded at the first open for writing
  rocksdb::WriteOptions w;
  w.sync = true;
  if (rocksdb::Status s = db_->Write(w, &wb); !s.ok()) {
    return MakeError(FromRocks(s, "writing table versions to " + path_));
  }
  return OkStatus();
}

// The writer's copy of the per-state counts.
Status RocksDbStore::LoadCounts() {
  counts_ = {};
  SnapshotView view(*this);
  GOCLAW_ASSIGN_OR_RETURN(auto counts, CountByState(view));
  for (const auto& [state, n] : counts) counts_[state] = n;
  return OkStatus();
}

// Writer thread, after a durable write: at most once a second, records the sequence number
// of the last write in GOCLAW-DURABLE (a temporary file, fsynced, renamed over the old one).
// A failure leaves the older watermark, which stays true. Not in sync mode none, which
// promises no durability.
void RocksDbStore::MaybeWriteWatermark() {
  if (!sync_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_watermark_ < kWatermarkInterval) return;
  last_watermark_ = now;
  const std::uint64_t seq = db_->GetLatestSequenceNumber();
  rocksdb::Env* env = env_ ? env_.get() : rocksdb::Env::Default();
  const std::string tmp = path_ + "/" + kWatermarkFile + ".tmp";
  std::unique_ptr<rocksdb::WritableFile> file;
  rocksdb::Status s = env->NewWritableFile(tmp, &file, rocksdb::EnvOptions());
  if (s.ok()) s = file->Append("goclaw durable sequence " + std::to_string(seq) + "\n");
  if (s.ok()) s = file->Sync();
  if (file) (void)file->Close();
  if (s.ok()) s = env->RenameFile(tmp, path_ + "/" + kWatermarkFile);
  if (!s.ok()) (void)env->DeleteFile(tmp);
}

// The watermark, or 0 when there is none (a new store, a snapshot, sync mode none).
std::uint64_t RocksDbStore::ReadWatermark() const {
  std::string text;
  if (!rocksdb::ReadFileToString(rocksdb::Env::Default(), path_ + "/" + kWatermarkFile, &text).ok())
    return 0;
  constexpr std::string_view kPrefix = "goclaw durable sequence ";
  if (text.rfind(kPrefix, 0) != 0) return 0;
  return std::strtoull(text.c_str() + kPrefix.size(), nullptr, 10);
}

// Before anything may change the files: opens the database read-only (which replays the WAL
// in memory and writes nothing) and compares the sequence it recovers to with the watermark.
// Lower means RocksDB's recovery dropped writes that were acknowledged as durable (a torn or
// truncated WAL, a damaged MANIFEST): refuse, naming the way out.
Status RocksDbStore::CheckWatermark() {
  const std::uint64_t mark = ReadWatermark();
  if (mark == 0 || !HasDatabase()) return OkStatus();
  const bool was_read_only = options_.read_only;
  options_.read_only = true;
  Status opened = OpenDb();
  options_.read_only = was_read_only;
  if (!opened) return opened;  // the read-write open reports the same problem, or works
  const std::uint64_t recovered = db_->GetLatestSequenceNumber();
  CloseDb();
  if (recovered >= mark) return OkStatus();
  return MakeError(
      ErrorCode::kFailedPrecondition,
      "the store at " + path_ +
          " lost acknowledged writes: RocksDB's recovery reaches "
          "sequence " +
          std::to_string(recovered) + ", but writes up to sequence " + std::to_string(mark) +
          " had been made durable (" + kWatermarkFile +
          "). A WAL or MANIFEST file is damaged or truncated. goclaw refuses to start on "
          "it rather than run without them: restore a snapshot (goclaw admin snapshot), or "
          "accept the loss and continue with what is left by deleting " +
          path_ + "/" + kWatermarkFile);
}

}  // namespace goclaw::store::internal
