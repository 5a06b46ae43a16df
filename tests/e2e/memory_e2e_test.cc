// `goclaw memory ...` against the real binary: fsrs (offline, JSON lines), and add, search,
// list, stats and forget against a real server; bad input gets a clear error and exit code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include <boost/json.hpp>

#include "run_command.h"
#include "server_process.h"

namespace goclaw::testing {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(MemoryCliTest, FsrsAnswersOneLinePerLine) {
  const std::string input =
      R"({"op": "retrievability", "t": 10, "s": 10})" "\n"
      R"({"op": "interval", "s": 10, "request_retention": 0.9, "maximum_interval": 36500})" "\n"
      R"({"op": "review", "enable_short_term": false, "start": "2026-01-01T00:00:00Z",)"
      R"( "reviews": [{"now": "2026-01-01T00:00:00Z", "rating": 3}, {"now": "2026-01-05T00:00:00Z", "rating": 1}]})" "\n"
      "\n"
      R"({"op": "guess"})" "\n";
  CommandResult r = RunGoclaw({"memory", "fsrs"}, input);
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the last line is an error
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_NEAR(boost::json::parse(lines[0]).at("r").to_number<double>(), 0.9, 1e-9);
  EXPECT_EQ(boost::json::parse(lines[1]).at("interval_days").to_number<double>(), 10);
  const auto reviews = boost::json::parse(lines[2]).at("reviews").as_array();
  ASSERT_EQ(reviews.size(), 2u);
  EXPECT_EQ(reviews[0].at("state"), "review");
  EXPECT_EQ(reviews[1].at("lapses"), 1);
  EXPECT_THAT(lines[3], HasSubstr("\"error\""));
  EXPECT_THAT(lines[3], HasSubstr("guess"));
}

TEST(MemoryCliTest, AddSearchListStatsForgetAgainstAServer) {
  ServerProcess server;
  ASSERT_GT(server.port(), 0) << server.Stderr();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  CommandResult add = RunGoclaw({"memory", "add", "notes", "The on-call rotation changes every Monday",
                                 "--meta", "team=sre", "--server", url});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_THAT(add.out, HasSubstr("mem-"));
  CommandResult piped = RunGoclaw({"memory", "add", "notes", "-", "--server", url}, "部署到生产环境需要审批\n");
  ASSERT_EQ(piped.exit_code, 0) << piped.err;

  CommandResult search = RunGoclaw({"memory", "search", "notes", "on-call rotation", "--server", url});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  EXPECT_THAT(search.out, HasSubstr("The on-call rotation changes every Monday"));
  CommandResult zh = RunGoclaw({"memory", "search", "notes", "部署", "--mode", "bm25", "--json", "--server", url});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  EXPECT_EQ(boost::json::parse(zh.out).as_array().size(), 1u) << zh.out;
  CommandResult filtered = RunGoclaw({"memory", "search", "notes", "rotation", "--meta", "team=dev", "--server", url});
  ASSERT_EQ(filtered.exit_code, 0);
  EXPECT_THAT(filtered.out, HasSubstr("no memories match"));

  CommandResult list = RunGoclaw({"memory", "list", "notes", "--server", url});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("2 memories"));
  CommandResult stats = RunGoclaw({"memory", "stats", "--server", url});
  ASSERT_EQ(stats.exit_code, 0);
  EXPECT_THAT(stats.out, HasSubstr("1 sessions, 2 memories"));
  CommandResult one = RunGoclaw({"memory", "stats", "notes", "--json", "--server", url});
  EXPECT_EQ(boost::json::parse(one.out).at("total_entries"), 2);

  CommandResult forget = RunGoclaw({"memory", "forget", "notes", "--all", "--server", url});
  ASSERT_EQ(forget.exit_code, 0) << forget.err;
  EXPECT_THAT(forget.out, HasSubstr("2 forgotten"));

  CommandResult bad_session = RunGoclaw({"memory", "add", "no/slash", "x", "--server", url});
  EXPECT_EQ(bad_session.exit_code, 2);
  EXPECT_THAT(bad_session.err, HasSubstr("invalid session"));
  CommandResult bad_mode = RunGoclaw({"memory", "search", "notes", "x", "--mode", "fuzzy", "--server", url});
  EXPECT_EQ(bad_mode.exit_code, 1);
  EXPECT_THAT(bad_mode.err, HasSubstr("mode"));
  CommandResult ambiguous = RunGoclaw({"memory", "forget", "notes", "--server", url});
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_THAT(ambiguous.err, HasSubstr("exactly one of"));
  CommandResult down = RunGoclaw({"memory", "stats", "--server", "http://127.0.0.1:1"});
  EXPECT_EQ(down.exit_code, 1);
}

}  // namespace
}  // namespace goclaw::testing
