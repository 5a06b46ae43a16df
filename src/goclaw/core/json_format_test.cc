#include "goclaw/core/json_format.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "goclaw/core/document.h"

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

}  // namespace
}  // namespace goclaw
