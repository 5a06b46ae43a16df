// The memorize and recall builtin ops (memory_task_ops.h).
#include "goclaw/memory/memory_task_ops.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/array.hpp>

#include "goclaw/core/document.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/core/text.h"
#include "goclaw/core/time_text.h"

namespace goclaw::memory {
namespace {

// Keys each op accepts besides op and session (what DecodeNewItem / DecodeQuery read).
constexpr std::string_view kMemorizeKeys[] = {"content", "vector", "metadata", "source", "trust", "items"};
constexpr std::string_view kRecallKeys[] = {"query",  "text",          "vector",         "mode",      "top_k", "limit",
                                            "filters", "metadata", "created_after", "created_before", "min_trust", "review"};

void CheckSessionField(const boost::json::object& config, const std::string& path, Diagnostics& diag) {
  const auto* s = config.if_contains("session");
  if (s == nullptr) {
    diag.Add(JoinPath(path, "session"), "is required: the memory session (" + std::string(kSessionNameRule) + ")");
  } else if (!s->is_string()) {
    diag.Add(JoinPath(path, "session"), "expected a string, got " + DescribeJson(*s));
  } else if (!exec::IsPlaceholder(*s) && s->get_string().find("{{") == boost::json::string::npos &&
             !IsValidSessionName(s->get_string())) {
    diag.Add(JoinPath(path, "session"), "invalid session " + QuoteForMessage(std::string_view(s->get_string())) +
                                            "; expected " + std::string(kSessionNameRule));
  }
}

void CheckKeys(const boost::json::object& config, const std::string& path, std::span<const std::string_view> keys,
               std::string_view op, Diagnostics& diag) {
  for (const auto& [k, v] : config) {
    if (k == "op" || k == "session") continue;
    if (std::find(keys.begin(), keys.end(), std::string_view(k)) == keys.end()) {
      std::string accepted = "op, session";
      for (auto key : keys) accepted += ", " + std::string(key);
      diag.Add(JoinPath(path, std::string_view(k)), "unknown key for builtin op " + std::string(op) + "; accepted: " + accepted);
    }
  }
}

void CheckMemorize(const boost::json::object& config, const std::string& path, Diagnostics& diag) {
  CheckSessionField(config, path, diag);
  CheckKeys(config, path, kMemorizeKeys, "memorize", diag);
  if (!config.contains("content") && !config.contains("items")) {
    diag.Add(JoinPath(path, "content"), "is required: what to memorize (or items: a list of {content, ...})");
  }
}

void CheckRecall(const boost::json::object& config, const std::string& path, Diagnostics& diag) {
  CheckSessionField(config, path, diag);
  CheckKeys(config, path, kRecallKeys, "recall", diag);
  if (!config.contains("query") && !config.contains("text") && !config.contains("vector")) {
    diag.Add(JoinPath(path, "query"), "is required: what to recall (text), or a vector");
  }
}

exec::AttemptResult Invalid(const Diagnostics& diag, std::string_view what) {
  const Error e = diag.ToError(what);
  std::string message = e.message();
  for (const auto& d : e.details()) message += "; " + (d.path.empty() ? "" : d.path + ": ") + d.message;
  return exec::AttemptResult::Fail(ErrorCode::kInvalidArgument, message, false);
}

exec::AttemptResult FromError(const Error& e) {
  const bool retryable = e.code() == ErrorCode::kUnavailable || e.code() == ErrorCode::kDeadlineExceeded ||
                         e.code() == ErrorCode::kInternal;
  return exec::AttemptResult::Fail(e.code(), e.message(), retryable);
}

RequestLimits LimitsOf(const MemoryHub& hub) {
  return {.max_content_bytes = static_cast<std::size_t>(hub.config().max_content_bytes),
          .max_top_k = static_cast<std::size_t>(hub.config().max_top_k)};
}

boost::json::object WithoutOpAndSession(const boost::json::object& config) {
  boost::json::object rest = config;
  rest.erase("op");
  rest.erase("session");
  return rest;
}

exec::AttemptResult RunMemorize(MemoryHub& hub, const exec::Attempt& attempt) {
  const auto& config = attempt.config.get_object();
  const std::string session(config.at("session").get_string());
  const RequestLimits limits = LimitsOf(hub);
  Diagnostics diag;
  std::vector<NewItem> items;
  boost::json::object rest = WithoutOpAndSession(config);
  if (const auto* list = rest.if_contains("items")) {
    if (!list->is_array()) {
      diag.Add("config.items", "expected a list of {content, ...}, got " + DescribeJson(*list));
    } else {
      for (std::size_t i = 0; i < list->get_array().size(); ++i) {
        NewItem item;
        DecodeNewItem(list->get_array()[i], IndexPath("config.items", i), limits, &item, diag);
        items.push_back(std::move(item));
      }
    }
  } else {
    NewItem item;
    DecodeNewItem(rest, "config", limits, &item, diag);
    items.push_back(std::move(item));
  }
  if (!diag.empty()) return Invalid(diag, "the memorize config");
  for (NewItem& item : items) {
    item.provenance.workflow_id = attempt.workflow_id;
    item.provenance.task_id = attempt.task_id;
    if (item.provenance.source.empty()) item.provenance.source = "task";
  }
  auto ids = hub.Memorize(session, std::move(items));
  if (!ids) return FromError(ids.error());
  boost::json::array id_list;
  for (const auto& id : *ids) id_list.emplace_back(id);
  return exec::AttemptResult::Ok(boost::json::object{{"session", session}, {"id", (*ids)[0]}, {"ids", std::move(id_list)}});
}

exec::AttemptResult RunRecall(MemoryHub& hub, const exec::Attempt& attempt) {
  const auto& config = attempt.config.get_object();
  const std::string session(config.at("session").get_string());
  Diagnostics diag;
  Query query;
  query.top_k = 5;
  DecodeQuery(WithoutOpAndSession(config), "config", LimitsOf(hub), &query, diag);
  if (!diag.empty()) return Invalid(diag, "the recall config");
  auto hits = hub.Retrieve(session, query);
  if (!hits) return FromError(hits.error());
  boost::json::array results;
  std::string text;
  for (const Hit& h : *hits) {
    boost::json::object metadata;
    for (const auto& [k, v] : h.item.metadata) metadata[k] = v;
    results.push_back(boost::json::object{{"id", h.item.id},
                                          {"content", h.item.content},
                                          {"score", h.score},
                                          {"retrievability", h.retrievability},
                                          {"metadata", std::move(metadata)},
                                          {"trust", TrustName(h.item.provenance.trust)},
                                          {"created_at", FormatUnixMicros(h.item.created_at_us)}});
    if (!text.empty()) text += "\n\n";
    text += h.item.content;
  }
  const std::size_t count = results.size();
  return exec::AttemptResult::Ok(
      boost::json::object{{"session", session}, {"count", count}, {"results", std::move(results)}, {"text", std::move(text)}});
}

// The ops' threads: blocking hub calls run here; Shutdown waits for them.
struct Runner {
  explicit Runner(std::size_t threads) : pool(threads) {}
  boost::asio::thread_pool pool;
};

exec::BuiltinOp MakeOp(MemoryHub* hub, std::shared_ptr<Runner> runner, decltype(&CheckMemorize) check,
                       exec::AttemptResult (*run)(MemoryHub&, const exec::Attempt&)) {
  exec::BuiltinOp op;
  op.check = check;
  op.start = [hub, runner, check, run](exec::Attempt attempt, exec::AttemptDone done) {
    if (hub == nullptr) {
      done(exec::AttemptResult::Fail(ErrorCode::kFailedPrecondition, "memory is disabled on this server (memory.enabled)", false));
      return;
    }
    boost::asio::post(runner->pool, [hub, check, run, attempt = std::move(attempt), done = std::move(done)]() mutable {
      Diagnostics diag;
      if (!attempt.config.is_object()) {
        diag.Add("config", "expected an object");
      } else {
        check(attempt.config.get_object(), "config", diag);
      }
      if (diag.empty() && !attempt.config.get_object().at("session").is_string()) diag.Add("config.session", "expected a string");
      if (!diag.empty()) {
        done(Invalid(diag, "the task config"));
        return;
      }
      done(run(*hub, attempt));
    });
  };
  if (runner) op.shutdown = [runner] { runner->pool.join(); };
  return op;
}

}  // namespace

exec::BuiltinOps MemoryBuiltinOps(MemoryHub* hub, std::size_t threads) {
  auto runner = hub != nullptr ? std::make_shared<Runner>(threads) : nullptr;
  exec::BuiltinOps ops;
  ops.emplace("memorize", MakeOp(hub, runner, &CheckMemorize, &RunMemorize));
  ops.emplace("recall", MakeOp(hub, runner, &CheckRecall, &RunRecall));
  return ops;
}

}  // namespace goclaw::memory
