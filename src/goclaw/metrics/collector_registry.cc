// The collector registry and the process collector.
#include "goclaw/metrics/collector_registry.h"

#include <algorithm>

#include "goclaw/core/check.h"
#include "goclaw/metrics/process_stats.h"

namespace goclaw::metrics {

void CollectorRegistry::Add(std::string name, Collector collector) {
  GOCLAW_CHECK(collector != nullptr);
  std::lock_guard lock(mu_);
  const bool taken = std::any_of(collectors_.begin(), collectors_.end(),
                                 [&](const auto& c) { return c.first == name; });
  GOCLAW_CHECK(!taken);
  collectors_.emplace_back(std::move(name), std::move(collector));
}

void CollectorRegistry::Collect(TextWriter& w) const {
  std::vector<std::pair<std::string, Collector>> collectors;
  {
    std::lock_guard lock(mu_);
    collectors = collectors_;  // call out without the lock: a collector may take its own
  }
  for (const auto& [name, collect] : collectors) collect(w);
}

std::string CollectorRegistry::Text() const {
  TextWriter w;
  Collect(w);
  return w.Take();
}

std::vector<std::string> CollectorRegistry::names() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  out.reserve(collectors_.size());
  for (const auto& c : collectors_) out.push_back(c.first);
  return out;
}

Collector ProcessCollector(std::string version) {
  return [version = std::move(version)](TextWriter& w) {
    w.Family("goclaw_build_info", "gauge", "Always 1; the version is a label.");
    w.Sample("goclaw_build_info", {{"version", version}}, 1);
    auto p = ReadProcessStats();
    if (!p) return;  // not Linux: no process metrics rather than wrong ones
    auto one = [&](std::string_view name, std::string_view type, std::string_view help, double v) {
      w.Family(name, type, help);
      w.Sample(name, {}, v);
    };
    one("goclaw_process_resident_memory_bytes", "gauge", "Resident set size.", static_cast<double>(p->resident_bytes));
    one("goclaw_process_virtual_memory_bytes", "gauge", "Virtual memory size.", static_cast<double>(p->virtual_bytes));
    one("goclaw_process_cpu_seconds_total", "counter", "User and system CPU time.", p->cpu_seconds);
    one("goclaw_process_threads", "gauge", "Threads.", static_cast<double>(p->threads));
    one("goclaw_process_open_fds", "gauge", "Open file descriptors.", static_cast<double>(p->open_fds));
    one("goclaw_process_start_time_seconds", "gauge", "Start time, Unix seconds.", p->start_time_seconds);
  };
}

}  // namespace goclaw::metrics
