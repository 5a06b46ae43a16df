// A memory item and how the store keeps it (docs/design/memory.md).
//
// Two tables, registered before the store opens (MemoryTables):
//   memory        "<session>\0<item id>" -> the item: a JSON head (content, metadata,
//                 provenance, times) and its vector as raw little-endian float32s
//   memory_cards  "<session>\0<item id>" -> its FSRS-6 card (JSON), rewritten on each review
// so a review rewrites ~150 bytes, not the item with its vector. Item ids are "mem-<uuidv7>":
// a session's items sort by creation time in both tables. Format 1.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goclaw/core/status.h"
#include "goclaw/memory/fsrs.h"
#include "goclaw/store/store.h"

namespace goclaw::memory {

inline constexpr std::string_view kItemsTable = "memory";
inline constexpr std::string_view kCardsTable = "memory_cards";
std::vector<store::TableSpec> MemoryTables();

// How far an item's content may be trusted, lowest first: retrieval's min_trust keeps items at
// or above a level.
enum class Trust : std::uint8_t { kUntrusted = 0, kLow = 1, kMedium = 2, kHigh = 3 };
std::string_view TrustName(Trust t);
std::optional<Trust> ParseTrust(std::string_view name);
inline constexpr std::string_view kTrustNames = "untrusted, low, medium (the default), high";

// Where an item came from: the workflow and task that memorized it (empty over the API), a
// free-form source ("api", "task", a URL, ...) and a trust label.
struct Provenance {
  std::string workflow_id;
  std::string task_id;
  std::string source;
  Trust trust = Trust::kMedium;
  friend bool operator==(const Provenance&, const Provenance&) = default;
};

struct MemoryItem {
  std::string id;  // "mem-<uuidv7>"
  std::string session;
  std::string content;
  std::vector<float> vector;  // as given or embedded (L2-normalised); empty: none
  bool vector_from_client = false;
  std::map<std::string, std::string> metadata;
  Provenance provenance;
  std::int64_t created_at_us = 0;
  fsrs::Card card;  // last_review_us is the last retrieval (or the memorize)
};

// Session names: 1-128 bytes of letters, digits and "_-.:@".
bool IsValidSessionName(std::string_view session);
inline constexpr std::string_view kSessionNameRule = "1-128 letters, digits or any of _ - . : @";

// "<session>\0<id>", and the prefix of all of a session's keys ("<session>\0").
std::string ItemKey(std::string_view session, std::string_view id);
std::string SessionPrefix(std::string_view session);
// Splits an ItemKey; nullopt when it is not one.
std::optional<std::pair<std::string, std::string>> SplitItemKey(std::string_view key);

std::string EncodeItem(const MemoryItem& item);  // everything but the card
Result<MemoryItem> DecodeItem(std::string_view key, std::string_view value);
std::string EncodeCard(const fsrs::Card& card);
Result<fsrs::Card> DecodeCard(std::string_view value);

}  // namespace goclaw::memory
