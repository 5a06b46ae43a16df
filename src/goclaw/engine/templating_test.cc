#include "goclaw/engine/templating.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace goclaw::engine {
namespace {

class TemplatingTest : public ::testing::Test {
 protected:
  boost::json::value input_ = boost::json::parse(R"({"topic": "lanes", "count": 3})");
  boost::json::value search_ =
      boost::json::parse(R"({"body": "found", "items": [{"url": "a"}, {"url": "b"}]})");
  TemplateRoots roots_ = [this](std::string_view kind, std::string_view id) -> const boost::json::value* {
    if (kind == "input") return &input_;
    if (id == "search") return &search_;
    return nullptr;
  };
};

TEST_F(TemplatingTest, WholeValueKeepsItsType) {
  auto r = ResolveTemplates(boost::json::parse(
                                R"({"n": "{{input.count}}", "items": "{{ tasks.search.output.items }}",
                                    "url": "{{tasks.search.output.items.1.url}}", "plain": 5})"),
                            roots_);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, boost::json::parse(
                    R"({"n": 3, "items": [{"url": "a"}, {"url": "b"}], "url": "b", "plain": 5})"));
}

TEST_F(TemplatingTest, InterpolatesInsideStrings) {
  auto r = ResolveTemplates(
      boost::json::parse(R"({"q": "about {{input.topic}} x{{input.count}}: {{tasks.search.output.body}}"})"),
      roots_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("q"), "about lanes x3: found");
}

TEST_F(TemplatingTest, MissingPathsFailClearly) {
  auto missing = ResolveTemplates(boost::json::value("{{input.nope}}"), roots_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "{{input.nope}}: no \"nope\" in the referenced value");
  auto task = ResolveTemplates(boost::json::value("{{tasks.other.output}}"), roots_);
  ASSERT_FALSE(task);
  EXPECT_NE(task.error().message().find("task \"other\" has no output here"), std::string::npos);
  auto bad = ResolveTemplates(boost::json::value("{{env.HOME}}"), roots_);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("unknown reference"), std::string::npos);
  auto index = ResolveTemplates(boost::json::value("{{tasks.search.output.items.9}}"), roots_);
  ASSERT_FALSE(index);
}

TEST(TemplatingLimitsTest, HugeArrayIndexesDoNotWrapAround) {
  boost::json::value output = boost::json::object{{"items", boost::json::array{"a", "b"}}};
  auto roots = [&](std::string_view kind, std::string_view) -> const boost::json::value* {
    return kind == "tasks" ? &output : nullptr;
  };
  auto wrapped = ResolveTemplates(boost::json::value("{{tasks.x.output.items.18446744073709551617}}"), roots);
  ASSERT_FALSE(wrapped);  // 2^64 + 1 is not element 1
  auto fine = ResolveTemplates(boost::json::value("{{tasks.x.output.items.1}}"), roots);
  ASSERT_TRUE(fine);
  EXPECT_EQ(*fine, boost::json::value("b"));
}

// The resolved config is bounded before it is built (limits.max_config_bytes).
TEST(TemplatingLimitsTest, TheResolvedSizeIsBoundedBeforeCopying) {
  boost::json::value big(std::string(1000, 'x'));
  auto roots = [&](std::string_view kind, std::string_view) -> const boost::json::value* {
    return kind == "tasks" ? &big : nullptr;
  };
  boost::json::array refs;
  for (int i = 0; i < 100; ++i) refs.emplace_back("{{tasks.x.output}}");
  auto over = ResolveTemplates(boost::json::value(refs), roots, 50000);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(over.error().message().find("limits.max_config_bytes"), std::string::npos);
  auto inside = ResolveTemplates(boost::json::value("n={{tasks.x.output}}"), roots, 50000);
  ASSERT_TRUE(inside);
  auto under = ResolveTemplates(boost::json::value(refs), roots, 200000);
  ASSERT_TRUE(under);
}

}  // namespace
}  // namespace goclaw::engine
