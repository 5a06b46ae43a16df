// The sessions and session_inputs tables: keys, values and loading (session_tables.h).
#include "goclaw/signal/session_tables.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "goclaw/core/json_text.h"
#include "goclaw/core/text.h"

namespace goclaw::signal {
namespace {

Error Corrupt(std::string_view table, std::string_view key, std::string_view what) {
  return Error(ErrorCode::kInternal, "corrupt entry " + QuoteForMessage(key) + " in the store table " +
                                         std::string(table) + ": " + std::string(what));
}

std::string DescribeInput(std::string_view key, std::string_view value) {
  auto parsed = ParseInputKey(key);
  if (!parsed) return std::string(value);
  return parsed->first + " #" + std::to_string(parsed->second) + " " + std::string(value);
}

}  // namespace

std::vector<store::TableSpec> SessionTables() {
  store::TableSpec sessions;
  sessions.name = std::string(kSessionsTable);
  sessions.format_version = 1;
  sessions.describe = [](std::string_view key, std::string_view value) {
    return std::string(key) + " " + std::string(value);
  };
  store::TableSpec inputs;
  inputs.name = std::string(kSessionInputsTable);
  inputs.format_version = 1;
  inputs.describe = DescribeInput;
  return {std::move(sessions), std::move(inputs)};
}

std::string EncodeSessionRecord(const SessionRecord& r) {
  boost::json::object o{{"active", r.active}, {"next_seq", r.next_seq}};
  if (!r.starting.empty()) o["starting"] = boost::json::array(r.starting.begin(), r.starting.end());
  return JsonText(o);
}

Result<SessionRecord> DecodeSessionRecord(std::string_view value) {
  auto parsed = ParseJsonText(value, "session record");
  const boost::json::object* obj = parsed ? parsed->if_object() : nullptr;
  const boost::json::value* active = obj ? obj->if_contains("active") : nullptr;
  const boost::json::value* next = obj ? obj->if_contains("next_seq") : nullptr;
  if (active == nullptr || !active->is_string() || next == nullptr || !next->is_number()) {
    return MakeError(ErrorCode::kInternal, "expected {\"active\": string, \"next_seq\": number}");
  }
  SessionRecord r;
  r.active = std::string(active->get_string());
  boost::system::error_code ec;
  r.next_seq = next->to_number<std::uint64_t>(ec);
  if (ec) return MakeError(ErrorCode::kInternal, "next_seq is not a sequence number");
  if (const boost::json::value* starting = obj->if_contains("starting")) {
    if (!starting->is_array()) return MakeError(ErrorCode::kInternal, "starting is not a list of sequence numbers");
    for (const auto& seq : starting->get_array()) {
      r.starting.push_back(seq.to_number<std::uint64_t>(ec));
      if (ec) return MakeError(ErrorCode::kInternal, "starting holds something that is not a sequence number");
    }
  }
  return r;
}

std::string InputKey(std::string_view session, std::uint64_t seq) {
  std::string key = InputPrefix(session);
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>((seq >> shift) & 0xff));
  return key;
}

std::string InputPrefix(std::string_view session) {
  std::string prefix(session);
  prefix.push_back('\0');
  return prefix;
}

Result<std::pair<std::string, std::uint64_t>> ParseInputKey(std::string_view key) {
  const std::size_t zero = key.find('\0');
  if (zero == std::string_view::npos || key.size() - zero - 1 != 8) {
    return MakeError(Corrupt(kSessionInputsTable, key, "expected <session key> 0x00 <8-byte seq>"));
  }
  std::uint64_t seq = 0;
  for (char c : key.substr(zero + 1)) seq = (seq << 8) | static_cast<unsigned char>(c);
  return std::make_pair(std::string(key.substr(0, zero)), seq);
}

std::string EncodeInputRecord(const InputRecord& r) {
  return JsonText(boost::json::object{{"input", r.input}, {"enqueued_at_us", r.enqueued_at_us}});
}

Result<InputRecord> DecodeInputRecord(std::uint64_t seq, std::string_view value) {
  auto parsed = ParseJsonText(value, "session input");
  const boost::json::object* obj = parsed ? parsed->if_object() : nullptr;
  const boost::json::value* input = obj ? obj->if_contains("input") : nullptr;
  const boost::json::value* at = obj ? obj->if_contains("enqueued_at_us") : nullptr;
  if (input == nullptr || at == nullptr || !at->is_int64()) {
    return MakeError(ErrorCode::kInternal, "expected {\"input\": ..., \"enqueued_at_us\": integer}");
  }
  return InputRecord{seq, *input, at->get_int64()};
}

Result<std::map<std::string, StoredSession>> LoadSessions(store::Store& store) {
  std::map<std::string, StoredSession> out;
  GOCLAW_ASSIGN_OR_RETURN(auto records, store.ScanAll(kSessionsTable));
  for (const store::TableEntry& e : records) {
    auto r = DecodeSessionRecord(e.value);
    if (!r) return MakeError(Corrupt(kSessionsTable, e.key, r.error().message()));
    out[e.key].record = std::move(*r);
  }
  GOCLAW_ASSIGN_OR_RETURN(auto inputs, store.ScanAll(kSessionInputsTable));
  for (const store::TableEntry& e : inputs) {
    GOCLAW_ASSIGN_OR_RETURN(auto key, ParseInputKey(e.key));
    auto r = DecodeInputRecord(key.second, e.value);
    if (!r) return MakeError(Corrupt(kSessionInputsTable, e.key, r.error().message()));
    auto [it, added] = out.try_emplace(key.first);
    if (added) it->second.record.next_seq = 1;
    it->second.inputs.push_back(std::move(*r));  // scanned in key order: seq order per session
  }
  for (auto& [key, s] : out) {
    if (!s.inputs.empty() && s.record.next_seq <= s.inputs.back().seq) s.record.next_seq = s.inputs.back().seq + 1;
  }
  return out;
}

}  // namespace goclaw::signal
