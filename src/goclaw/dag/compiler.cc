// Graph checks, topological layering and critical path.
#include "goclaw/dag/compiler.h"

#include <algorithm>
#include <array>
#include <bit>
#include <functional>
#include <string>

#include "goclaw/core/document.h"
#include "goclaw/core/suggest.h"

namespace goclaw::dag {
namespace {

using Index = Plan::Index;
constexpr Index kNone = ~Index{0};

// Cycles and unknown-dependency suggestions are bounded so that a spec with a million broken
// references still gets a prompt answer.
constexpr std::size_t kMaxCyclesReported = 10;
constexpr std::size_t kMaxSuggestions = 20;
// Longer cycles are shown with their middle elided.
constexpr std::size_t kCycleHead = 10;
constexpr std::size_t kCycleTail = 5;

std::size_t HashId(std::string_view id) { return std::hash<std::string_view>{}(id); }

// A slot of the id index holds (hash tag << 32) | (index + 1); 0 is an empty slot. The tag
// (high hash bits, which do not pick the slot) lets a probe skip most non-matching slots
// without touching the task's id, which is a cache miss on large specs.
constexpr std::uint64_t kTagMask = 0xffffffff00000000ull;
std::uint64_t SlotTag(std::size_t hash) { return static_cast<std::uint64_t>(hash) & kTagMask; }

}  // namespace

// Builds a Plan's arrays; a friend of Plan. Problems go to `diag`.
class PlanBuilder {
 public:
  PlanBuilder(std::shared_ptr<const WorkflowSpec> spec, Diagnostics& diag)
      : spec_(*spec), diag_(diag) {
    plan_.spec_ = std::move(spec);
  }

  std::optional<Plan> Build() {
    const std::size_t errors_before = diag_.count();
    BuildIdIndex();
    ResolveDependencies();
    BuildDownstream();
    if (diag_.count() != errors_before) return std::nullopt;
    if (!Layer()) {
      ReportCycles();
      return std::nullopt;
    }
    ComputeCriticalPath();
    return std::move(plan_);
  }

 private:
  std::size_t n() const { return spec_.tasks.size(); }

  static std::string DependencyPath(Index task, std::size_t k) {
    return IndexPath(JoinPath(IndexPath("tasks", task), "depends_on"), k);
  }

  // Open addressing with linear probing; see Plan::id_slots_ for the slot layout.
  void BuildIdIndex() {
    std::size_t size = std::bit_ceil(std::max<std::size_t>(2 * n(), 8));
    plan_.id_slots_.assign(size, 0);
    const std::size_t mask = size - 1;
    for (Index i = 0; i < n(); ++i) {
      const std::string& id = spec_.tasks[i].id;
      if (id.empty()) continue;  // reported by the decoder
      const std::size_t hash = HashId(id);
      const std::uint64_t tag = SlotTag(hash);
      for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
        std::uint64_t occupant = plan_.id_slots_[slot];
        if (occupant == 0) {
          plan_.id_slots_[slot] = tag | (i + 1);
          break;
        }
        Index other = static_cast<Index>(occupant) - 1;
        if ((occupant & kTagMask) == tag && spec_.tasks[other].id == id) {
          diag_.Add(JoinPath(IndexPath("tasks", i), "id"),
                    "duplicate task id \"" + id + "\" (first used by tasks[" +
                        std::to_string(other) + "])");
          break;
        }
      }
    }
  }

