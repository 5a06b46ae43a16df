// The crash test for the memory hub (issue 16): the real `goclaw server` on a RocksDB data dir;
// each round memorizes items (one at a time and in batches of 5, each with a unique token),
// forgets some of the acknowledged ones and retrieves others (reviews), as fast as it can,
// and the server is killed with SIGKILL at a random moment. After the last round the server
// restarts, and every acknowledged item must be there — by id, found by a BM25 search for its
// token, and in the vector index — while every acknowledged forget stays forgotten.
//
// GOCLAW_MEMORY_CRASH_ITERATIONS sets the number of kills (default 8).
#include <signal.h>

#include <atomic>
#include <chrono>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "goclaw/client/test_http_client.h"
#include "crash_rounds.h"
#include "run_command.h"
#include "server_process.h"

namespace goclaw::testing {
namespace {

using client::testing::TestHttpClient;

std::string Token(int round, int n) { return "tok" + std::to_string(round) + "x" + std::to_string(n); }

TEST(MemoryCrashTest, KillNineLosesNoAcknowledgedMemoryAndResurrectsNoForgottenOne) {
  const int iterations = EnvInt("GOCLAW_MEMORY_CRASH_ITERATIONS", 8);
  std::mt19937 rng(20261216);
  std::uniform_int_distribution<int> delay_ms(50, 400);
  TempDir dir;
  const std::string data = dir.path() + "/data";
  std::vector<std::pair<std::string, std::string>> kept;  // id, token
  std::set<std::string> forgotten;
  std::set<std::string> uncertain;  // a forget the kill cut off
  for (int round = 0; round < iterations; ++round) {
    ServerProcess server({}, data);
    ASSERT_GT(server.port(), 0) << "restart " << round << " failed:\n" << server.Stderr();
    SendUntilKilled(server, std::chrono::milliseconds(delay_ms(rng)), [&](TestHttpClient& c, const std::atomic<bool>& stop) {
      for (int n = 0; !stop.load(); n += 5) {
        if (n % 10 == 0) {
          boost::json::object item;
          item["content"] = "memory " + Token(round, n) + " about kill nine";
          auto r = c.PostJson("/api/v1/memory/crash", boost::json::serialize(item));
          if (r.status == 0) return;
          ASSERT_EQ(r.status, 201) << r.body;
          kept.emplace_back(std::string(r.Json().at("id").as_string()), Token(round, n));
        } else {
          boost::json::object body;
          auto& items = body["items"].emplace_array();
          for (int i = 0; i < 5; ++i) {
            boost::json::object item;
            item["content"] = "batch " + Token(round, n + i);
            items.emplace_back(std::move(item));
          }
          auto r = c.PostJson("/api/v1/memory/crash", boost::json::serialize(body));
          if (r.status == 0) return;
          ASSERT_EQ(r.status, 201) << r.body;
          const boost::json::value answer = r.Json();
          const auto& ids = answer.at("ids").as_array();
          for (int i = 0; i < 5; ++i) kept.emplace_back(std::string(ids[i].as_string()), Token(round, n + i));
        }
        if (n % 20 == 0 && kept.size() > 3) {  // forget one acknowledged item
          const std::string id = kept[kept.size() - 3].first;
          boost::json::object body;
          body["ids"].emplace_array().emplace_back(id);
          auto r = c.Request("DELETE", "/api/v1/memory/crash", boost::json::serialize(body),
                             {{"Content-Type", "application/json"}});
          if (r.status == 0) {  // not acknowledged: it may or may not be gone
            uncertain.insert(id);
            return;
          }
          ASSERT_EQ(r.status, 200) << r.body;
          forgotten.insert(id);
        }
        if (n % 15 == 0) {  // a retrieval: its reviews are written without waiting
          auto r = c.Get("/api/v1/memory/crash?query=kill%20nine&limit=5");
          if (r.status == 0) return;
          ASSERT_EQ(r.status, 200) << r.body;
        }
      }
    });
  }
  ASSERT_FALSE(kept.empty());

  ServerProcess server({}, data);
  ASSERT_GT(server.port(), 0) << server.Stderr();
  TestHttpClient client(server.port());
  std::size_t checked = 0;
  for (const auto& [id, token] : kept) {
    if (uncertain.count(id) > 0) continue;
    auto got = client.Get("/api/v1/memory/crash/items/" + id);
    if (forgotten.count(id) > 0) {
      EXPECT_EQ(got.status, 404) << id << " was forgotten (acknowledged) and came back";
      continue;
    }
    ASSERT_EQ(got.status, 200) << id << " was acknowledged and lost: " << got.body;
    if (++checked % 7 != 0) continue;  // searching is slower: every 7th item
    for (const char* mode : {"bm25"}) {  // the vector index's count is checked below
      auto hits = client.Get("/api/v1/memory/crash?query=" + token + "&mode=" + mode + "&limit=3&review=false");
      ASSERT_EQ(hits.status, 200) << hits.body;
      bool found = false;
      const boost::json::value answer = hits.Json();
      for (const auto& h : answer.as_array()) found = found || h.at("entry").at("id") == boost::json::value(id);
      EXPECT_TRUE(found) << id << " (" << token << ") is not found by " << mode << " after the restart";
    }
    if (::testing::Test::HasFailure()) break;
  }
  const boost::json::value stats = client.Get("/api/v1/memory/crash/stats").Json();
  const auto total = stats.at("total_entries").to_number<std::int64_t>();
  EXPECT_EQ(stats.at("vectors"), stats.at("total_entries")) << "every item is back in the vector index: " << stats;
  EXPECT_GE(total, static_cast<std::int64_t>(kept.size() - forgotten.size() - uncertain.size()));
  std::printf("memory crash test: %zu items and %zu forgets acknowledged across %d kills\n", kept.size(),
              forgotten.size(), iterations);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
}

}  // namespace
}  // namespace goclaw::testing
