// The signals and sessions sections: decoding, checks and encoding (sessions_schema.h).
#include "goclaw/config/sessions_schema.h"

#include <algorithm>
#include <map>

#include "goclaw/core/text.h"

namespace goclaw::config {
namespace {

constexpr std::int64_t kMaxCap = 100000;
constexpr std::string_view kPatternExamples =
    "a session key such as \"chat:alice\" or a prefix followed by '*' such as \"chat:*\"";
constexpr std::string_view kSummarizeExample = "{type: function, config: {name: merge_inputs}}";

template <typename E, std::size_t N>
E FromName(std::string_view name, const std::string_view (&names)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return static_cast<E>(0);
}

bool IsSessionKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
         c == '_' || c == '-' || c == '.' || c == '@' || c == '/';
}

// `workflow`: a non-empty path or an object; anything else names both forms.
void DecodeWorkflow(ObjectReader& r, SessionKindConfig* kind) {
  const boost::json::value* w = r.Get("workflow");
  if (w == nullptr) {
    if (r.is_object()) r.diag().Add(r.PathOf("workflow"), "is required");
    return;
  }
  const bool path = w->is_string() && !w->get_string().empty();
  if (!path && !w->is_object()) {
    r.diag().Add(r.PathOf("workflow"),
                 "expected the path of a workflow spec file (a string) or an inline workflow spec "
                 "(an object with tasks), got " + DescribeJson(*w));
    return;
  }
  kind->workflow = *w;
}

// `summarize`: a task spec object with a type; required exactly when drop is summarize.
void DecodeSummarize(ObjectReader& r, bool drop_known, SessionKindConfig* kind) {
  const boost::json::value* s = r.Get("summarize");
  const bool wanted = kind->drop == DropPolicy::kSummarize;
  if (s == nullptr) {
    if (wanted) {
      r.diag().Add(r.PathOf("summarize"), "is required when drop is summarize (the task that merges "
                                          "the waiting inputs, such as " +
                                              std::string(kSummarizeExample) + ")");
    }
    return;
  }
  if (!wanted) {
    if (drop_known) {
      r.diag().Add(r.PathOf("summarize"), "is only used when drop is summarize (drop is " +
                                              std::string(DropPolicyName(kind->drop)) + ")");
    }
    return;
  }
  const boost::json::object* task = s->if_object();
  const boost::json::value* type = task != nullptr ? task->if_contains("type") : nullptr;
  if (type == nullptr || !type->is_string() || type->get_string().empty()) {
    r.diag().Add(r.PathOf("summarize"), "expected a task with a type, such as " +
                                            std::string(kSummarizeExample) + ", got " +
                                            (task == nullptr ? DescribeJson(*s) : "an object without a type"));
    return;
  }
  kind->summarize = *s;
}

SessionKindConfig DecodeKind(const boost::json::value& v, const std::string& path, Diagnostics& diag) {
  SessionKindConfig kind;
  ObjectReader r(v, path, diag, "a session kind");
  if (!r.is_object()) return kind;
  if (r.String("match", &kind.match, /*required=*/true) && r.Has("match")) {
    if (std::string problem = SessionPatternProblem(kind.match); !problem.empty()) {
      diag.Add(r.PathOf("match"), problem);
    }
  }
  DecodeWorkflow(r, &kind);
  std::string mode(QueueModeName(kind.queue_mode));
  if (r.Enum("queue_mode", &mode, kQueueModes)) kind.queue_mode = FromName<QueueMode>(mode, kQueueModes);
  r.Int("cap", &kind.cap, 1, kMaxCap);
  std::string drop(DropPolicyName(kind.drop));
  const bool drop_known = r.Enum("drop", &drop, kDropPolicies);
  if (drop_known) kind.drop = FromName<DropPolicy>(drop, kDropPolicies);
  r.Duration("debounce", &kind.debounce);
  DecodeSummarize(r, drop_known, &kind);
  return kind;
}

}  // namespace

