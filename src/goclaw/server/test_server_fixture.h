// For tests only: a real `Server` on port 0 over a RocksDB store in a temp dir that outlives
// restarts. A test builds its config with Config() (one "default" lane), adjusts it, and calls
// Restart(config): the previous server stops first, so a restart is a new server on the same
// store. client_ talks to the current server.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "goclaw/client/test_http_client.h"
#include "goclaw/server/server.h"

namespace goclaw::server::testing {

class ServerFixture : public ::testing::Test {
 protected:
  ServerFixture() {
    char tmpl[] = "/tmp/goclaw-server-test-XXXXXX";
    data_dir_ = ::mkdtemp(tmpl);
  }
  ~ServerFixture() override {
    client_.reset();
    server_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  config::Config Config() const {
    config::Config c;
    c.server.port = 0;
    c.grpc.port = 0;  // (gRPC is on by default, on 9090)
    c.storage.path = data_dir_;
    config::LaneConfig def;
    def.name = "default";
    c.lanes = {def};
    return c;
  }

  void Restart(const config::Config& config, Server::Setup setup = {}) {
    client_.reset();
    server_.reset();
    auto s = Server::Start(config, {}, nullptr, std::move(setup));
    ASSERT_TRUE(s) << s.error().ToString();
    server_ = std::move(*s);
    client_ = std::make_unique<client::testing::TestHttpClient>(server_->port());
  }

  std::string data_dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<client::testing::TestHttpClient> client_;
};

}  // namespace goclaw::server::testing
