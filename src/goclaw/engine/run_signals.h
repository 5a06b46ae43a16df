// Internal: the signals of one run (signal_types.h, docs/design/signals.md) as its shard keeps
// them, and their records in the store's `signals` table.
//
// A run that never gets a signal pays one null pointer (WorkflowRun::signals). Signals are kept
// in seq order; each has one delivery per target task. A signal addressed to the whole workflow
// while no task runs waits (`waiting`) for the next task that starts.
//
// Thread-safety: plain data and functions; the run's shard calls them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/core/clock.h"
#include "goclaw/core/status.h"
#include "goclaw/dag/plan.h"
#include "goclaw/engine/signal_types.h"
#include "goclaw/store/store.h"

namespace goclaw::engine::internal {

struct SignalDelivery {
  std::uint32_t task = 0;  // plan index
  SignalState state = SignalState::kPending;
  std::int32_t attempt = 0;  // the attempt it was (last) handed to
  Clock::WallTime delivered_at{};
  Clock::WallTime acknowledged_at{};
  std::string reason;  // why it expired
};

struct RunSignal {
  static constexpr std::uint32_t kWorkflow = ~std::uint32_t{0};
  std::uint64_t seq = 0;
  std::string kind;
  std::uint32_t task = kWorkflow;  // as addressed
  boost::json::value payload;
  Clock::WallTime created_at{};
  bool waiting = false;  // addressed to the workflow, no target yet
  bool dirty = false;    // changed since the journal wrote it
  bool stored = true;    // durable (false from acceptance until its first write): deliverable
  std::vector<SignalDelivery> deliveries;

  SignalState state() const;
  SignalDelivery* DeliveryTo(std::uint32_t task);
};

struct RunSignals {
  std::vector<RunSignal> list;  // by seq (seq = index + 1)
  std::vector<std::uint32_t> dirty;  // indexes into list, for the journal
  RunSignal& at_seq(std::uint64_t seq) { return list[seq - 1]; }
  RunSignal* Find(std::uint64_t seq) { return seq >= 1 && seq <= list.size() ? &list[seq - 1] : nullptr; }
  void Touch(std::uint32_t index) {
    if (!list[index].dirty) {
      list[index].dirty = true;
      dirty.push_back(index);
    }
  }
};

// The store table (registered by the engine's owner before the store opens: StoreTables()).
inline constexpr std::string_view kSignalTable = "signals";
store::TableSpec SignalTable();

// Key: <workflow id> 0x00 <8-byte big-endian seq>; value: the signal as JSON.
std::string SignalKey(const std::string& workflow_id, std::uint64_t seq);
std::string EncodeSignal(const RunSignal& signal);
Result<RunSignal> DecodeSignal(std::string_view value);
// Every stored signal of a workflow, in seq order (empty when it has none).
Result<std::vector<RunSignal>> LoadSignals(store::Store& store, const std::string& workflow_id);

// As callers see it.
SignalStatus StatusOf(const RunSignal& signal, const std::string& workflow_id, const dag::Plan& plan);
// Every signal, or with `task` those addressed or delivered to it.
std::vector<SignalStatus> StatusesOf(const std::vector<RunSignal>& signals, const std::string& workflow_id,
                                     const dag::Plan& plan, const std::string& task);
// The payload of the kSignal events about one delivery (or about the signal, task = kWorkflow).
boost::json::value SignalEventPayload(const RunSignal& signal, const dag::Plan& plan, std::uint32_t task,
                                      SignalState state);

}  // namespace goclaw::engine::internal