  // Resolves every dependency name to a task index, in spec order. On large specs each lookup
  // is two cache misses (the id slot, then the task's id to confirm), so lookups are
  // pipelined: names kLookahead ahead are hashed and their slots prefetched, and for names
  // half as far ahead the matching task is prefetched once its slot has arrived.
  void ResolveDependencies() {
    std::size_t edges = 0;
    for (const TaskSpec& t : spec_.tasks) edges += t.depends_on.size();
    plan_.up_offsets_.reserve(n() + 1);
    plan_.up_edges_.reserve(edges);
    plan_.up_offsets_.push_back(0);

    constexpr std::size_t kLookahead = 16;
    struct Pending {
      const std::string* name;
      std::size_t hash;
    };
    std::array<Pending, kLookahead> ring{};
    DependencyCursor ahead(spec_.tasks);
    std::size_t filled = 0;
    auto fill = [&]() {
      const std::string* name = ahead.Next();
      if (name == nullptr) return;
      std::size_t hash = HashId(*name);
      __builtin_prefetch(&plan_.id_slots_[hash & (plan_.id_slots_.size() - 1)]);
      ring[filled++ % kLookahead] = {name, hash};
    };
    for (std::size_t e = 0; e < kLookahead && e < edges; ++e) fill();

    std::vector<Index> seen_in_task;  // for duplicate detection in long dependency lists
    std::size_t consumed = 0;
    for (Index i = 0; i < n(); ++i) {
      const TaskSpec& t = spec_.tasks[i];
      const std::size_t first_edge = plan_.up_edges_.size();
      for (std::size_t k = 0; k < t.depends_on.size(); ++k) {
        if (consumed + kLookahead / 2 < filled) {
          PrefetchTask(ring[(consumed + kLookahead / 2) % kLookahead].hash);
        }
        const Pending& p = ring[consumed++ % kLookahead];
        const std::string& dep = *p.name;
        std::optional<Index> j = plan_.FindHashed(dep, p.hash);
        fill();
        if (!j) {
          ReportUnknown(DependencyPath(i, k), dep);
        } else if (*j == i) {
          diag_.Add(DependencyPath(i, k), "task \"" + t.id + "\" depends on itself");
        } else if (IsDuplicate(first_edge, *j, t.depends_on.size(), seen_in_task)) {
          diag_.Add(DependencyPath(i, k), "duplicate dependency \"" + dep + "\"");
        } else {
          plan_.up_edges_.push_back(*j);
        }
      }
      plan_.up_offsets_.push_back(static_cast<Index>(plan_.up_edges_.size()));
    }
    plan_.up_edges_.shrink_to_fit();
  }

  // Prefetches the task in the first slot whose tag matches `hash` (usually the only one).
  void PrefetchTask(std::size_t hash) const {
    const std::size_t mask = plan_.id_slots_.size() - 1;
    std::uint64_t occupant = plan_.id_slots_[hash & mask];
    if (occupant != 0 && (occupant & kTagMask) == SlotTag(hash)) {
      __builtin_prefetch(&spec_.tasks[static_cast<Index>(occupant) - 1]);
    }
  }

  // Walks all dependency names of all tasks in spec order.
  class DependencyCursor {
   public:
    explicit DependencyCursor(const std::vector<TaskSpec>& tasks) : tasks_(tasks) {}
    const std::string* Next() {
      while (task_ < tasks_.size() && k_ >= tasks_[task_].depends_on.size()) {
        ++task_;
        k_ = 0;
      }
      return task_ < tasks_.size() ? &tasks_[task_].depends_on[k_++] : nullptr;
    }

   private:
    const std::vector<TaskSpec>& tasks_;
    std::size_t task_ = 0;
    std::size_t k_ = 0;
  };

  // Whether `j` is already among this task's resolved dependencies. Short lists are scanned;
  // long ones use a sorted copy, so a task with 10k dependencies stays O(d log d).
  bool IsDuplicate(std::size_t first_edge, Index j, std::size_t total,
                   std::vector<Index>& sorted) {
    auto begin = plan_.up_edges_.begin() + static_cast<std::ptrdiff_t>(first_edge);
    if (total <= 32) return std::find(begin, plan_.up_edges_.end(), j) != plan_.up_edges_.end();
    if (begin == plan_.up_edges_.end()) sorted.clear();
    auto it = std::lower_bound(sorted.begin(), sorted.end(), j);
    if (it != sorted.end() && *it == j) return true;
    sorted.insert(it, j);
    return false;
  }

  void ReportUnknown(const std::string& path, const std::string& dep) {
    std::string msg = "unknown task \"" + dep + "\"";
    if (suggestions_++ < kMaxSuggestions) {
      std::vector<std::string_view> ids;
      ids.reserve(n());
      for (const TaskSpec& t : spec_.tasks) ids.push_back(t.id);
      msg += DidYouMean(dep, ids);
    }
    diag_.Add(path, std::move(msg));
  }

