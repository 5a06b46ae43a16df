// The goclaw_store_* families.
#include "goclaw/store/store_metrics.h"

namespace goclaw::store {

metrics::Collector StoreCollector(const Store& store, std::function<bool()> healthy) {
  return [&store, healthy = std::move(healthy)](metrics::TextWriter& w) {
    const StoreStats s = store.Stats();
    auto one = [&](std::string_view name, std::string_view type, std::string_view help, double v) {
      w.Family(name, type, help);
      w.Sample(name, {{"kind", s.kind}}, v);
    };
    one("goclaw_store_healthy", "gauge", "1 while the store accepts writes, 0 after a failed write until the next good one.",
        healthy() ? 1 : 0);
    one("goclaw_store_commits_total", "counter", "Commits written (each submit, cancel or shard journal flush).",
        static_cast<double>(s.commits));
    one("goclaw_store_batches_total", "counter", "Group-commit writes (with sync_mode batch: fsyncs).",
        static_cast<double>(s.batches));
    one("goclaw_store_records_total", "counter", "Records written.", static_cast<double>(s.records));
    one("goclaw_store_failed_batches_total", "counter", "Writes that failed (nothing of them applied).",
        static_cast<double>(s.failed_batches));
    one("goclaw_store_max_batch_commits", "gauge", "The most commits one write carried.",
        static_cast<double>(s.max_batch_commits));
    w.Family("goclaw_store_commit_seconds", "histogram", "From a commit's arrival to durable, seconds.");
    w.Histogram("goclaw_store_commit_seconds", {{"kind", s.kind}}, s.commit_latency);
    w.Family("goclaw_store_write_seconds", "histogram", "One group-commit write with its fsync, seconds.");
    w.Histogram("goclaw_store_write_seconds", {{"kind", s.kind}}, s.write_latency);
  };
}

}  // namespace goclaw::store
