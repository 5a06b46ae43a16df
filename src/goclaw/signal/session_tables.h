// The router's durable state: two tables registered in the store (store.h TableSpec), written in
// the router's own batches before it answers.
//
//   sessions        <session key>                          -> {"active": "wf-…", "next_seq": n,
//                                                              "starting": [seq, ...] (optional)}
//   session_inputs  <session key> 0x00 <u64 big-endian seq> -> {"input": …, "enqueued_at_us": t}
//
// A session has a `sessions` entry while it has an active run or waiting inputs, and none once
// idle (the next input then starts again from seq 1). Session keys never contain 0x00
// (config::IsValidSessionKey), so `<key> 0x00` is exactly one session's inputs, in seq order
// (= arrival order). Values are JSON text written by core/json_text.h (exact round trip).
// Format 1; docs in src/goclaw/signal/README.md.
//
// Thread-safety: pure functions, and LoadSessions reads the store (any thread).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/core/status.h"
#include "goclaw/store/store.h"

namespace goclaw::signal {

inline constexpr std::string_view kSessionsTable = "sessions";
inline constexpr std::string_view kSessionInputsTable = "session_inputs";

// The tables to register in StoreOptions::tables before the store opens.
std::vector<store::TableSpec> SessionTables();

struct SessionRecord {
  std::string active;          // the active run's workflow id; empty: none
  std::uint64_t next_seq = 1;  // the seq the next waiting input gets
  // Waiting inputs the active run was started for, while that start is not confirmed: the
  // run's id is recorded before its start, so a restart finds the run (the inputs are then
  // its own) or not (they wait again). Empty once confirmed. Absent in older records.
  std::vector<std::uint64_t> starting;
  friend bool operator==(const SessionRecord&, const SessionRecord&) = default;
};

struct InputRecord {
  std::uint64_t seq = 0;
  boost::json::value input;
  std::int64_t enqueued_at_us = 0;  // wall time, microseconds since the Unix epoch
};

std::string EncodeSessionRecord(const SessionRecord& r);
Result<SessionRecord> DecodeSessionRecord(std::string_view value);

std::string InputKey(std::string_view session, std::uint64_t seq);
std::string InputPrefix(std::string_view session);  // every input key of `session` starts with it
// The session key and seq of an input key.
Result<std::pair<std::string, std::uint64_t>> ParseInputKey(std::string_view key);
std::string EncodeInputRecord(const InputRecord& r);  // the seq is in the key
Result<InputRecord> DecodeInputRecord(std::uint64_t seq, std::string_view value);

// Everything stored for one session: its record (absent ones read as {"", max seq + 1}) and
// its waiting inputs in seq order.
struct StoredSession {
  SessionRecord record;
  std::vector<InputRecord> inputs;
};
// Both tables, by session key. kInternal for a corrupt entry (naming its key).
Result<std::map<std::string, StoredSession>> LoadSessions(store::Store& store);

}  // namespace goclaw::signal
