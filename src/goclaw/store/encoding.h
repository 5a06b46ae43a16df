// The compact value encoding of the store (docs/design/storage.md): a format version byte,
// then the record's fields in a fixed order — unsigned varints, zigzag varints for signed
// numbers, and length-prefixed byte strings. Keys are built so that byte order is the order
// range scans need (big-endian numbers after a workflow id and a 0 byte).
//
// Decoding checks every length and fails with kInternal ("corrupt …") naming what was wrong; a value with a
// newer format version fails with kFailedPrecondition (a newer goclaw wrote it).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "goclaw/core/status.h"
#include "goclaw/store/records.h"

namespace goclaw::store {

inline constexpr std::uint8_t kValueFormat = 1;

std::string EncodeWorkflow(const WorkflowRecord& r);
std::string EncodeSpec(const SpecRecord& r);     // the workflow id is the key
std::string EncodeTask(const TaskRecord& r);     // the workflow id and index are in the key
std::string EncodeEvent(const EventRecord& r);   // the workflow id and seq are in the key
Result<WorkflowRecord> DecodeWorkflow(std::string_view value);
Result<SpecRecord> DecodeSpec(std::string_view id, std::string_view value);
Result<TaskRecord> DecodeTask(std::string_view key, std::string_view value);
Result<EventRecord> DecodeEvent(std::string_view key, std::string_view value);

// <workflow id> 0x00 <u32 big-endian index>; <workflow id> 0x00 <u64 big-endian seq>.
std::string TaskKey(std::string_view workflow_id, std::uint32_t index);
std::string EventKey(std::string_view workflow_id, std::uint64_t seq);
// Every key of one workflow in the tasks or events family starts with this.
std::string WorkflowPrefix(std::string_view workflow_id);

// The workflow_index family (storage.md, "The workflow index"):
//   's' <state u8> <workflow id>  ->  index value (created_at, name): one per workflow
//   'n' <state u8>                ->  count value (how many workflows are in that state)
// A state's entries are one range in id order (= creation order); the counts are one range.
inline constexpr char kStateIndexTag = 's';
inline constexpr char kStateCountTag = 'n';
std::string StateIndexKey(std::uint8_t state, std::string_view workflow_id);
std::string StateIndexPrefix(std::uint8_t state);  // every key of one state starts with it
std::string StateCountKey(std::uint8_t state);

// What the index knows of a workflow: enough to filter a listing without its record.
struct IndexEntry {
  std::string id;
  std::uint8_t state = 0;
  std::int64_t created_at_us = 0;
  std::string name;
  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};
IndexEntry IndexEntryOf(const WorkflowRecord& r);
std::string EncodeIndexValue(const IndexEntry& e);  // the state and id are in the key
Result<IndexEntry> DecodeIndexEntry(std::string_view key, std::string_view value);
std::string EncodeCount(std::uint64_t n);
// The state from a count key, and the count.
Result<std::pair<std::uint8_t, std::uint64_t>> DecodeCount(std::string_view key, std::string_view value);

// The smallest key greater than every key that starts with `prefix`; empty when there is none
// (`prefix` is empty or all 0xff bytes).
std::string PrefixEnd(std::string_view prefix);

}  // namespace goclaw::store
