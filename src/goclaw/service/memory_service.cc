// The memory service (memory_service.h).
#include "goclaw/service/memory_service.h"

#include "goclaw/core/document.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/memory/memory_json.h"

namespace goclaw::service {

MemoryService::MemoryService(memory::MemoryHub& hub) : hub_(hub) {}

memory::RequestLimits MemoryService::limits() const {
  return {.max_content_bytes = static_cast<std::size_t>(hub_.config().max_content_bytes),
          .max_top_k = static_cast<std::size_t>(hub_.config().max_top_k)};
}

Result<boost::json::object> MemoryService::Memorize(std::string_view session, const boost::json::value& body) {
  Diagnostics diag;
  std::vector<memory::NewItem> items;
  const auto* o = body.if_object();
  const bool batch = o != nullptr && o->contains("items");
  if (batch) {
    ObjectReader r(body, "", diag, "the memorize request");
    const auto* list = r.Get("items");
    r.RejectUnknown();
    if (list != nullptr && !list->is_array()) {
      diag.Add("items", "expected a list of {content, vector?, metadata?}, got " + DescribeJson(*list));
    } else if (list != nullptr) {
      const auto& a = list->get_array();
      if (a.size() > static_cast<std::size_t>(hub_.config().max_batch)) {
        diag.Add("items", "has " + std::to_string(a.size()) + " items; at most " + std::to_string(hub_.config().max_batch) +
                              " are accepted (memory.max_batch)");
      } else {
        items.resize(a.size());
        for (std::size_t i = 0; i < a.size(); ++i) memory::DecodeNewItem(a[i], IndexPath("items", i), limits(), &items[i], diag);
      }
    }
  } else {
    items.emplace_back();
    memory::DecodeNewItem(body, "", limits(), &items[0], diag);
  }
  if (!diag.empty()) return MakeError(diag.ToError("memorize request"));
  for (auto& item : items) {
    if (item.provenance.source.empty()) item.provenance.source = "api";
  }
  GOCLAW_ASSIGN_OR_RETURN(auto ids, hub_.Memorize(session, std::move(items)));
  if (!batch) return boost::json::object{{"id", ids[0]}};
  boost::json::array list;
  for (auto& id : ids) list.emplace_back(id);
  return boost::json::object{{"ids", std::move(list)}};
}

Result<boost::json::array> MemoryService::Search(std::string_view session, const boost::json::value& body) {
  Diagnostics diag;
  memory::Query query;
  memory::DecodeQuery(body, "", limits(), &query, diag);
  if (!diag.empty()) return MakeError(diag.ToError("memory query"));
  return Search(session, query);
}

Result<boost::json::array> MemoryService::Search(std::string_view session, const memory::Query& query, bool with_vectors) {
  GOCLAW_ASSIGN_OR_RETURN(auto hits, hub_.Retrieve(session, query));
  boost::json::array out;
  out.reserve(hits.size());
  for (const auto& h : hits) out.emplace_back(memory::HitJson(h, with_vectors));
  return out;
}

Result<boost::json::object> MemoryService::Forget(std::string_view session, const boost::json::value& body) {
  Diagnostics diag;
  std::vector<std::string> ids;
  memory::Filter filter;
  {
    ObjectReader r(body, "", diag, "the forget request");
    if (const auto* list = r.Get("ids")) {
      const auto* a = list->if_array();
      if (a == nullptr) {
        diag.Add("ids", "expected a list of item ids, got " + DescribeJson(*list));
      } else {
        for (std::size_t i = 0; i < a->size(); ++i) {
          if (!(*a)[i].is_string()) {
            diag.Add(IndexPath("ids", i), "expected an item id (a string), got " + DescribeJson((*a)[i]));
          } else {
            ids.emplace_back((*a)[i].get_string());
          }
        }
        if (a->empty()) diag.Add("ids", "must name at least one item id");
      }
    }
    memory::DecodeFilter(r, &filter);
    r.RejectUnknown();
  }
  if (diag.empty() && ids.empty() && filter.empty()) {
    diag.Add("ids", "say what to forget: ids, or a filter (filters, created_after, created_before, min_trust); "
                    "DELETE /api/v1/memory/{session}/all forgets the whole session");
  }
  if (diag.empty() && !ids.empty() && !filter.empty()) diag.Add("ids", "give ids or a filter, not both");
  if (!diag.empty()) return MakeError(diag.ToError("forget request"));
  GOCLAW_ASSIGN_OR_RETURN(std::size_t n, ids.empty() ? hub_.ForgetMatching(session, filter) : hub_.Forget(session, ids));
  return boost::json::object{{"deleted", n}};
}

Result<boost::json::object> MemoryService::ForgetSession(std::string_view session) {
  GOCLAW_ASSIGN_OR_RETURN(std::size_t n, hub_.ForgetSession(session));
  return boost::json::object{{"deleted", n}};
}

Result<boost::json::object> MemoryService::ForgetWeak(std::string_view session, double threshold) {
  GOCLAW_ASSIGN_OR_RETURN(std::size_t n, hub_.ForgetWeak(session, threshold));
  return boost::json::object{{"deleted", n}, {"threshold", threshold}};
}

Result<boost::json::object> MemoryService::List(std::string_view session, std::size_t limit, std::size_t offset,
                                                bool with_vectors) {
  GOCLAW_ASSIGN_OR_RETURN(auto page, hub_.List(session, limit, offset));
  boost::json::array entries;
  for (const auto& item : page.items) entries.emplace_back(memory::ItemJson(item, hub_.RetrievabilityNow(item), with_vectors));
  return boost::json::object{{"entries", std::move(entries)}, {"total", page.total}, {"limit", limit}, {"offset", offset}};
}

Result<boost::json::object> MemoryService::Get(std::string_view session, std::string_view id, bool with_vectors) {
  GOCLAW_ASSIGN_OR_RETURN(auto item, hub_.Get(session, id));
  if (!item) return MakeError(ErrorCode::kNotFound, "no memory item " + std::string(id) + " in session " + std::string(session));
  return memory::ItemJson(*item, hub_.RetrievabilityNow(*item), with_vectors);
}

Result<boost::json::object> MemoryService::Stats(std::string_view session) {
  GOCLAW_ASSIGN_OR_RETURN(auto stats, hub_.Stats(session));
  return memory::StatsJson(stats);
}

boost::json::object MemoryService::Sessions() {
  boost::json::array sessions;
  std::size_t items = 0;
  for (const auto& s : hub_.Sessions()) {
    sessions.push_back(boost::json::object{{"session_id", s.session}, {"entries", s.items}});
    items += s.items;
  }
  const std::size_t count = sessions.size();
  return {{"sessions", std::move(sessions)}, {"session_count", count}, {"total_entries", items}};
}

}  // namespace goclaw::service
