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

}  // namespace goclaw::store
