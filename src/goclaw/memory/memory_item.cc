// Memory items in the store (memory_item.h).
#include "goclaw/memory/memory_item.h"

#include <array>
#include <bit>
#include <cstring>

#include <boost/json/object.hpp>

#include "goclaw/core/json_text.h"

namespace goclaw::memory {
namespace {

constexpr std::array<std::string_view, 4> kTrust = {"untrusted", "low", "medium", "high"};
constexpr char kItemFormat = 1;

bool IsSessionChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.' || c == ':' || c == '@';
}

void PutU32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool GetU32(std::string_view in, std::size_t* pos, std::uint32_t* v) {
  if (*pos + 4 > in.size()) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) *v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[*pos + i])) << (8 * i);
  *pos += 4;
  return true;
}

tl::unexpected<Error> Corrupt(std::string_view key, std::string_view what) {
  std::string k(key);
  for (char& c : k) {
    if (c == '\0') c = '/';
  }
  return MakeError(ErrorCode::kInternal, "corrupt memory item " + k + ": " + std::string(what));
}

std::string StringField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

double NumberField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return 0;
}

std::int64_t IntField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  return 0;
}

}  // namespace

std::vector<store::TableSpec> MemoryTables() {
  store::TableSpec items{.name = std::string(kItemsTable), .column_family = "memory", .format_version = 1};
  items.describe = [](std::string_view key, std::string_view value) {
    auto item = DecodeItem(key, value);
    if (!item) return item.error().message();
    return item->id + " in " + item->session + ": " + item->content.substr(0, 200) +
           (item->vector.empty() ? "" : " [" + std::to_string(item->vector.size()) + "-dim vector]");
  };
  store::TableSpec cards{.name = std::string(kCardsTable), .column_family = "memory_cards", .format_version = 1};
  cards.describe = [](std::string_view, std::string_view value) { return std::string(value); };
  return {std::move(items), std::move(cards)};
}

std::string_view TrustName(Trust t) { return kTrust[static_cast<std::size_t>(t)]; }

std::optional<Trust> ParseTrust(std::string_view name) {
  for (std::size_t i = 0; i < kTrust.size(); ++i) {
    if (kTrust[i] == name) return static_cast<Trust>(i);
  }
  return std::nullopt;
}

bool IsValidSessionName(std::string_view session) {
  if (session.empty() || session.size() > 128) return false;
  for (char c : session) {
    if (!IsSessionChar(c)) return false;
  }
  return true;
}

std::string ItemKey(std::string_view session, std::string_view id) {
  std::string key;
  key.reserve(session.size() + 1 + id.size());
  key.append(session).push_back('\0');
  key.append(id);
  return key;
}

std::string SessionPrefix(std::string_view session) { return ItemKey(session, ""); }

std::optional<std::pair<std::string, std::string>> SplitItemKey(std::string_view key) {
  const auto nul = key.find('\0');
  if (nul == std::string_view::npos || nul == 0 || nul + 1 >= key.size()) return std::nullopt;
  return std::pair{std::string(key.substr(0, nul)), std::string(key.substr(nul + 1))};
}

// [format 1][u32 head length][head JSON][u32 dims][dims float32 LE]
std::string EncodeItem(const MemoryItem& item) {
  boost::json::object meta;
  for (const auto& [k, v] : item.metadata) meta[k] = v;
  boost::json::object head{{"content", item.content},
                           {"metadata", std::move(meta)},
                           {"workflow_id", item.provenance.workflow_id},
                           {"task_id", item.provenance.task_id},
                           {"source", item.provenance.source},
                           {"trust", TrustName(item.provenance.trust)},
                           {"created_at_us", item.created_at_us},
                           {"vector_from_client", item.vector_from_client}};
  const std::string text = JsonText(head);
  std::string out;
  out.reserve(1 + 8 + text.size() + item.vector.size() * 4);
  out.push_back(kItemFormat);
  PutU32(out, static_cast<std::uint32_t>(text.size()));
  out += text;
  PutU32(out, static_cast<std::uint32_t>(item.vector.size()));
  for (float f : item.vector) PutU32(out, std::bit_cast<std::uint32_t>(f));
  return out;
}

