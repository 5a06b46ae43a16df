// Issue 12: a store that a crash, an operator or a full disk damaged is never silently reset and
// never loses acknowledged workflows without a word. With the real binary:
//   - a data dir missing only CURRENT is refused with the file named, and nothing is deleted;
//   - a WAL cut in half after a kill -9 (acknowledged workflows in it) is refused at start, with
//     the way out; deleting the watermark accepts the loss and serves what is left;
//   - a MANIFEST cut in half is refused, not started "healthy" with nothing readable.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/client/test_http_client.h"
#include "run_command.h"
#include "server_process.h"

namespace goclaw::testing {
namespace {

namespace fs = std::filesystem;
using client::testing::TestHttpClient;
using ::testing::HasSubstr;

std::string Id(const client::Response& r) { return std::string(r.Json().at("id").as_string()); }

// Starts a server on `data`, stores `count` workflows (acknowledged), and kills it with -9.
std::vector<std::string> StoreAndKill(const std::string& data, int count) {
  std::vector<std::string> ids;
  ServerProcess server({}, data);
  EXPECT_GT(server.port(), 0) << server.Stderr();
  TestHttpClient client(server.port());
  for (int i = 0; i < count; ++i) {
    auto r = client.PostJson("/api/v1/workflows?async=true",
                             R"({"name": "kept", "tasks": [{"id": "x", "config": {"op": "echo", "pad": ")" +
                                 std::string(2000, 'p') + R"("}}]})");
    EXPECT_EQ(r.status, 202) << r.body;
    if (r.status == 202) ids.push_back(Id(r));
    // The durable watermark is written at most once a second: let one be written mid-way.
    if (i == count / 2) std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(client.PostJson("/api/v1/workflows?wait=10s", R"({"name": "last", "tasks": [{"id": "x"}]})").status, 201);
  server.Stop(SIGKILL);
  return ids;
}

std::vector<fs::path> FilesNamed(const std::string& dir, const std::string& prefix, const std::string& ext) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && (ext.empty() || e.path().extension() == ext)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

CommandResult StartServer(const std::string& data) {
  return RunGoclaw({"--set", "storage.path=" + data, "--set", "server.port=0", "server"}, "", {}, 30);
}

TEST(DamagedStoreE2eTest, ADataDirMissingOnlyCurrentIsRefusedNotRecreated) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  StoreAndKill(data, 3);
  ASSERT_TRUE(fs::remove(data + "/CURRENT"));
  const auto before = FilesNamed(data, "", ".log").size() + FilesNamed(data, "MANIFEST-", "").size();
  CommandResult refused = StartServer(data);
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("no CURRENT file"));
  EXPECT_THAT(refused.err, HasSubstr(data));
  EXPECT_FALSE(fs::exists(data + "/CURRENT"));  // nothing initialised over it
  EXPECT_EQ(FilesNamed(data, "", ".log").size() + FilesNamed(data, "MANIFEST-", "").size(), before);
  CommandResult inspect = RunGoclaw({"admin", "inspect", "--data-dir", data});
  EXPECT_EQ(inspect.exit_code, 1);
  EXPECT_THAT(inspect.err, HasSubstr("CURRENT"));
}

TEST(DamagedStoreE2eTest, ATruncatedWalIsDetectedAndTheLossMustBeAcceptedExplicitly) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::vector<std::string> ids = StoreAndKill(data, 40);
  ASSERT_EQ(ids.size(), 40u);
  auto wals = FilesNamed(data, "", ".log");
  ASSERT_FALSE(wals.empty());
  const fs::path wal = wals.back();  // the live WAL holds everything since the last start
  ASSERT_GT(fs::file_size(wal), 40000u);
  fs::resize_file(wal, fs::file_size(wal) / 2);

  CommandResult refused = StartServer(data);
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("lost acknowledged writes"));
  EXPECT_THAT(refused.err, HasSubstr("GOCLAW-DURABLE"));

  // The operator accepts the loss: what survived is served, and the server is healthy.
  ASSERT_TRUE(fs::remove(data + "/GOCLAW-DURABLE"));
  ServerProcess server({}, data);
  ASSERT_GT(server.port(), 0) << server.Stderr();
  TestHttpClient client(server.port());
  EXPECT_EQ(client.Get("/api/v1/workflows/" + ids.front()).status, 200);
  EXPECT_EQ(client.Get("/ready").status, 200);
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

TEST(DamagedStoreE2eTest, ATruncatedManifestIsRefused) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  std::string id;
  {
    ServerProcess server({}, data);
    ASSERT_GT(server.port(), 0) << server.Stderr();
    TestHttpClient client(server.port());
    auto r = client.PostJson("/api/v1/workflows?wait=10s", R"({"name": "kept", "tasks": [{"id": "x"}]})");
    ASSERT_EQ(r.status, 201) << r.body;
    id = Id(r);
    EXPECT_EQ(server.Stop(SIGTERM), 0);
  }
  auto manifests = FilesNamed(data, "MANIFEST-", "");
  ASSERT_FALSE(manifests.empty());
  fs::resize_file(manifests.back(), fs::file_size(manifests.back()) / 2);
  CommandResult refused = StartServer(data);
  EXPECT_EQ(refused.exit_code, 1) << refused.err << refused.out;
  EXPECT_THAT(refused.err, HasSubstr(data));
}

}  // namespace
}  // namespace goclaw::testing