  void BuildDownstream() {
    std::vector<Index>& offsets = plan_.down_offsets_;
    offsets.assign(n() + 1, 0);
    for (Index e : plan_.up_edges_) ++offsets[e + 1];
    for (std::size_t i = 0; i < n(); ++i) offsets[i + 1] += offsets[i];
    plan_.down_edges_.resize(plan_.up_edges_.size());
    std::vector<Index> fill(offsets.begin(), offsets.end() - 1);
    for (Index i = 0; i < n(); ++i) {
      for (Index dep : plan_.upstream(i)) plan_.down_edges_[fill[dep]++] = i;
    }
  }

  // Kahn's algorithm, one layer at a time. Returns false when some tasks are on or behind a
  // cycle; `pending_` then holds their remaining in-degrees.
  bool Layer() {
    pending_.resize(n());
    plan_.topo_order_.reserve(n());
    plan_.layer_of_.assign(n(), 0);
    plan_.layer_offsets_.push_back(0);
    for (Index i = 0; i < n(); ++i) {
      pending_[i] = plan_.up_offsets_[i + 1] - plan_.up_offsets_[i];
      if (pending_[i] == 0) plan_.topo_order_.push_back(i);
    }
    std::size_t layer_begin = 0;
    Index layer = 0;
    while (layer_begin < plan_.topo_order_.size()) {
      std::size_t layer_end = plan_.topo_order_.size();
      plan_.layer_offsets_.push_back(static_cast<Index>(layer_end));
      for (std::size_t p = layer_begin; p < layer_end; ++p) {
        Index u = plan_.topo_order_[p];
        plan_.layer_of_[u] = layer;
        for (Index v : plan_.downstream(u)) {
          if (--pending_[v] == 0) plan_.topo_order_.push_back(v);
        }
      }
      auto next = plan_.topo_order_.begin() + static_cast<std::ptrdiff_t>(layer_end);
      std::sort(next, plan_.topo_order_.end());
      layer_begin = layer_end;
      ++layer;
    }
    return plan_.topo_order_.size() == n();
  }

  // Every task left after layering waits on at least one other task that is also left, so
  // following such dependencies from any of them must reach a task a second time: the part of
  // the walk from its first visit on is a cycle. Walks share `walk_of` so each task is
  // visited once overall and cycles already reported are not reported again.
  void ReportCycles() {
    std::vector<Index> walk_of(n(), kNone);
    std::vector<Index> step_of(n(), 0);
    std::vector<Index> walk;
    std::size_t reported = 0;
    std::size_t stuck = 0;
    for (Index i = 0; i < n(); ++i) stuck += pending_[i] > 0 ? 1 : 0;
    for (Index start = 0; start < n() && reported < kMaxCyclesReported; ++start) {
      if (pending_[start] == 0 || walk_of[start] != kNone) continue;
      walk.clear();
      Index u = start;
      while (walk_of[u] == kNone) {
        walk_of[u] = start;
        step_of[u] = static_cast<Index>(walk.size());
        walk.push_back(u);
        Index next = kNone;
        for (Index dep : plan_.upstream(u)) {
          if (pending_[dep] > 0) {
            next = dep;
            break;
          }
        }
        u = next;  // never kNone: see the comment above
      }
      if (walk_of[u] != start) continue;  // joined a walk that was already reported
      std::vector<Index> cycle(walk.begin() + step_of[u], walk.end());
      ReportCycle(cycle, stuck);
      ++reported;
    }
  }