std::string_view QueueModeName(QueueMode m) { return kQueueModes[static_cast<int>(m)]; }
std::string_view DropPolicyName(DropPolicy p) { return kDropPolicies[static_cast<int>(p)]; }

bool IsValidSessionKey(std::string_view key) {
  return !key.empty() && key.size() <= kMaxSessionKeyLength &&
         std::all_of(key.begin(), key.end(), IsSessionKeyChar);
}

std::string SessionPatternProblem(std::string_view pattern) {
  if (pattern.empty()) return "must not be empty; use " + std::string(kPatternExamples);
  const std::string_view prefix = pattern.back() == '*' ? pattern.substr(0, pattern.size() - 1) : pattern;
  if (prefix.find('*') != std::string_view::npos) {
    return "'*' may only end a pattern (" + std::string(kPatternExamples) + "), got " +
           QuoteForMessage(pattern);
  }
  if (prefix.size() > kMaxSessionKeyLength) {
    return "is longer than " + std::to_string(kMaxSessionKeyLength) + " characters (no session key could match)";
  }
  auto bad = std::find_if_not(prefix.begin(), prefix.end(), IsSessionKeyChar);
  if (bad != prefix.end()) {
    return "invalid pattern " + QuoteForMessage(pattern) + ": " + DescribeByte(*bad) +
           " can never be in a session key; " + std::string(kSessionKeyRule);
  }
  return "";
}

void DecodeSignals(const boost::json::value& v, SignalsConfig* out, Diagnostics& diag) {
  ObjectReader r(v, "signals", diag, "the signals section");
  if (r.Duration("pending_ttl", &out->pending_ttl) && r.Has("pending_ttl") &&
      out->pending_ttl < Millis(1000)) {
    diag.Add("signals.pending_ttl", "must be at least 1s (a signal must live long enough to be delivered)");
  }
  r.Int("max_payload_bytes", &out->max_payload_bytes, 1, 64LL << 20);
  r.Duration("interrupt_grace", &out->interrupt_grace);
  r.Int("max_per_workflow", &out->max_per_workflow, 1, 10000000);
}

void DecodeSessions(const boost::json::value& v, std::vector<SessionKindConfig>* out, Diagnostics& diag) {
  const boost::json::array* arr = v.if_array();
  if (arr == nullptr) {
    diag.Add("sessions", "expected a list of session kinds such as [{match: \"chat:*\", workflow: "
                         "chat.yaml}], got " + DescribeJson(v));
    return;
  }
  out->clear();
  for (std::size_t i = 0; i < arr->size(); ++i) {
    out->push_back(DecodeKind((*arr)[i], IndexPath("sessions", i), diag));
  }
}

void ValidateSessions(const std::vector<SessionKindConfig>& kinds, Diagnostics& diag) {
  std::map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i].match.empty()) continue;  // reported by the decoder
    auto [it, inserted] = first.emplace(kinds[i].match, i);
    if (!inserted) {
      diag.Add(JoinPath(IndexPath("sessions", i), "match"),
               "duplicate pattern " + QuoteForMessage(kinds[i].match) + " (first used by sessions[" +
                   std::to_string(it->second) + "])");
    }
  }
}

boost::json::object EncodeSignals(const SignalsConfig& s) {
  return {{"pending_ttl", FormatDuration(s.pending_ttl)},
          {"max_payload_bytes", s.max_payload_bytes},
          {"interrupt_grace", FormatDuration(s.interrupt_grace)},
          {"max_per_workflow", s.max_per_workflow}};
}

boost::json::array EncodeSessions(const std::vector<SessionKindConfig>& kinds) {
  boost::json::array out;
  for (const SessionKindConfig& k : kinds) {
    boost::json::object o{{"match", k.match},
                          {"workflow", k.workflow},
                          {"queue_mode", QueueModeName(k.queue_mode)},
                          {"cap", k.cap},
                          {"drop", DropPolicyName(k.drop)},
                          {"debounce", FormatDuration(k.debounce)}};
    if (!k.summarize.is_null()) o["summarize"] = k.summarize;
    out.emplace_back(std::move(o));
  }
  return out;
}

}  // namespace goclaw::config
