#include "goclaw/core/json_format.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <limits>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/core/document.h"
#include "goclaw/core/test_random_json.h"

namespace goclaw {
namespace {

TEST(JsonFormatTest, PrettyJson) {
  auto v = boost::json::parse(R"({"a": [1, {"b": "x"}], "c": {}, "d": []})");
  EXPECT_EQ(PrettyJson(v),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x\"\n    }\n  ],\n  \"c\": {},\n  "
            "\"d\": []\n}\n");
  EXPECT_EQ(boost::json::parse(PrettyJson(v)), v);
}

TEST(JsonFormatTest, YamlRoundTrips) {
  auto v = boost::json::parse(
      R"({"server": {"host": "127.0.0.1", "port": 8080}, "flag": true, "none": null,
          "ratio": 0.5, "list": ["a", "true", "1", ""], "empty": {}})");
  std::string yaml = ToYaml(v);
  auto back = ParseDocument(yaml, DocumentFormat::kYaml);
  ASSERT_TRUE(back) << back.error().ToString() << "\n" << yaml;
  EXPECT_EQ(back->root, v) << yaml;
}

TEST(JsonFormatTest, DoublesArePlainDecimals) {
  EXPECT_EQ(PlainNumber(3.4526e-05), "0.000034526");  // Boost.JSON: 3.4526E-5
  EXPECT_EQ(PlainNumber(1.5), "1.5");                 // 1.5E0
  EXPECT_EQ(PlainNumber(12.0), "12.0");               // still a double when read back
  EXPECT_EQ(PlainNumber(0.0), "0.0");
  EXPECT_EQ(PlainNumber(-0.0), "-0.0");
  EXPECT_EQ(PlainNumber(-2.25), "-2.25");
  EXPECT_EQ(PlainNumber(0.1), "0.1");
  EXPECT_EQ(PlainNumber(1e-7), "0.0000001");
  EXPECT_EQ(PlainNumber(123456789012.5), "123456789012.5");
  EXPECT_EQ(PlainNumber(1e20), "100000000000000000000.0");
  // Far outside what people read as decimals: the exponent form.
  EXPECT_EQ(PlainNumber(1e21), "1e+21");
  EXPECT_EQ(PlainNumber(1.5e-8), "1.5e-08");
  EXPECT_EQ(PlainNumber(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(PlainNumber(std::nan("")), "null");
}

TEST(JsonFormatTest, PlainNumbersReadBackAsTheSameDouble) {
  goclaw::testing::RandomJson random(7);
  for (int i = 0; i < 20000; ++i) {
    const double d = random.Double();
    const std::string text = PlainNumber(d);
    double back = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), back);
    ASSERT_EQ(ec, std::errc()) << text;
    ASSERT_EQ(end, text.data() + text.size()) << text;
    ASSERT_TRUE(back == d && std::signbit(back) == std::signbit(d)) << text << " for " << d;
    ASSERT_EQ(text.find('E'), std::string::npos) << text;
    // Valid JSON, and a double (not an integer) for a JSON reader.
    boost::system::error_code jec;
    boost::json::value v = boost::json::parse(text, jec);
    ASSERT_FALSE(jec) << text;
    ASSERT_TRUE(v.is_double()) << text;
  }
}

// Doubles (0 here) stand out of the comparison with Boost.JSON's own text.
void ZeroDoubles(boost::json::value& v) {
  if (v.is_double()) v = 0;
  if (auto* a = v.if_array()) {
    for (auto& e : *a) ZeroDoubles(e);
  }
  if (auto* o = v.if_object()) {
    for (auto& kv : *o) ZeroDoubles(kv.value());
  }
}

TEST(JsonFormatTest, CompactJsonIsBoostsTextExceptForDoubles) {
  goclaw::testing::RandomJson random(11);
  for (int i = 0; i < 500; ++i) {
    boost::json::value v = random.Value(8);
    const std::string compact = CompactJson(v);
    boost::json::parse_options deep;
    deep.max_depth = 64;
    boost::system::error_code ec;
    boost::json::value back = boost::json::parse(compact, ec, {}, deep);
    ASSERT_FALSE(ec) << compact.substr(0, 200);
    ZeroDoubles(back);
    ZeroDoubles(v);
    ASSERT_EQ(back, v) << compact.substr(0, 200);
    ASSERT_EQ(CompactJson(v), boost::json::serialize(v));  // the same escapes, no spaces
  }
  EXPECT_EQ(CompactJson(boost::json::parse(R"({"seconds": 3.4526e-05, "n": [1, -2, 2.0], "s": "a\"\u0001"})")),
            R"({"seconds":0.000034526,"n":[1,-2,2.0],"s":"a\"\u0001"})");
}

TEST(JsonFormatTest, PrettyJsonAndYamlPrintPlainDecimals) {
  auto v = boost::json::parse(R"({"duration_seconds": 3.4526e-05, "ratio": 0.5})");
  EXPECT_EQ(PrettyJson(v), "{\n  \"duration_seconds\": 0.000034526,\n  \"ratio\": 0.5\n}\n");
  EXPECT_EQ(ToYaml(v), "duration_seconds: 0.000034526\nratio: 0.5\n");
}

TEST(JsonFormatTest, RoundedSecondsKeepsMicroseconds) {
  EXPECT_EQ(PlainNumber(RoundedSeconds(3.4526123e-05)), "0.000035");
  EXPECT_EQ(PlainNumber(RoundedSeconds(12.0000004)), "12.0");
  EXPECT_EQ(PlainNumber(RoundedSeconds(std::chrono::nanoseconds(1500))), "0.000002");
  EXPECT_EQ(PlainNumber(RoundedSeconds(std::chrono::milliseconds(2750))), "2.75");
  EXPECT_EQ(PlainNumber(RoundedSeconds(86400.1234567)), "86400.123457");
}

}  // namespace
}  // namespace goclaw