  void ReportCycle(std::vector<Index>& cycle, std::size_t stuck) {
    // Start at the task that comes first in the spec, so the report is stable.
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
    std::string text;
    auto append = [&](Index t) {
      if (!text.empty()) text += " -> ";
      text += spec_.tasks[t].id;
    };
    if (cycle.size() <= kCycleHead + kCycleTail + 1) {
      for (Index t : cycle) append(t);
    } else {
      for (std::size_t k = 0; k < kCycleHead; ++k) append(cycle[k]);
      text += " -> ... (" + std::to_string(cycle.size() - kCycleHead - kCycleTail) +
              " more tasks) ...";
      for (std::size_t k = cycle.size() - kCycleTail; k < cycle.size(); ++k) append(cycle[k]);
    }
    append(cycle.front());
    Index first = cycle.front();
    Index second = cycle.size() > 1 ? cycle[1] : first;
    // Point at the dependency of the first task that closes the cycle.
    std::size_t k = 0;
    const TaskSpec& t = spec_.tasks[first];
    for (; k < t.depends_on.size(); ++k) {
      if (t.depends_on[k] == spec_.tasks[second].id) break;
    }
    diag_.Add(DependencyPath(first, k),
              "dependency cycle: " + text + " (" + std::to_string(cycle.size()) +
                  (cycle.size() == 1 ? " task" : " tasks") + "; \"a -> b\" means a depends on b; " +
                  std::to_string(stuck) + " tasks cannot run)");
  }

  // Longest path by estimate, in topological order.
  void ComputeCriticalPath() {
    std::vector<double> finish(n(), 0.0);
    std::vector<Index> best_pred(n(), kNone);
    Index end = kNone;
    double best = -1;
    for (Index u : plan_.topo_order_) {
      double start = 0;
      for (Index dep : plan_.upstream(u)) {
        if (best_pred[u] == kNone || finish[dep] > start) {
          start = finish[dep];
          best_pred[u] = dep;
        }
      }
      finish[u] = start + spec_.tasks[u].estimate;
      if (finish[u] > best) {
        best = finish[u];
        end = u;
      }
    }
    for (Index u = end; u != kNone; u = best_pred[u]) plan_.critical_path_.push_back(u);
    std::reverse(plan_.critical_path_.begin(), plan_.critical_path_.end());
    plan_.critical_path_length_ = best < 0 ? 0 : best;
  }

  const WorkflowSpec& spec_;
  Diagnostics& diag_;
  Plan plan_;
  std::vector<Index> pending_;
  std::size_t suggestions_ = 0;
};

std::optional<Plan::Index> Plan::Find(std::string_view id) const {
  if (id_slots_.empty()) return std::nullopt;
  return FindHashed(id, HashId(id));
}

std::optional<Plan::Index> Plan::FindHashed(std::string_view id, std::size_t hash) const {
  const std::size_t mask = id_slots_.size() - 1;
  const std::uint64_t tag = SlotTag(hash);
  for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    std::uint64_t occupant = id_slots_[slot];
    if (occupant == 0) return std::nullopt;
    Index index = static_cast<Index>(occupant) - 1;
    if ((occupant & kTagMask) == tag && spec_->tasks[index].id == id) return index;
  }
}

std::size_t Plan::max_layer_width() const {
  std::size_t width = 0;
  for (std::size_t k = 0; k < layer_count(); ++k) width = std::max(width, layer(k).size());
  return width;
}

std::size_t Plan::MemoryBytes() const {
  auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  return sizeof(Plan) + bytes(up_offsets_) + bytes(up_edges_) + bytes(down_offsets_) +
         bytes(down_edges_) + bytes(topo_order_) + bytes(layer_offsets_) + bytes(layer_of_) +
         bytes(critical_path_) + bytes(id_slots_);
}

std::optional<Plan> CompileInto(std::shared_ptr<const WorkflowSpec> spec, Diagnostics& diag) {
  if (spec->tasks.size() >= kNone) {
    diag.Add("tasks", "too many tasks");
    return std::nullopt;
  }
  if (spec->tasks.empty()) {
    diag.Add("tasks", "must contain at least one task");
    return std::nullopt;
  }
  PlanBuilder builder(std::move(spec), diag);
  return builder.Build();
}

Result<Plan> Compile(std::shared_ptr<const WorkflowSpec> spec) {
  Diagnostics diag;
  std::optional<Plan> plan = CompileInto(std::move(spec), diag);
  if (!plan) return MakeError(diag.ToError("workflow"));
  return std::move(*plan);
}

}  // namespace goclaw::dag
