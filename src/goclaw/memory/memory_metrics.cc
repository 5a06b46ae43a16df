// The memory hub's metrics (memory_metrics.h).
#include "goclaw/memory/memory_metrics.h"

#include "goclaw/memory/memory_query.h"

namespace goclaw::memory {

metrics::Collector MemoryCollector(MemoryHub& hub) {
  return [&hub](metrics::TextWriter& w) {
    const HubStats t = hub.Totals();
    auto gauge = [&w](const char* name, const char* help, double v) {
      w.Family(name, "gauge", help);
      w.Sample(name, {}, v);
    };
    auto counter = [&w](const char* name, const char* help, double v) {
      w.Family(name, "counter", help);
      w.Sample(name, {}, v);
    };
    gauge("goclaw_memory_sessions", "Memory sessions holding items.", static_cast<double>(t.sessions));
    gauge("goclaw_memory_items", "Memory items held.", static_cast<double>(t.items));
    gauge("goclaw_memory_vectors", "Memory items with a vector (in the vector indexes).", static_cast<double>(t.vectors));
    gauge("goclaw_memory_terms", "Distinct terms in the BM25 indexes, summed over sessions.", static_cast<double>(t.terms));
    gauge("goclaw_memory_bytes", "Estimated heap bytes of the items and their indexes.", static_cast<double>(t.bytes));
    gauge("goclaw_memory_load_seconds", "How long reading the items back and rebuilding the indexes took at start.",
          t.load_seconds);
    counter("goclaw_memory_memorized_total", "Items memorized.", static_cast<double>(t.memorized));
    counter("goclaw_memory_forgotten_total", "Items forgotten.", static_cast<double>(t.forgotten));
    counter("goclaw_memory_reviews_total", "FSRS reviews recorded by retrievals.", static_cast<double>(t.reviews));
    w.Family("goclaw_memory_retrieve_seconds", "histogram", "Retrieval latency in the hub, by mode.");
    for (int m = 0; m < 3; ++m) {
      w.Histogram("goclaw_memory_retrieve_seconds", {{"mode", std::string(ModeName(static_cast<Mode>(m)))}},
                  t.retrieve_latency[m]);
    }
  };
}

}  // namespace goclaw::memory
