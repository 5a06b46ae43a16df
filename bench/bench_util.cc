// Benchmark helpers.
#include "bench_util.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <string>

namespace goclaw::bench {
namespace {

double StatusFieldMb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(status, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size())) / 1024.0;
  }
  return 0;
}

}  // namespace

double RssMb() { return StatusFieldMb("VmRSS"); }
double PeakRssMb() { return StatusFieldMb("VmHWM"); }

std::shared_ptr<dag::WorkflowSpec> RandomLayeredDag(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto spec = std::make_shared<dag::WorkflowSpec>();
  spec->name = "random";
  spec->tasks.resize(n);
  std::size_t width = std::max<std::size_t>(8, static_cast<std::size_t>(std::sqrt(double(n))));
  for (std::size_t i = 0; i < n; ++i) {
    dag::TaskSpec& t = spec->tasks[i];
    t.id = "task-" + std::to_string(i);
    std::size_t layer = i / width;
    if (layer == 0) continue;
    std::size_t lo = layer >= 3 ? (layer - 3) * width : 0;
    std::size_t hi = layer * width;  // exclusive
    for (int d = 0; d < 3; ++d) {
      std::string dep = "task-" + std::to_string(lo + rng() % (hi - lo));
      if (std::find(t.depends_on.begin(), t.depends_on.end(), dep) == t.depends_on.end()) {
        t.depends_on.push_back(std::move(dep));
      }
    }
  }
  return spec;
}

config::LaneConfig UnboundedLane(std::string name) {
  config::LaneConfig lane;
  lane.name = std::move(name);
  lane.max_concurrency = 1 << 20;
  lane.capacity = 1 << 22;
  return lane;
}

}  // namespace goclaw::bench
