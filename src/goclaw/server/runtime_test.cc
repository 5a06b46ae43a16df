// The runtime builder on real stores: RocksDB in a temp dir (durable, resumed after a restart),
// memory, and none.
#include "goclaw/server/runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "goclaw/core/test_temp_dir.h"
#include "goclaw/dag/loader.h"
#include "goclaw/worker/worker_test_util.h"

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

TEST(RuntimeTest, RemoteTasksRunOnlyWithTheWorkersHub) {
  config::Config config;
  const auto remote = Plan(R"({"tasks": [{"id": "r", "type": "remote", "config": {"queue": "q"}}]})");
  // `goclaw run`: no hub, so remote tasks are refused at submit, saying why.
  auto plain = Runtime::Build(config, {.persist = false});
  ASSERT_TRUE(plain) << plain.error().ToString();
  EXPECT_EQ((*plain)->workers(), nullptr);
  auto refused = (*plain)->engine().Submit(remote);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().ToString(), HasSubstr("remote tasks need `goclaw server` (workers connect to its gRPC port)"));

  // `goclaw server`: the hub takes them, and its metrics are registered.
  auto rt = Runtime::Build(config, {.persist = false, .workers = true});
  ASSERT_TRUE(rt) << rt.error().ToString();
  worker::WorkerHub* hub = (*rt)->workers();
  ASSERT_NE(hub, nullptr);
  EXPECT_THAT((*rt)->collectors().names(), ElementsAre("engine", "lanes", "memory", "workers"));
  auto link = std::make_shared<worker::testing::FakeLink>();
  auto worker_id = hub->Connect(worker::testing::MakeHello("w", {"q"}, 1), link);
  ASSERT_TRUE(worker_id) << worker_id.error().ToString();
  auto id = (*rt)->engine().Submit(remote);
  ASSERT_TRUE(id) << id.error().ToString();
  auto held = (*rt)->engine().Submit(remote);
  ASSERT_TRUE(held) << held.error().ToString();
  for (int i = 0; i < 1000 && link->assigned().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(link->assigned().size(), 1u);
  const std::string first = link->assigned()[0];
  EXPECT_TRUE(hub->OnResult(*worker_id, {first, true, "{\"ok\": true}", "", false}));
  const std::string done_id = first.substr(0, first.find('/'));
  auto st = (*rt)->engine().Wait(done_id, std::chrono::seconds(10));
  ASSERT_TRUE(st) << st.error().ToString();
  EXPECT_EQ(st->state, engine::WorkflowState::kCompleted);
  for (int i = 0; i < 1000 && link->assigned().size() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(link->assigned().size(), 2u);  // the freed credit took the other one
  EXPECT_THAT((*rt)->collectors().Text(), HasSubstr("goclaw_worker_results_total{outcome=\"accepted\"} 1\n"));
  // Stopping: the worker hears "shutdown" for what it still holds, and its stream is closed.
  (*rt)->Shutdown();
  auto cancels = link->Of<worker::AttemptCancel>();
  ASSERT_EQ(cancels.size(), 1u);
  EXPECT_EQ(cancels[0].attempt_id, link->assigned()[1]);
  EXPECT_EQ(cancels[0].reason, "shutdown");
  ASSERT_TRUE(link->closed());
  EXPECT_EQ(link->closed()->code(), ErrorCode::kUnavailable);
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
