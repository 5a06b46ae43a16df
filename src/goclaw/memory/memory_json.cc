// Memory values as JSON (memory_json.h).
#include "goclaw/memory/memory_json.h"

#include <boost/json/array.hpp>

#include "goclaw/core/time_text.h"

namespace goclaw::memory {
namespace {

boost::json::value TimeOrNull(std::int64_t us) {
  return us == 0 ? boost::json::value(nullptr) : boost::json::value(FormatUnixMicros(us));
}

}  // namespace

boost::json::object ItemJson(const MemoryItem& item, double retrievability, bool with_vector) {
  boost::json::object metadata;
  for (const auto& [k, v] : item.metadata) metadata[k] = v;
  boost::json::object provenance{{"workflow_id", item.provenance.workflow_id},
                                 {"task_id", item.provenance.task_id},
                                 {"source", item.provenance.source},
                                 {"trust", TrustName(item.provenance.trust)}};
  boost::json::object o{{"id", item.id},
                        {"session_id", item.session},
                        {"content", item.content},
                        {"metadata", std::move(metadata)},
                        {"provenance", std::move(provenance)},
                        {"created_at", TimeOrNull(item.created_at_us)},
                        {"has_vector", !item.vector.empty()},
                        {"vector_source", item.vector.empty() ? "none" : (item.vector_from_client ? "client" : "embedder")},
                        {"retrievability", retrievability},
                        {"strength", retrievability},
                        {"stability", item.card.stability},
                        {"difficulty", item.card.difficulty},
                        {"state", fsrs::StateName(item.card.state)},
                        {"reps", item.card.reps},
                        {"lapses", item.card.lapses},
                        {"last_review", TimeOrNull(item.card.last_review_us)},
                        {"due", TimeOrNull(item.card.due_us)}};
  if (!item.provenance.task_id.empty()) o["task_id"] = item.provenance.task_id;
  if (with_vector && !item.vector.empty()) {
    boost::json::array v;
    v.reserve(item.vector.size());
    for (float f : item.vector) v.emplace_back(static_cast<double>(f));
    o["vector"] = std::move(v);
  }
  return o;
}

boost::json::object HitJson(const Hit& hit, bool with_vector) {
  boost::json::object o{{"entry", ItemJson(hit.item, hit.retrievability, with_vector)}, {"score", hit.score}};
  if (hit.bm25_rank > 0) o["bm25_rank"] = hit.bm25_rank;
  if (hit.vector_rank > 0) o["vector_rank"] = hit.vector_rank;
  return o;
}

boost::json::object StatsJson(const SessionStats& s) {
  return {{"session_id", s.session},
          {"total_entries", s.items},
          {"average_strength", s.average_retrievability},
          {"average_retrievability", s.average_retrievability},
          {"weak_entries", s.weak},
          {"vectors", s.vectors},
          {"dimensions", s.dimensions},
          {"vector_index", s.vector_index},
          {"terms", s.terms},
          {"bytes", s.bytes},
          {"states",
           {{"new", s.by_state[0]}, {"learning", s.by_state[1]}, {"review", s.by_state[2]}, {"relearning", s.by_state[3]}}}};
}

}  // namespace goclaw::memory