Result<MemoryItem> DecodeItem(std::string_view key, std::string_view value) {
  auto split = SplitItemKey(key);
  if (!split) return Corrupt(key, "the key is not <session>\\0<id>");
  if (value.empty() || value[0] != kItemFormat) return Corrupt(key, "unknown value format");
  std::size_t pos = 1;
  std::uint32_t head_len = 0;
  if (!GetU32(value, &pos, &head_len) || pos + head_len > value.size()) return Corrupt(key, "truncated head");
  auto head = ParseJsonText(value.substr(pos, head_len), "memory item");
  if (!head || !head->is_object()) return Corrupt(key, "the head is not a JSON object");
  pos += head_len;
  std::uint32_t dims = 0;
  if (!GetU32(value, &pos, &dims) || pos + std::size_t{dims} * 4 != value.size()) return Corrupt(key, "truncated vector");
  MemoryItem item;
  item.session = std::move(split->first);
  item.id = std::move(split->second);
  const auto& o = head->get_object();
  item.content = StringField(o, "content");
  if (const auto* m = o.if_contains("metadata"); m != nullptr && m->is_object()) {
    for (const auto& [k, v] : m->get_object()) {
      if (v.is_string()) item.metadata.emplace(std::string(k), std::string(v.get_string()));
    }
  }
  item.provenance.workflow_id = StringField(o, "workflow_id");
  item.provenance.task_id = StringField(o, "task_id");
  item.provenance.source = StringField(o, "source");
  item.provenance.trust = ParseTrust(StringField(o, "trust")).value_or(Trust::kMedium);
  item.created_at_us = IntField(o, "created_at_us");
  if (const auto* c = o.if_contains("vector_from_client"); c != nullptr && c->is_bool()) item.vector_from_client = c->get_bool();
  item.vector.resize(dims);
  for (std::uint32_t i = 0; i < dims; ++i) {
    std::uint32_t bits = 0;
    (void)GetU32(value, &pos, &bits);
    item.vector[i] = std::bit_cast<float>(bits);
  }
  return item;
}

std::string EncodeCard(const fsrs::Card& card) {
  boost::json::object o{{"s", card.stability},          {"d", card.difficulty},
                        {"state", static_cast<int>(card.state)}, {"reps", card.reps},
                        {"lapses", card.lapses},        {"steps", card.learning_steps},
                        {"scheduled", card.scheduled_days}, {"elapsed", card.elapsed_days},
                        {"due_us", card.due_us},        {"last_us", card.last_review_us}};
  return JsonText(o);
}

Result<fsrs::Card> DecodeCard(std::string_view value) {
  auto parsed = ParseJsonText(value, "memory card");
  if (!parsed || !parsed->is_object()) return MakeError(ErrorCode::kInternal, "corrupt memory card: not a JSON object");
  const auto& o = parsed->get_object();
  fsrs::Card c;
  c.stability = NumberField(o, "s");
  c.difficulty = NumberField(o, "d");
  const auto state = IntField(o, "state");
  if (state < 0 || state > 3) return MakeError(ErrorCode::kInternal, "corrupt memory card: state " + std::to_string(state));
  c.state = static_cast<fsrs::State>(state);
  c.reps = static_cast<int>(IntField(o, "reps"));
  c.lapses = static_cast<int>(IntField(o, "lapses"));
  c.learning_steps = static_cast<int>(IntField(o, "steps"));
  c.scheduled_days = NumberField(o, "scheduled");
  c.elapsed_days = NumberField(o, "elapsed");
  c.due_us = IntField(o, "due_us");
  c.last_review_us = IntField(o, "last_us");
  return c;
}

}  // namespace goclaw::memory
