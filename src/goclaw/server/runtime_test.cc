// The runtime builder on real stores: RocksDB in a temp dir (durable, resumed after a restart),
// memory, and none.
#include "goclaw/server/runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "goclaw/core/test_temp_dir.h"
#include "goclaw/dag/loader.h"

namespace goclaw::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

config::Config Durable(const std::string& dir) {
  config::Config c;
  c.storage.backend = config::StorageBackend::kRocksDb;
  c.storage.path = dir;
  config::LaneConfig def;
  def.name = "default";
  c.lanes = {def};
  return c;
}

std::shared_ptr<const dag::Plan> Plan(std::string_view spec) {
  auto plan = dag::LoadWorkflow(spec);
  EXPECT_TRUE(plan) << plan.error().ToString();
  return std::make_shared<const dag::Plan>(std::move(*plan));
}

TEST(RuntimeTest, BuildsTheStoreAndEngineAndResumesAfterARestart) {
  goclaw::testing::ScratchDir dir("goclaw-runtime");
  const config::Config config = Durable(dir.path() + "/data");
  std::string id;
  {
    auto rt = Runtime::Build(config);
    ASSERT_TRUE(rt) << rt.error().ToString();
    ASSERT_NE((*rt)->store(), nullptr);
    EXPECT_EQ((*rt)->store()->Stats().kind, "rocksdb");
    EXPECT_EQ((*rt)->data_dir(), dir.path() + "/data");
    EXPECT_THAT((*rt)->collectors().names(), ElementsAre("engine", "lanes", "store", "memory"));
    EXPECT_EQ((*rt)->Resume(), 0u);
    auto submitted = (*rt)->engine().Submit(Plan(R"({"tasks": [{"id": "z", "config": {"op": "sleep", "duration": "1h"}}]})"));
    ASSERT_TRUE(submitted) << submitted.error().ToString();
    id = *submitted;
    ASSERT_EQ((*rt)->engine().Get(id)->state, engine::WorkflowState::kRunning);
    EXPECT_EQ((*rt)->Drain(Millis(0)), 1u);  // the sleeper is still running: it runs again later
    (*rt)->Shutdown();
    (*rt)->Shutdown();  // idempotent
  }
  auto again = Runtime::Build(config);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ((*again)->Resume(), 1u);
  EXPECT_EQ((*again)->engine().Get(id)->state, engine::WorkflowState::kRunning);
  const std::string metrics = (*again)->collectors().Text();
  EXPECT_THAT(metrics, HasSubstr("goclaw_workflows{state=\"running\"} 1\n"));
  EXPECT_THAT(metrics, HasSubstr("goclaw_lane_running{lane=\"default\"} 1\n"));
  EXPECT_THAT(metrics, HasSubstr("goclaw_store_healthy{kind=\"rocksdb\"} 1\n"));
}

TEST(RuntimeTest, MemoryOrNoStore) {
  config::Config config;
  config.storage.backend = config::StorageBackend::kMemory;
  auto memory = Runtime::Build(config);
  ASSERT_TRUE(memory) << memory.error().ToString();
  ASSERT_NE((*memory)->store(), nullptr);
  EXPECT_EQ((*memory)->store()->Stats().kind, "memory");
  EXPECT_EQ((*memory)->data_dir(), "");

  auto none = Runtime::Build(config, {.persist = false});
  ASSERT_TRUE(none) << none.error().ToString();
  EXPECT_EQ((*none)->store(), nullptr);
  EXPECT_THAT((*none)->collectors().names(), ElementsAre("engine", "lanes", "memory"));
  auto done = (*none)->engine().Submit(Plan(R"({"tasks": [{"id": "a"}]})"));
  ASSERT_TRUE(done);
  auto st = (*none)->engine().Wait(*done, std::chrono::seconds(10));
  ASSERT_TRUE(st) << st.error().ToString();
  EXPECT_EQ(st->state, engine::WorkflowState::kCompleted);
}

TEST(RuntimeTest, AStoreThatCannotOpenIsAnError) {
  goclaw::testing::ScratchDir dir("goclaw-runtime");
  const std::string file = dir.path() + "/not-a-dir";
  std::ofstream(file) << "x";
  auto rt = Runtime::Build(Durable(file));
  ASSERT_FALSE(rt);
  EXPECT_THAT(rt.error().message(), HasSubstr(file));
}

}  // namespace
}  // namespace goclaw::server
