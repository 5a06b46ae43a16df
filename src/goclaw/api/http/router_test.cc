// Router matching (404 vs 405, params, escapes) and percent-decoding.
#include "goclaw/api/http/router.h"

#include <gtest/gtest.h>

namespace goclaw::api::http {
namespace {

HttpResponse Named(std::string name) { return HttpResponse::Text(200, std::move(name)); }

std::string Handle(const Router::Match& m) {
  HttpRequest req;
  return m.route ? m.route->handler(req).body : "";
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.Add("GET", "/api/v1/workflows", "", [](HttpRequest&) { return Named("list"); });
    router_.Add("POST", "/api/v1/workflows", "", [](HttpRequest&) { return Named("submit"); });
    router_.Add("POST", "/api/v1/workflows/validate", "", [](HttpRequest&) { return Named("validate"); });
    router_.Add("GET", "/api/v1/workflows/{id}", "", [](HttpRequest&) { return Named("get"); });
    router_.Add("GET", "/api/v1/workflows/{id}/tasks/{task}/result", "", [](HttpRequest&) { return Named("result"); });
  }
  std::string Run(const Router::Match& m) { return Handle(m); }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralAndParamRoutes) {
  EXPECT_EQ(Run(router_.Find("GET", "/api/v1/workflows")), "list");
  EXPECT_EQ(Run(router_.Find("POST", "/api/v1/workflows")), "submit");
  EXPECT_EQ(Run(router_.Find("POST", "/api/v1/workflows/validate")), "validate");
  auto m = router_.Find("GET", "/api/v1/workflows/wf-1/tasks/fetch%20all/result");
  EXPECT_EQ(Run(m), "result");
  EXPECT_EQ(m.params.at("id"), "wf-1");
  EXPECT_EQ(m.params.at("task"), "fetch all");
}

TEST_F(RouterTest, WrongMethodListsTheAllowedOnes) {
  auto m = router_.Find("DELETE", "/api/v1/workflows");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allow, (std::vector<std::string>{"GET", "POST"}));
  auto one = router_.Find("PUT", "/api/v1/workflows/wf-1");
  EXPECT_EQ(one.allow, (std::vector<std::string>{"GET"}));
}

TEST_F(RouterTest, UnknownPathsAndEmptySegmentsAreNotFound) {
  for (const char* path : {"/", "/api", "/api/v1/workflow", "/api/v1/workflows/", "/api/v1/workflows//tasks/x/result",
                           "/api/v1/workflows/a/b", "/API/V1/WORKFLOWS"}) {
    auto m = router_.Find("GET", path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allow.empty()) << path;
  }
}

TEST_F(RouterTest, MalformedEscapesAreFlagged) {
  auto m = router_.Find("GET", "/api/v1/workflows/%zz");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.bad_escape);
  EXPECT_TRUE(router_.Find("GET", "/api/v1/workflows/a%00b").bad_escape);  // NUL
  // An encoded slash decodes into the parameter (the handler's id check refuses it).
  EXPECT_EQ(router_.Find("GET", "/api/v1/workflows/..%2F..%2Fetc").params.at("id"), "../../etc");
}

TEST(RouterRestTest, ARestSegmentTakesTheRawRemainder) {
  Router router;
  router.Add("GET", "/ui/{*path}", "", [](HttpRequest&) { return Named("ui"); });
  router.Add("GET", "/ui", "", [](HttpRequest&) { return Named("redirect"); });
  auto root = router.Find("GET", "/ui/");
  ASSERT_NE(root.route, nullptr);
  EXPECT_EQ(root.params.at("path"), "");
  auto deep = router.Find("GET", "/ui/assets/index-1a2b.js");
  ASSERT_NE(deep.route, nullptr);
  EXPECT_EQ(deep.params.at("path"), "assets/index-1a2b.js");
  // Raw: escapes, dots and empty segments reach the handler as sent (it decides what is safe).
  EXPECT_EQ(router.Find("GET", "/ui/a/%2e%2e/%zz//b").params.at("path"), "a/%2e%2e/%zz//b");
  EXPECT_FALSE(router.Find("GET", "/ui/%zz").bad_escape);
  EXPECT_EQ(Handle(router.Find("GET", "/ui")), "redirect");
  EXPECT_EQ(router.Find("GET", "/uix/a").route, nullptr);
  auto post = router.Find("POST", "/ui/x");
  EXPECT_EQ(post.route, nullptr);
  EXPECT_EQ(post.allow, (std::vector<std::string>{"GET"}));
}

TEST(PercentDecodeTest, DecodesPathsAndQueries) {
  std::string out;
  EXPECT_TRUE(PercentDecode("a%20b+c", false, &out));
  EXPECT_EQ(out, "a b+c");
  EXPECT_TRUE(PercentDecode("a%20b+c", true, &out));
  EXPECT_EQ(out, "a b c");
  EXPECT_TRUE(PercentDecode("%C3%A9", true, &out));
  EXPECT_EQ(out, "\xC3\xA9");
  EXPECT_FALSE(PercentDecode("%", true, &out));
  EXPECT_FALSE(PercentDecode("%4", true, &out));
  EXPECT_FALSE(PercentDecode("%G0", true, &out));
  EXPECT_FALSE(PercentDecode("%00", true, &out));
}

}  // namespace
}  // namespace goclaw::api::http
