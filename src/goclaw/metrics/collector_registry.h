// The collectors behind /metrics. Each module that measures something contributes one
// Collector — a callable that appends its metric families to a TextWriter — and the server's
// wiring registers it here (server/runtime.cc, server/server.cc); the /metrics route writes
// every registered collector, in registration order, and knows none of them. So a module's
// new metrics touch only that module and the wiring.
//
//   CollectorRegistry registry;
//   registry.Add("lanes", lane::LaneCollector(engine.lanes()));
//   std::string body = registry.Text();
//
// A collector must write whole families (TextWriter::Family, then its samples) and use names no
// other collector uses; it runs on the scraping thread and may block briefly (the engine's
// visits every shard).
//
// Thread-safety: Add and Collect from any thread. Collectors are called without the registry's
// lock held, and must stay callable while the registry is in use (their owners outlive it or
// are registered by whoever owns both).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goclaw/metrics/text_format.h"

namespace goclaw::metrics {

using Collector = std::function<void(TextWriter&)>;

class CollectorRegistry {
 public:
  CollectorRegistry() = default;
  CollectorRegistry(const CollectorRegistry&) = delete;
  CollectorRegistry& operator=(const CollectorRegistry&) = delete;

  // `name` says whose metrics these are ("engine", "lanes", "store", "http"); registering a
  // name twice is a wiring bug (GOCLAW_CHECK).
  void Add(std::string name, Collector collector);
  // Every collector's families, in registration order.
  void Collect(TextWriter& w) const;
  // A whole scrape: Collect into a new writer.
  std::string Text() const;
  std::vector<std::string> names() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, Collector>> collectors_;
};

// goclaw_build_info{version} and the goclaw_process_* families (process_stats.h; none where
// /proc cannot be read, rather than wrong ones).
Collector ProcessCollector(std::string version);

}  // namespace goclaw::metrics
