// Durability as a user meets it, with the real binary: a server restarted on its data dir keeps
// its workflows, SIGTERM lets running tasks finish first, `goclaw admin snapshot` copies a live
// store that then serves as a data dir, `goclaw admin inspect` reads one (even a live one),
// `goclaw run --data-dir` resumes an interrupted run, and a corrupt data dir is refused with
// the file named — never silently reset.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "goclaw/api/http/test_http_client.h"
#include "run_command.h"
#include "server_process.h"

namespace goclaw::testing {
namespace {

using api::testing::TestHttpClient;
using ::testing::HasSubstr;

constexpr const char* kSleepy = R"({"name": "sleepy", "tasks": [
  {"id": "a", "config": {"op": "echo", "v": 1}},
  {"id": "b", "depends_on": ["a"], "config": {"op": "sleep", "duration": "400ms"}}]})";

std::string Id(const api::ClientResponse& r) { return std::string(r.Json().at("id").as_string()); }

TEST(DurabilityE2eTest, ARestartedServerKeepsItsWorkflowsAndSigtermLetsRunningTasksFinish) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  std::string done_id, running_id;
  {
    ServerProcess server({}, data);
    ASSERT_GT(server.port(), 0) << server.Stderr();
    TestHttpClient client(server.port());
    auto done = client.PostJson("/api/v1/workflows?wait=10s", R"({"name": "quick", "tasks": [{"id": "x"}]})");
    ASSERT_EQ(done.status, 201) << done.body;
    done_id = Id(done);
    auto running = client.PostJson("/api/v1/workflows?async=true", kSleepy);
    ASSERT_EQ(running.status, 202) << running.body;
    running_id = Id(running);
    // SIGTERM once b runs: the drain lets it finish (400 ms) before the server exits.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      auto st = client.Get("/api/v1/workflows/" + running_id).Json();
      if (st.at("tasks").at(1).at("status") == "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
    EXPECT_THAT(server.Stderr(), HasSubstr("waiting up to"));
  }
  ServerProcess again({}, data);
  ASSERT_GT(again.port(), 0) << again.Stderr();
  TestHttpClient client(again.port());
  auto first = client.Get("/api/v1/workflows/" + done_id);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json().at("status"), "completed");
  auto second = client.Get("/api/v1/workflows/" + running_id);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(second.Json().at("status"), "completed") << second.body;
  EXPECT_EQ(second.Json().at("tasks").at(1).at("attempts"), 1);  // drained, not interrupted
  EXPECT_EQ(client.Get("/api/v1/workflows").Json().at("total"), 2);
  auto status = client.Get("/status").Json();
  EXPECT_EQ(status.at("store").at("kind"), "rocksdb");
  EXPECT_EQ(status.at("store").at("durable"), true);
  EXPECT_EQ(again.Stop(SIGTERM), 0);
}

