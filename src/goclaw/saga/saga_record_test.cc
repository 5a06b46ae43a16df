// The saga tables: records round-trip, corrupt entries are named, loading pairs both tables.
#include "goclaw/saga/saga_record.h"

#include <gtest/gtest.h>

#include "goclaw/core/test_temp_dir.h"

namespace goclaw::saga {
namespace {

SagaRecord Sample() {
  SagaRecord r;
  r.id = "saga-1";
  r.name = "trip";
  r.state = SagaState::kCompensationFailed;
  r.forward_id = "wf-a";
  r.round = 2;
  r.compensation_id = "wf-b";
  r.compensation_requested = true;
  r.reason = "operator";
  r.failed_step = "flight";
  r.failure_reason = "compensation of flight failed: 503";
  r.created_at_us = 1;
  r.deadline_us = 9;
  StepRecord s;
  s.id = "flight";
  s.state = "completed";
  s.attempts = 1;
  s.input = {{"url", "x"}};
  s.output = {{"body", {{"id", "F1"}}}};
  s.compensation = CompensationState::kFailed;
  s.compensation_attempts = 4;
  s.compensation_error = "503";
  r.steps.push_back(s);
  r.compensated = {"hotel"};
  return r;
}

TEST(SagaRecord, RoundTrips) {
  const SagaRecord r = Sample();
  auto back = DecodeSagaRecord("saga-1", EncodeSagaRecord(r));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(EncodeSagaRecord(*back), EncodeSagaRecord(r));
  EXPECT_EQ(back->steps[0].output.at("body").at("id"), "F1");
  EXPECT_EQ(back->steps[0].compensation, CompensationState::kFailed);
}

TEST(SagaRecord, RefusesWhatItDidNotWrite) {
  EXPECT_FALSE(DecodeSagaRecord("s", "not json"));
  EXPECT_FALSE(DecodeSagaRecord("s", "{}"));
  EXPECT_FALSE(DecodeSagaRecord("s", R"({"name": "x", "state": "sleeping"})"));
}

TEST(LoadSagas, PairsRecordsWithTheirSpecsAndNamesCorruptEntries) {
  testing::ScratchDir dir;
  store::StoreOptions options;
  options.path = dir.path() + "/db";
  options.tables = SagaTables();
  auto store = store::OpenRocksDbStore(options);
  ASSERT_TRUE(store) << store.error().message();
  SagaDefinition d;
  d.name = "trip";
  d.workflow = {{"tasks", {{{"id", "flight"}}}}};
  store::StoreBatch batch;
  batch.mutations.push_back(store::TableMutation::Put(std::string(kSagasTable), "saga-1", EncodeSagaRecord(Sample())));
  batch.mutations.push_back(
      store::TableMutation::Put(std::string(kSagaSpecsTable), "saga-1", EncodeSagaSpec(d, {{"who", "ann"}})));
  ASSERT_TRUE((*store)->CommitAndWait(std::move(batch)));
  auto loaded = LoadSagas(**store);
  ASSERT_TRUE(loaded) << loaded.error().message();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ(loaded->at("saga-1").definition.name, "trip");
  EXPECT_EQ(loaded->at("saga-1").input.at("who"), "ann");

  store::StoreBatch orphan;
  orphan.mutations.push_back(store::TableMutation::Put(std::string(kSagasTable), "saga-2", EncodeSagaRecord(Sample())));
  ASSERT_TRUE((*store)->CommitAndWait(std::move(orphan)));
  auto bad = LoadSagas(**store);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("saga-2"), std::string::npos);
}

}  // namespace
}  // namespace goclaw::saga
