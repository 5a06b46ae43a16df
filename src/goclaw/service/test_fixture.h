// Tests only: an in-process engine on the memory store for the services' tests — real shard
// threads, a fake clock and manual timers (a `sleep` task runs until the test advances them, so
// nothing sleeps), lanes "default" and "narrow" (concurrency 1).
#pragma once

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>

#include "goclaw/core/clock.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/engine/engine.h"
#include "goclaw/saga/saga_record.h"
#include "goclaw/service/workflow_service.h"
#include "goclaw/store/store.h"

namespace goclaw::service::testing {

class ServiceTest : public ::testing::Test {
 protected:
  ServiceTest() : timers_(clock_) {
    std::vector<store::TableSpec> tables = engine::StoreTables();
    for (auto& t : saga::SagaTables()) tables.push_back(std::move(t));
    auto store = store::OpenMemoryStore({.tables = std::move(tables)});
    EXPECT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    engine::EngineOptions options;
    options.shards = 2;
    options.function_workers = 1;
    options.clock = &clock_;
    options.timers = &timers_;
    options.seed = 7;
    options.store = store_.get();
    config::LaneConfig def;
    def.name = "default";
    config::LaneConfig narrow;
    narrow.name = "narrow";
    narrow.max_concurrency = 1;
    options.lanes = {def, narrow};
    auto engine = engine::Engine::Create(std::move(options));
    EXPECT_TRUE(engine) << engine.error().ToString();
    engine_ = std::move(*engine);
  }

  // Prepare + Submit, waiting for the durable id.
  Result<std::string> SubmitSpec(WorkflowService& workflows, SubmitRequest request) {
    auto prepared = workflows.Prepare(std::move(request));
    if (!prepared) return MakeError(prepared.error());
    std::promise<Result<std::string>> id;
    workflows.Submit(*prepared, [&id](Result<std::string> r) { id.set_value(std::move(r)); });
    return id.get_future().get();
  }

  FakeClock clock_;
  ManualTimerQueue timers_;
  std::unique_ptr<store::Store> store_;  // outlives the engine
  std::unique_ptr<engine::Engine> engine_;
};

}  // namespace goclaw::service::testing