TEST(DurabilityE2eTest, AdminSnapshotOfALiveServerOpensAsADataDirAndInspectReadsIt) {
  TempDir dir;
  ServerProcess server({}, dir.path() + "/data");
  ASSERT_GT(server.port(), 0) << server.Stderr();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  TestHttpClient client(server.port());
  auto done = client.PostJson("/api/v1/workflows?wait=10s", R"({"name": "snap", "tasks": [{"id": "x"}, {"id": "y"}]})");
  ASSERT_EQ(done.status, 201) << done.body;
  const std::string id = Id(done);

  const std::string snap = dir.path() + "/snap";
  CommandResult taken = RunGoclaw({"admin", "snapshot", snap, "--server", url});
  ASSERT_EQ(taken.exit_code, 0) << taken.err;
  EXPECT_THAT(taken.out, HasSubstr("snapshot written to " + snap));
  CommandResult twice = RunGoclaw({"admin", "snapshot", snap, "--server", url});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_THAT(twice.err, HasSubstr("exists"));

  CommandResult live = RunGoclaw({"admin", "inspect", "--data-dir", dir.path() + "/data", "--json"});
  ASSERT_EQ(live.exit_code, 0) << live.err;
  auto v = boost::json::parse(live.out);
  EXPECT_EQ(v.at("format_version"), 2);
  EXPECT_EQ(v.at("workflows").at("completed"), 1);
  EXPECT_EQ(v.at("tasks").at("completed"), 2);
  CommandResult text = RunGoclaw({"admin", "inspect", "--data-dir", snap});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("format      2"));
  EXPECT_THAT(text.out, HasSubstr("completed 1"));
  CommandResult missing = RunGoclaw({"admin", "inspect", "--data-dir", dir.path() + "/nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr(dir.path() + "/nope"));

  // Bad requests to the route itself.
  EXPECT_EQ(client.PostJson("/api/v1/admin/snapshot", R"({"dir": "relative/path"})").status, 400);
  EXPECT_EQ(client.PostJson("/api/v1/admin/snapshot", R"({"dir": 7})").status, 400);
  EXPECT_EQ(client.PostJson("/api/v1/admin/snapshot", R"({"dir": "/tmp/x", "extra": 1})").status, 400);
  EXPECT_EQ(client.PostJson("/api/v1/admin/snapshot", "{not json").status, 400);
  EXPECT_EQ(client.PostJson("/api/v1/admin/snapshot", "{}").status, 400);
  EXPECT_EQ(server.Stop(SIGTERM), 0);

  ServerProcess restored({}, snap);
  ASSERT_GT(restored.port(), 0) << restored.Stderr();
  TestHttpClient rc(restored.port());
  auto got = rc.Get("/api/v1/workflows/" + id);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.Json().at("status"), "completed");
}

TEST(DurabilityE2eTest, RunWithADataDirResumesAnInterruptedRun) {
  TempDir dir;
  const std::string spec = dir.Write("steps.yaml", R"(name: steps
tasks:
  - {id: first, config: {op: echo, v: 1}}
  - {id: slow, depends_on: [first], config: {op: sleep, duration: 1s}}
  - {id: last, depends_on: [slow]}
)");
  const std::string data = dir.path() + "/run-data";
  CommandResult stopped = RunGoclaw({"run", spec, "--data-dir", data}, "", {}, 60, "task slow running");
  EXPECT_EQ(stopped.exit_code, 130) << stopped.err;
  EXPECT_THAT(stopped.err, HasSubstr("run the same command again to resume"));
  CommandResult resumed = RunGoclaw({"run", spec, "--data-dir", data});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_THAT(resumed.out, HasSubstr("resuming wf-"));
  CommandResult json = RunGoclaw({"run", spec, "--data-dir", data, "--json"});  // a new run: the last finished
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(boost::json::parse(json.out).at("status"), "completed");
  CommandResult inspect = RunGoclaw({"admin", "inspect", "--data-dir", data, "--json"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  auto v = boost::json::parse(inspect.out);
  EXPECT_EQ(v.at("workflows").at("completed"), 2);  // the resumed run and the new one
  EXPECT_EQ(v.at("tasks").at("completed"), 6);
}

TEST(DurabilityE2eTest, ACorruptDataDirIsRefusedWithTheFileNamed) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  {
    ServerProcess server({}, data);
    ASSERT_GT(server.port(), 0) << server.Stderr();
    EXPECT_EQ(server.Stop(SIGTERM), 0);
  }
  std::ofstream(data + "/CURRENT", std::ios::trunc) << "MANIFEST-424242\n";
  CommandResult refused = RunGoclaw({"--set", "storage.path=" + data, "--set", "server.port=0", "server"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("cannot open the store at " + data));
  EXPECT_THAT(refused.err, HasSubstr("MANIFEST-424242"));
  EXPECT_TRUE(std::filesystem::exists(data + "/CURRENT"));  // nothing was reset
  std::ofstream(dir.path() + "/file") << "x";
  CommandResult not_dir = RunGoclaw({"--set", "storage.path=" + dir.path() + "/file", "--set", "server.port=0", "server"});
  EXPECT_EQ(not_dir.exit_code, 1);
  EXPECT_THAT(not_dir.err, HasSubstr(dir.path() + "/file"));
}

}  // namespace
}  // namespace goclaw::testing
