#include "goclaw/core/json_limits.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <boost/json/serialize.hpp>

#include "goclaw/core/document.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/test_random_json.h"
#include "goclaw/core/text.h"

namespace goclaw {
namespace {

using boost::json::value;

TEST(JsonLimitsTest, NonFiniteNumbersAreRefusedWithTheirPath) {
  value v = boost::json::object{{"a", boost::json::array{1, std::numeric_limits<double>::infinity()}}};
  Status s = CheckJsonValue(v, "input");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("input.a[1]"), std::string::npos) << s.error().message();
  EXPECT_NE(s.error().message().find("not finite"), std::string::npos);
  EXPECT_FALSE(CheckJsonValue(value(std::nan("")), ""));
}

TEST(JsonLimitsTest, DepthLimitIsTheOneTheReaderUses) {
  testing::RandomJson gen(1);
  value ok = gen.Chain(kMaxJsonDepth);
  value deep = gen.Chain(kMaxJsonDepth + 1);
  EXPECT_TRUE(CheckJsonValue(ok, ""));
  EXPECT_FALSE(CheckJsonValue(deep, ""));
  // Everything the check accepts reads back; what it refuses would not.
  EXPECT_TRUE(ParseJsonText(JsonText(ok)));
  EXPECT_FALSE(ParseJsonText(JsonText(deep)));
}

TEST(JsonLimitsTest, InvalidUtf8IsRefusedFromUsersAndRepairedFromAgents) {
  value v = boost::json::object{{"k\xff", "ok"}, {"s", "bad \xc3\x28 byte"}};
  EXPECT_FALSE(CheckJsonValue(v, ""));
  auto size = SanitizeAgentJson(v, 1 << 20);
  ASSERT_TRUE(size) << size.error().message();
  const std::string text = boost::json::serialize(v);
  EXPECT_FALSE(FindInvalidUtf8(text));
  EXPECT_NE(text.find("bad \xEF\xBF\xBD( byte"), std::string::npos) << text;
  EXPECT_NE(text.find("k\xEF\xBF\xBD"), std::string::npos) << text;
  EXPECT_TRUE(CheckJsonValue(v, ""));
}

TEST(JsonLimitsTest, AgentOutputsOverTheLimitOrNonFiniteFail) {
  value big = boost::json::array();
  for (int i = 0; i < 1000; ++i) big.as_array().push_back(value(std::string(100, 'x')));
  auto over = SanitizeAgentJson(big, 10000);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), ErrorCode::kResourceExhausted);
  value inf = boost::json::object{{"n", 1e308 * 10}};
  auto bad = SanitizeAgentJson(inf, 1 << 20);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message().find("output.n"), std::string::npos) << bad.error().message();
}

TEST(JsonLimitsTest, SizesBoundTheSerializedText) {
  testing::RandomJson gen(7);
  for (int i = 0; i < 2000; ++i) {
    value v = gen.Value(8);
    const std::size_t text = JsonText(v).size();
    EXPECT_GE(JsonTextSize(v, static_cast<std::size_t>(-1)), text);
    value copy = v;
    auto size = SanitizeAgentJson(copy, static_cast<std::size_t>(-1));
    ASSERT_TRUE(size);
    EXPECT_GE(*size, text);
  }
  // Counting stops early: a huge value is not walked to the end.
  value big = boost::json::array();
  for (int i = 0; i < 100000; ++i) big.as_array().push_back(value("abcdefgh"));
  EXPECT_GT(JsonTextSize(big, 100), 100u);
  EXPECT_LT(JsonTextSize(big, 100), 200u);
}

// Property: whatever passes the checks is written and read back unchanged, bit for bit.
TEST(JsonTextTest, EveryAcceptedValueRoundTripsExactly) {
  testing::RandomJson gen(42);
  for (int i = 0; i < 3000; ++i) {
    value v = gen.Value();
    ASSERT_TRUE(CheckJsonValue(v, "")) << JsonText(v);
    const std::string text = JsonText(v);
    EXPECT_FALSE(FindInvalidUtf8(text));
    auto back = ParseJsonText(text);
    ASSERT_TRUE(back) << back.error().message() << " for " << text.substr(0, 200);
    ASSERT_EQ(*back, v) << text.substr(0, 200);
    EXPECT_EQ(JsonText(*back), text);
  }
}

TEST(DocumentLimitsTest, SpecsWithValuesThatCannotBeKeptAreRefused) {
  auto json = ParseDocument(R"({"input": {"x": 1e999}})", DocumentFormat::kJson);
  ASSERT_FALSE(json);
  EXPECT_NE(json.error().message().find("input.x"), std::string::npos) << json.error().message();
  auto yaml = ParseDocument("input:\n  x: .inf\n", DocumentFormat::kYaml);
  ASSERT_FALSE(yaml);
  EXPECT_NE(yaml.error().message().find("line 2"), std::string::npos) << yaml.error().message();
  EXPECT_FALSE(ParseDocument("x: .nan\n", DocumentFormat::kYaml));
}

// Found by fuzz/json_values_fuzzer: a 26-digit integer parses (summed digit by digit) to a
// double that no JsonText form reads back. The boundaries store the nearest one that does.
TEST(JsonTextTest, DoublesWithoutAnExactTextAreMadeExactAtTheBoundary) {
  auto doc = ParseDocument("[18446740000115057997623219, 1.7976931348623157]", DocumentFormat::kJson);
  ASSERT_TRUE(doc) << doc.error().ToString();
  const std::string text = JsonText(doc->root);
  auto back = ParseJsonText(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, doc->root) << text;
  auto agent = ParseJsonText("{\"n\": 18446740000115057997623219}");
  ASSERT_TRUE(agent);
  ASSERT_TRUE(SanitizeAgentJson(*agent, 1 << 20));
  EXPECT_EQ(*ParseJsonText(JsonText(*agent)), *agent);
}

}  // namespace
}  // namespace goclaw
