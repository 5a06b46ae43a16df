// Varint/zigzag/length-prefixed encoding of store values, and the key layout.
#include "goclaw/store/encoding.h"

#include <limits>

namespace goclaw::store {
namespace {

class Writer {
 public:
  explicit Writer(std::uint8_t format) { out_.push_back(static_cast<char>(format)); }
  void U64(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void I64(std::int64_t v) {  // zigzag: small magnitudes stay short whatever the sign
    U64((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void Bytes(std::string_view s) {
    U64(s.size());
    out_.append(s);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(std::string_view in, std::string what) : in_(in), what_(std::move(what)) {}

  Status Format() {
    if (in_.empty()) return MakeError(Corrupt("empty value"));
    const auto format = static_cast<std::uint8_t>(in_[0]);
    in_.remove_prefix(1);
    if (format > kValueFormat) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       what_ + " was written in value format " + std::to_string(format) +
                           " by a newer goclaw; this one reads format " + std::to_string(kValueFormat));
    }
    if (format == 0) return MakeError(Corrupt("value format 0"));
    return OkStatus();
  }
  bool U64(std::uint64_t* v) {
    std::uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return Fail("truncated number");
      const auto byte = static_cast<std::uint8_t>(in_[0]);
      in_.remove_prefix(1);
      if (shift == 63 && byte > 1) return Fail("number out of range");  // bits past 64
      result |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *v = result;
        return true;
      }
    }
    return Fail("number longer than 10 bytes");
  }
  bool I64(std::int64_t* v) {
    std::uint64_t z = 0;
    if (!U64(&z)) return false;
    *v = static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
    return true;
  }
  template <typename T>
  bool Small(T* v) {  // an unsigned number that must fit T
    std::uint64_t u = 0;
    if (!U64(&u)) return false;
    if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return Fail("number out of range");
    *v = static_cast<T>(u);
    return true;
  }
  bool I32(std::int32_t* v) {
    std::int64_t w = 0;
    if (!I64(&w)) return false;
    if (w < std::numeric_limits<std::int32_t>::min() || w > std::numeric_limits<std::int32_t>::max()) {
      return Fail("number out of range");
    }
    *v = static_cast<std::int32_t>(w);
    return true;
  }
  bool Bytes(std::string* s) {
    std::uint64_t n = 0;
    if (!U64(&n)) return false;
    if (n > in_.size()) return Fail("string longer than the value");
    s->assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool AtEnd() const { return in_.empty(); }
  Status Done() {
    if (!error_.empty()) return MakeError(Corrupt(error_));
    // Trailing bytes are fields of a later minor format: ignored on purpose.
    return OkStatus();
  }

 private:
  bool Fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }
  Error Corrupt(const std::string& why) const {
    return Error(ErrorCode::kInternal, "corrupt " + what_ + ": " + why);
  }

  std::string_view in_;
  std::string what_;  // owned: callers pass temporaries ("task record of " + id)
  std::string error_;
};

void PutBigEndian(std::string* out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Splits "<id> 0x00 <n big-endian bytes>".
bool SplitKey(std::string_view key, int bytes, std::string* id, std::uint64_t* n) {
  if (key.size() < static_cast<std::size_t>(bytes) + 2) return false;
  const std::size_t sep = key.size() - static_cast<std::size_t>(bytes) - 1;
  if (key[sep] != '\0') return false;
  id->assign(key.substr(0, sep));
  *n = 0;
  for (std::size_t i = sep + 1; i < key.size(); ++i) *n = (*n << 8) | static_cast<std::uint8_t>(key[i]);
  return true;
}

}  // namespace

std::string WorkflowPrefix(std::string_view workflow_id) {
  std::string k(workflow_id);
  k.push_back('\0');
  return k;
}

std::string TaskKey(std::string_view workflow_id, std::uint32_t index) {
  std::string k = WorkflowPrefix(workflow_id);
  PutBigEndian(&k, index, 4);
  return k;
}

std::string EventKey(std::string_view workflow_id, std::uint64_t seq) {
  std::string k = WorkflowPrefix(workflow_id);
  PutBigEndian(&k, seq, 8);
  return k;
}

std::string StateIndexPrefix(std::uint8_t state) {
  std::string k(1, kStateIndexTag);
  k.push_back(static_cast<char>(state));
  return k;
}

std::string StateIndexKey(std::uint8_t state, std::string_view workflow_id) {
  std::string k = StateIndexPrefix(state);
  k.append(workflow_id);
  return k;
}

std::string StateCountKey(std::uint8_t state) {
  std::string k(1, kStateCountTag);
  k.push_back(static_cast<char>(state));
  return k;
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<std::uint8_t>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<std::uint8_t>(end.back()) + 1);
  return end;
}

IndexEntry IndexEntryOf(const WorkflowRecord& r) { return {r.id, r.state, r.created_at_us, r.name}; }

std::string EncodeIndexValue(const IndexEntry& e) {
  Writer w(kValueFormat);
  w.I64(e.created_at_us);
  w.Bytes(e.name);
  return w.Take();
}

Result<IndexEntry> DecodeIndexEntry(std::string_view key, std::string_view value) {
  if (key.size() < 3 || key[0] != kStateIndexTag) {
    return MakeError(ErrorCode::kInternal, "corrupt workflow index key (expected 's' <state> <workflow id>)");
  }
  IndexEntry e;
  e.state = static_cast<std::uint8_t>(key[1]);
  e.id = key.substr(2);
  Reader in(value, "workflow index entry of " + e.id);
  GOCLAW_RETURN_IF_ERROR(in.Format());
  (void)(in.I64(&e.created_at_us) && in.Bytes(&e.name));
  GOCLAW_RETURN_IF_ERROR(in.Done());
  return e;
}

std::string EncodeCount(std::uint64_t n) {
  Writer w(kValueFormat);
  w.U64(n);
  return w.Take();
}

Result<std::pair<std::uint8_t, std::uint64_t>> DecodeCount(std::string_view key, std::string_view value) {
  if (key.size() != 2 || key[0] != kStateCountTag) {
    return MakeError(ErrorCode::kInternal, "corrupt workflow count key (expected 'n' <state>)");
  }
  const auto state = static_cast<std::uint8_t>(key[1]);
  Reader in(value, "workflow count of state " + std::to_string(state));
  GOCLAW_RETURN_IF_ERROR(in.Format());
  std::uint64_t n = 0;
  (void)in.U64(&n);
  GOCLAW_RETURN_IF_ERROR(in.Done());
  return std::pair{state, n};
}

std::string EncodeWorkflow(const WorkflowRecord& r) {
  Writer w(kValueFormat);
  w.Bytes(r.id);
  w.Bytes(r.name);
  w.U64(r.state);
  w.I64(r.created_at_us);
  w.I64(r.started_at_us);
  w.I64(r.finished_at_us);
  w.Bytes(r.error);
  w.U64(r.task_count);
  return w.Take();
}

std::string EncodeSpec(const SpecRecord& r) {
  Writer w(kValueFormat);
  w.Bytes(r.spec_json);
  w.Bytes(r.input_json);
  return w.Take();
}

std::string EncodeTask(const TaskRecord& r) {
  Writer w(kValueFormat);
  w.U64(r.state);
  w.I64(r.attempts);
  w.I64(r.started_at_us);
  w.I64(r.finished_at_us);
  w.Bytes(r.error);
  w.Bytes(r.output_json);
  w.I64(r.interrupted);
  return w.Take();
}

std::string EncodeEvent(const EventRecord& r) {
  Writer w(kValueFormat);
  w.U64(r.task);
  w.U64(r.from);
  w.U64(r.to);
  w.I64(r.attempt);
  w.I64(r.time_us);
  w.Bytes(r.error);
  if (r.kind != 0 || !r.payload_json.empty()) {  // trailing: records of state changes stay as they were
    w.U64(r.kind);
    w.Bytes(r.payload_json);
  }
  return w.Take();
}

Result<WorkflowRecord> DecodeWorkflow(std::string_view value) {
  Reader in(value, "workflow record");
  GOCLAW_RETURN_IF_ERROR(in.Format());
  WorkflowRecord r;
  (void)(in.Bytes(&r.id) && in.Bytes(&r.name) && in.Small(&r.state) && in.I64(&r.created_at_us) &&
      in.I64(&r.started_at_us) && in.I64(&r.finished_at_us) && in.Bytes(&r.error) && in.Small(&r.task_count));
  GOCLAW_RETURN_IF_ERROR(in.Done());
  return r;
}

Result<SpecRecord> DecodeSpec(std::string_view id, std::string_view value) {
  SpecRecord r;
  r.workflow_id = id;
  Reader in(value, "spec record of " + r.workflow_id);
  GOCLAW_RETURN_IF_ERROR(in.Format());
  (void)(in.Bytes(&r.spec_json) && in.Bytes(&r.input_json));
  GOCLAW_RETURN_IF_ERROR(in.Done());
  return r;
}

Result<TaskRecord> DecodeTask(std::string_view key, std::string_view value) {
  TaskRecord r;
  std::uint64_t index = 0;
  if (!SplitKey(key, 4, &r.workflow_id, &index)) {
    return MakeError(ErrorCode::kInternal, "corrupt task key (expected <workflow id> 0x00 <4-byte index>)");
  }
  r.index = static_cast<std::uint32_t>(index);
  Reader in(value, "task record of " + r.workflow_id);
  GOCLAW_RETURN_IF_ERROR(in.Format());
  (void)(in.Small(&r.state) && in.I32(&r.attempts) && in.I64(&r.started_at_us) && in.I64(&r.finished_at_us) &&
      in.Bytes(&r.error) && in.Bytes(&r.output_json) && in.I32(&r.interrupted));
  GOCLAW_RETURN_IF_ERROR(in.Done());
  return r;
}

Result<EventRecord> DecodeEvent(std::string_view key, std::string_view value) {
  EventRecord r;
  if (!SplitKey(key, 8, &r.workflow_id, &r.seq)) {
    return MakeError(ErrorCode::kInternal, "corrupt event key (expected <workflow id> 0x00 <8-byte seq>)");
  }
  Reader in(value, "event record of " + r.workflow_id);
  GOCLAW_RETURN_IF_ERROR(in.Format());
  (void)(in.Small(&r.task) && in.Small(&r.from) && in.Small(&r.to) && in.I32(&r.attempt) && in.I64(&r.time_us) &&
      in.Bytes(&r.error) && (in.AtEnd() || (in.Small(&r.kind) && in.Bytes(&r.payload_json))));
  GOCLAW_RETURN_IF_ERROR(in.Done());
  return r;
}

}  // namespace goclaw::store
