// For the SDK's integration tests: the real goclaw server in process (server::Server, HTTP and
// gRPC on free loopback ports, RocksDB in a temp dir that outlives restarts) and an sdk::Client
// on its gRPC port.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <stdlib.h>

#include "goclaw/sdk/client.h"
#include "goclaw/server/server.h"

#include "sdk_test_util.h"

namespace goclaw::sdk::testing {

class SdkServerTest : public ::testing::Test {
 protected:
  SdkServerTest() {
    char tmpl[] = "/tmp/goclaw-sdk-test-XXXXXX";
    data_dir_ = ::mkdtemp(tmpl);
  }
  ~SdkServerTest() override {
    client_.reset();
    server_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  config::Config Config(int grpc_port = 0) const {
    config::Config c;
    c.server.port = 0;
    c.storage.path = data_dir_;
    config::LaneConfig def;
    def.name = "default";
    c.lanes = {def};
    c.grpc.port = grpc_port;
    c.workers.heartbeat_interval = std::chrono::milliseconds(100);
    c.workers.heartbeat_timeout = std::chrono::milliseconds(2000);
    c.shutdown.drain_timeout = std::chrono::milliseconds(2000);
    c.grpc.drain_timeout = std::chrono::milliseconds(1000);
    return c;
  }

  // (Re)starts the server; the previous one stops first. client_ talks to the new one.
  void Restart(const config::Config& config) {
    client_.reset();
    server_.reset();
    auto s = server::Server::Start(config);
    ASSERT_TRUE(s) << s.error().ToString();
    server_ = std::move(*s);
    ASSERT_GT(server_->grpc_port(), 0);
    auto c = Client::Connect(Target());
    ASSERT_TRUE(c) << c.error().ToString();
    client_ = std::move(*c);
  }

  std::string Target() const { return "127.0.0.1:" + std::to_string(server_->grpc_port()); }

  // Waits until the workflow is in a terminal state and returns its status.
  v1::GetWorkflowStatusResponse Finished(const std::string& id) {
    v1::GetWorkflowStatusResponse last;
    EXPECT_TRUE(WaitUntil([&] {
      auto st = client_->GetWorkflowStatus(id);
      if (!st) return false;
      last = *st;
      return st->status() == v1::WORKFLOW_STATUS_COMPLETED ||
             st->status() == v1::WORKFLOW_STATUS_FAILED ||
             st->status() == v1::WORKFLOW_STATUS_CANCELLED;
    })) << last.DebugString();
    return last;
  }

  std::string data_dir_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<Client> client_;
};

}  // namespace goclaw::sdk::testing
