// An immutable, compiled workflow: the DAG in compact arrays, ready for scheduling.
//
// Tasks are identified by their index in `spec().tasks` (uint32). Adjacency is stored in CSR
// form (offsets + flat edge arrays) in both directions, so walking a task's upstream or
// downstream costs one contiguous read. The plan also holds a deterministic topological order
// grouped into layers (layer k = tasks whose longest dependency chain has k edges; all tasks of
// a layer can run in parallel), the critical ("hot") path by `estimate`, and an id index.
//
// Memory: about 32 bytes per task + 8 per edge + 4 per layer and per critical-path task,
// not counting the spec (see docs/design/dag.md).
//
// Thread-safety: immutable after construction; share freely (copies share the spec).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "goclaw/dag/spec.h"

namespace goclaw::dag {

class Plan {
 public:
  using Index = std::uint32_t;

  const WorkflowSpec& spec() const { return *spec_; }
  const std::shared_ptr<const WorkflowSpec>& shared_spec() const { return spec_; }
  const TaskSpec& task(Index i) const { return spec_->tasks[i]; }

  std::size_t task_count() const { return spec_->tasks.size(); }
  std::size_t edge_count() const { return up_edges_.size(); }

  // Tasks this task depends on, in the order written in `depends_on`.
  std::span<const Index> upstream(Index i) const {
    return {up_edges_.data() + up_offsets_[i], up_edges_.data() + up_offsets_[i + 1]};
  }
  // Tasks that depend on this task, by ascending index.
  std::span<const Index> downstream(Index i) const {
    return {down_edges_.data() + down_offsets_[i], down_edges_.data() + down_offsets_[i + 1]};
  }

  // Every task once, dependencies first; within a layer by ascending index.
  std::span<const Index> topo_order() const { return topo_order_; }
  std::size_t layer_count() const { return layer_offsets_.size() - 1; }
  std::span<const Index> layer(std::size_t k) const {
    return {topo_order_.data() + layer_offsets_[k], topo_order_.data() + layer_offsets_[k + 1]};
  }
  Index layer_of(Index i) const { return layer_of_[i]; }
  std::size_t max_layer_width() const;

  // Tasks with no dependencies (layer 0).
  std::span<const Index> roots() const { return layer(0); }

  // The chain of tasks with the largest total `estimate`, from a root to its end.
  std::span<const Index> critical_path() const { return critical_path_; }
  double critical_path_length() const { return critical_path_length_; }

  std::optional<Index> Find(std::string_view id) const;

  // Bytes held by the plan's own arrays (the spec is not counted).
  std::size_t MemoryBytes() const;

 private:
  friend class PlanBuilder;
  Plan() = default;
  std::optional<Index> FindHashed(std::string_view id, std::size_t hash) const;

  std::shared_ptr<const WorkflowSpec> spec_;
  std::vector<Index> up_offsets_;    // N + 1
  std::vector<Index> up_edges_;      // E
  std::vector<Index> down_offsets_;  // N + 1
  std::vector<Index> down_edges_;    // E
  std::vector<Index> topo_order_;    // N
  std::vector<Index> layer_offsets_;  // layers + 1
  std::vector<Index> layer_of_;      // N
  std::vector<Index> critical_path_;
  double critical_path_length_ = 0;
  // Id index, open addressing: (hash tag << 32) | (index + 1), 0 = empty; size a power of 2.
  std::vector<std::uint64_t> id_slots_;
};

}  // namespace goclaw::dag
