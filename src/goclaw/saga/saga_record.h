// What the store keeps of a saga (docs/design/saga.md): two tables registered in the store
// (store.h TableSpec), written before the saga acts on what they say.
//
//   sagas       <saga id> -> the saga's state (SagaRecord, JSON), rewritten on every transition
//   saga_specs  <saga id> -> {"definition", "input"}, written once, with the first record
//
// Values are JSON text written by core/json_text.h (exact round trip). Format 1.
//
// Thread-safety: plain values and pure functions; LoadSagas reads the store (any thread).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/core/status.h"
#include "goclaw/saga/saga_definition.h"
#include "goclaw/saga/saga_states.h"
#include "goclaw/store/store.h"

namespace goclaw::saga {

inline constexpr std::string_view kSagasTable = "sagas";
inline constexpr std::string_view kSagaSpecsTable = "saga_specs";

// The tables to register in StoreOptions::tables before the store opens.
std::vector<store::TableSpec> SagaTables();

// A step as the saga knows it once the forward workflow ended (before: the workflow's task).
struct StepRecord {
  std::string id;
  std::string state;         // the forward task's state name (engine/states.h)
  int attempts = 0;
  std::string error;
  boost::json::value input;   // completed steps: the resolved config it ran with
  boost::json::value output;  // completed steps: its output
  CompensationState compensation = CompensationState::kNone;
  int compensation_attempts = 0;  // over every round
  std::string compensation_error;
  std::int64_t compensated_at_us = 0;
};

struct SagaRecord {
  std::string id;  // "saga-<uuidv7>"
  std::string name;
  SagaState state = SagaState::kCreated;
  std::string forward_id;          // the forward workflow (chosen before it is submitted)
  int round = 0;                   // compensation rounds started (the first, then each recover)
  std::string compensation_id;     // the current round's workflow; empty before the first
  bool compensation_requested = false;  // compensate (or the saga deadline) while running
  bool compensation_skipped = false;    // policy skip: the failure was left uncompensated
  bool deadline_passed = false;  // running: the saga's timeout passed; compensating: the round's deadline
  std::string reason;                   // why compensation was requested
  std::string failed_step;
  std::string failure_reason;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  std::int64_t started_at_us = 0;
  std::int64_t finished_at_us = 0;
  std::int64_t deadline_us = 0;               // forward deadline; 0: none
  std::int64_t compensation_started_us = 0;   // the current round's start
  std::int64_t compensation_deadline_us = 0;  // the current round's deadline
  std::vector<StepRecord> steps;  // filled when the forward workflow ended
  std::vector<std::string> compensated;  // in the order they were compensated
};

std::string EncodeSagaRecord(const SagaRecord& r);
Result<SagaRecord> DecodeSagaRecord(std::string_view id, std::string_view value);
std::string EncodeSagaSpec(const SagaDefinition& d, const boost::json::object& input);

struct StoredSaga {
  SagaRecord record;
  SagaDefinition definition;
  boost::json::object input;
};
// Both tables, by saga id. kInternal for a corrupt entry (naming its key).
Result<std::map<std::string, StoredSaga>> LoadSagas(store::Store& store);

}  // namespace goclaw::saga
