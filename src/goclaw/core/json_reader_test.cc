#include "goclaw/core/json_reader.h"

#include <gtest/gtest.h>

#include <array>

#include <boost/json/parse.hpp>

namespace goclaw {
namespace {

TEST(ObjectReaderTest, ReadsValidFieldsAndKeepsDefaults) {
  auto v = boost::json::parse(R"({"host": "0.0.0.0", "port": 9090, "t": "5s", "b": true})");
  Diagnostics diag;
  std::string host = "127.0.0.1";
  std::int64_t port = 8080;
  Millis t{0};
  bool b = false;
  double missing = 7;
  {
    ObjectReader r(v, "server", diag);
    EXPECT_TRUE(r.String("host", &host));
    EXPECT_TRUE(r.Int("port", &port, 0, 65535));
    EXPECT_TRUE(r.Duration("t", &t));
    EXPECT_TRUE(r.Bool("b", &b));
    EXPECT_TRUE(r.Double("missing", &missing, 0, 10));
  }
  EXPECT_TRUE(diag.empty());
  EXPECT_EQ(host, "0.0.0.0");
  EXPECT_EQ(port, 9090);
  EXPECT_EQ(t, Millis(5000));
  EXPECT_TRUE(b);
  EXPECT_EQ(missing, 7);
}

TEST(ObjectReaderTest, ReportsEveryProblemWithPathAndSuggestion) {
  auto v = boost::json::parse(
      R"({"port": "80", "sycn_mode": "x", "mode": "fast", "weird": 1, "n": 1.5})");
  Diagnostics diag;
  std::int64_t port = 1;
  std::int64_t n = 0;
  std::string mode;
  std::array<std::string_view, 2> modes{"always", "batch"};
  {
    ObjectReader r(v, "storage", diag);
    EXPECT_FALSE(r.Int("port", &port, 0, 65535));
    EXPECT_FALSE(r.Int("n", &n, 0, 10));
    EXPECT_FALSE(r.Enum("mode", &mode, modes));
    r.Allow({"sync_mode"});
  }
  ASSERT_EQ(diag.count(), 5u);
  const auto& d = diag.details();
  EXPECT_EQ(d[0].path, "storage.port");
  EXPECT_EQ(d[0].message, "expected an integer from 0 to 65535, got string \"80\"");
  EXPECT_EQ(d[1].message, "expected an integer from 0 to 10, got number 1.5");
  EXPECT_EQ(d[2].message, "unknown value \"fast\"; accepted: always, batch");
  EXPECT_EQ(d[3].path, "storage.sycn_mode");
  EXPECT_EQ(d[3].message, "unknown key; did you mean storage.sync_mode?");
  EXPECT_EQ(d[4].path, "storage.weird");
  EXPECT_EQ(d[4].message, "unknown key; accepted keys: mode, n, port, sync_mode");
  EXPECT_EQ(port, 1);  // untouched on error
}

TEST(ObjectReaderTest, NotAnObject) {
  auto v = boost::json::parse("[1]");
  Diagnostics diag;
  { ObjectReader r(v, "server", diag, "the server section"); }
  ASSERT_EQ(diag.count(), 1u);
  EXPECT_EQ(diag.details()[0].message,
            "expected the server section to be an object (a mapping of keys to values), got "
            "array");
}

TEST(DiagnosticsTest, CapsKeptDetailsButCountsAll) {
  Diagnostics diag(nullptr, 2);
  for (int i = 0; i < 5; ++i) diag.Add("p" + std::to_string(i), "bad");
  Error e = diag.ToError("spec");
  EXPECT_EQ(e.message(), "spec is invalid: 5 problems");
  ASSERT_EQ(e.details().size(), 3u);
  EXPECT_EQ(e.details()[2].message, "3 more problem(s) not shown");
}

}  // namespace
}  // namespace goclaw
