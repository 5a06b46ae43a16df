// The web UI at /ui, end to end: a real Server on port 0 serving a UI directory made by the
// test, and a real HTTP client. Files, types and caching, HEAD and 304, the single-page app's
// fallback, the redirects, every way a path could leave the directory (400/404), methods (405),
// the 503 page when the UI is not built, the size bound, the host policy, the
// Content-Security-Policy and hardening headers on every answer, and that none of it is in the
// OpenAPI document.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <stdlib.h>

#include "goclaw/api/http/ui_files.h"
#include "goclaw/log/log.h"
#include "goclaw/server/test_server_fixture.h"

namespace goclaw::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kIndex =
    "<!doctype html><html><body><div id=\"root\"></div>"
    "<script type=\"module\" src=\"/ui/assets/index-1a2b.js\"></script></body></html>";
constexpr const char* kScript = "console.log('goclaw ui')";

class UiTest : public testing::ServerFixture {
 protected:
  UiTest() {
    char tmpl[] = "/tmp/goclaw-ui-XXXXXX";
    files_ = ::mkdtemp(tmpl);
    dist_ = fs::path(files_) / "dist";
    Write(dist_ / "index.html", kIndex);
    Write(dist_ / "assets" / "index-1a2b.js", kScript);
    Write(dist_ / "assets" / "index-3c4d.css", "body{margin:0}");
    Write(dist_ / "assets" / "logo-5e6f.svg", "<svg/>");
    Write(dist_ / "favicon.ico", std::string("\0\0\1\0", 4));
    // What must never be served: a file beside the directory, reachable by a symlink or by `..`.
    Write(fs::path(files_) / "secret.txt", "password");
    fs::create_symlink(fs::path(files_) / "secret.txt", dist_ / "secret.txt");
    Write(dist_ / ".env", "TOKEN=x");
  }
  ~UiTest() override {
    client_.reset();
    server_.reset();
    fs::remove_all(files_);
  }

  static void Write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  config::Config UiConfig() {
    config::Config c = Config();
    c.ui.dir = dist_.string();
    c.log.format = config::LogFormat::kText;  // the tests read the log lines
    return c;
  }

  std::string files_;
  fs::path dist_;
};

TEST_F(UiTest, ServesTheIndexAndHashedAssetsWithTheirTypesAndCaching) {
  Restart(UiConfig());
  EXPECT_EQ(server_->ui_url(), "http://127.0.0.1:" + std::to_string(server_->port()) + "/ui/");
  for (const char* target : {"/ui/", "/ui/index.html"}) {
    client::Response index = client_->Get(target);
    ASSERT_EQ(index.status, 200) << target << " " << index.body;
    EXPECT_EQ(index.body, kIndex);
    EXPECT_EQ(index.Header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(index.Header("cache-control"), "no-cache");  // a new build shows at once
    EXPECT_THAT(index.Header("etag"), ::testing::MatchesRegex("\"[0-9a-f]{16}-[0-9]+\""));
    EXPECT_EQ(index.Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(index.Header("x-frame-options"), "DENY");
    EXPECT_FALSE(index.Header("x-request-id").empty());
  }
  client::Response js = client_->Get("/ui/assets/index-1a2b.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.body, kScript);
  EXPECT_EQ(js.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(client_->Get("/ui/assets/index-3c4d.css").Header("content-type"),
            "text/css; charset=utf-8");
  EXPECT_EQ(client_->Get("/ui/assets/logo-5e6f.svg").Header("content-type"), "image/svg+xml");
  client::Response icon = client_->Get("/ui/favicon.ico");
  EXPECT_EQ(icon.Header("content-type"), "image/x-icon");
  EXPECT_EQ(icon.Header("cache-control"), "no-cache");  // not hashed
  EXPECT_EQ(icon.body.size(), 4u);
}

TEST_F(UiTest, HeadAnswersTheHeadersAndAMatchingTagAnswers304) {
  Restart(UiConfig());
  client::Response head = client_->Request("HEAD", "/ui/assets/index-1a2b.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.Header("content-length"), std::to_string(std::string(kScript).size()));
  EXPECT_EQ(head.Header("content-type"), "text/javascript; charset=utf-8");
  // The connection is still in step: the next answer on it is whole.
  EXPECT_EQ(client_->Get("/ui/assets/index-1a2b.js").body, kScript);
  EXPECT_EQ(client_->Request("HEAD", "/ui/").Header("content-length"),
            std::to_string(std::string(kIndex).size()));

  const std::string etag = client_->Get("/ui/").Header("etag");
  client::Response again = client_->Request("GET", "/ui/", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.Header("etag"), etag);
  EXPECT_EQ(client_->Request("GET", "/ui/", "", {{"If-None-Match", "\"other\", W/" + etag}}).status,
            304);
  EXPECT_EQ(client_->Request("GET", "/ui/", "", {{"If-None-Match", "\"other\""}}).status, 200);
  EXPECT_EQ(client_->Get("/health").status, 200);
}

TEST_F(UiTest, TheAppsPagesAnswerTheIndexAndMissingFilesAre404) {
  Restart(UiConfig());
  for (const char* page : {"/ui/workflows", "/ui/workflows/wf-0190f0a1-x", "/ui/lanes/",
                           "/ui/memory/chat%3Aalice", "/ui/workflows?status=failed"}) {
    client::Response r = client_->Get(page);
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.body, kIndex) << page;
    EXPECT_EQ(r.Header("cache-control"), "no-cache") << page;
  }
  for (const char* missing : {"/ui/assets/index-0000.js", "/ui/nope.png", "/ui/workflows/a.json",
                              "/ui/.env", "/ui/secret.txt"}) {
    client::Response r = client_->Get(missing);
    EXPECT_EQ(r.status, 404) << missing << " " << r.body;
    EXPECT_EQ(r.Json().at("error").at("code"), "NOT_FOUND") << missing;
    EXPECT_THAT(r.body, Not(HasSubstr("password"))) << missing;
  }
}

// The policy's own parts, so that a weakened kUiContentSecurityPolicy fails here too.
void ExpectHardened(const client::Response& r, const std::string& what) {
  const std::string csp = r.Header("content-security-policy");
  EXPECT_EQ(csp, api::http::kUiContentSecurityPolicy) << what;
  for (const char* part :
       {"default-src 'self'", "script-src 'self';", "connect-src 'self';", "object-src 'none'",
        "base-uri 'self'", "frame-ancestors 'none'", "form-action 'self'"}) {
    EXPECT_THAT(csp, HasSubstr(part)) << what;
  }
  EXPECT_THAT(csp, Not(HasSubstr("unsafe-eval"))) << what;
  EXPECT_THAT(csp, Not(HasSubstr("*"))) << what;
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff") << what;
  EXPECT_EQ(r.Header("referrer-policy"), "no-referrer") << what;
  EXPECT_EQ(r.Header("x-frame-options"), "DENY") << what;
}

TEST_F(UiTest, EveryAnswerUnderUiCarriesTheContentSecurityPolicy) {
  Restart(UiConfig());
  const std::string etag = client_->Get("/ui/").Header("etag");
  const std::vector<std::tuple<std::string, std::string, int>> answers = {
      {"GET", "/ui/", 200},
      {"GET", "/ui/index.html", 200},
      {"GET", "/ui/workflows/wf-1", 200},  // the app's fallback
      {"GET", "/ui/assets/index-1a2b.js", 200},
      {"GET", "/ui/assets/index-3c4d.css", 200},
      {"HEAD", "/ui/", 200},
      {"GET", "/ui/nope.png", 404},
      {"GET", "/ui/%2e%2e/secret.txt", 400},
      {"GET", "/ui", 302},
      {"GET", "/", 302},
  };
  for (const auto& [method, target, status] : answers) {
    client::Response r = client_->Request(method, target);
    EXPECT_EQ(r.status, status) << method << " " << target;
    ExpectHardened(r, method + " " + target);
  }
  client::Response not_modified = client_->Request("GET", "/ui/", "", {{"If-None-Match", etag}});
  EXPECT_EQ(not_modified.status, 304);
  ExpectHardened(not_modified, "304");
  // Not the API's: its JSON is not a page.
  EXPECT_EQ(client_->Get("/api/v1/lanes").Header("content-security-policy"), "");

  // The 503 page when the UI is not built.
  config::Config c = UiConfig();
  c.ui.dir = files_ + "/not-built";
  Restart(c);
  client::Response unbuilt = client_->Get("/ui/");
  EXPECT_EQ(unbuilt.status, 503);
  ExpectHardened(unbuilt, "503");
}

TEST_F(UiTest, TheRootAndUiRedirectToTheApp) {
  Restart(UiConfig());
  for (const auto& [method, target, location] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", "/", "/ui/"},
           {"GET", "/ui", "/ui/"},
           {"HEAD", "/", "/ui/"},
           {"GET", "/ui?theme=dark", "/ui/?theme=dark"}}) {
    client::Response r = client_->Request(method, target);
    EXPECT_EQ(r.status, 302) << method << " " << target;
    EXPECT_EQ(r.Header("location"), location) << target;
  }
}

TEST_F(UiTest, NoPathLeavesTheDirectory) {
  Restart(UiConfig());
  const std::vector<std::string> refused = {
      "/ui/../secret.txt",
      "/ui/%2e%2e/secret.txt",
      "/ui/%2E%2E/secret.txt",
      "/ui/assets/..%2f..%2fsecret.txt",
      "/ui/assets/%2e%2e%2fsecret.txt",
      "/ui/.%2e/secret.txt",
      "/ui/./index.html",
      "/ui/a%00b",
      "/ui/index.html%00.js",
      "/ui/%zz",
      "/ui//etc/passwd",
      "/ui/assets//index-1a2b.js",
      "/ui/..%5csecret.txt",
      "/ui/%2fetc%2fpasswd",
      "/ui/assets/%2e%2e/%2e%2e/secret.txt",
  };
  for (const std::string& target : refused) {
    client::Response r = client_->Get(target);
    EXPECT_EQ(r.status, 400) << target << " " << r.body;
    EXPECT_EQ(r.Json().at("error").at("code"), "BAD_REQUEST") << target;
    EXPECT_THAT(r.body, Not(HasSubstr("password"))) << target;
  }
  // A raw request line, as a hostile client sends it (no client-side normalization).
  client::Response raw =
      client_->Raw("GET /ui/../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(raw.status, 400);
  EXPECT_THAT(raw.body, Not(HasSubstr("root:")));
  // Still serving.
  EXPECT_EQ(client_->Get("/ui/").status, 200);
}

TEST_F(UiTest, OnlyGetAndHeadAreAllowed) {
  Restart(UiConfig());
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/ui/"},
                                                        {"PUT", "/ui/index.html"},
                                                        {"DELETE", "/ui/assets/index-1a2b.js"},
                                                        {"POST", "/"},
                                                        {"PATCH", "/ui"},
                                                        {"OPTIONS", "/ui/"}}) {
    client::Response r =
        client_->Request(method, target, "{}", {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 405) << method << " " << target;
    EXPECT_EQ(r.Header("allow"), "GET, HEAD") << method << " " << target;
  }
}

TEST_F(UiTest, TheHostPolicyAppliesToTheUiToo) {
  Restart(UiConfig());
  client::Response evil = client_->Request("GET", "/ui/", "", {{"Host", "evil.example"}});
  EXPECT_EQ(evil.status, 421);
  EXPECT_THAT(evil.body, Not(HasSubstr("<div id=\"root\">")));
  EXPECT_EQ(client_->Request("GET", "/ui/", "", {{"Host", "localhost:1234"}}).status, 200);
}

TEST_F(UiTest, WithoutBuiltFilesTheUiAnswers503SayingHowToBuildIt) {
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  config::Config c = UiConfig();
  c.ui.dir = files_ + "/not-built";
  log::Logging logging(c.log, sink);
  auto s = Server::Start(c, [&logging](std::string_view module) { return logging.For(module); });
  ASSERT_TRUE(s) << s.error().ToString();
  client::testing::TestHttpClient client((*s)->port());
  EXPECT_EQ((*s)->ui_url(), "");
  for (const char* target : {"/ui/", "/ui/workflows", "/ui/assets/index-1a2b.js"}) {
    client::Response r = client.Get(target);
    EXPECT_EQ(r.status, 503) << target;
    EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
    EXPECT_THAT(r.body, HasSubstr("make ui"));
    EXPECT_THAT(r.body, Not(HasSubstr(files_)));  // where it looked is in the log, not on the page
  }
  EXPECT_EQ(client.Get("/").status, 302);
  EXPECT_EQ(client.Get("/api/v1/lanes").status, 200);  // the API works without it
  s->reset();
  EXPECT_THAT(log.str(),
              HasSubstr("web UI: not built, /ui/ answers 503 (looked for index.html in: " + files_ +
                        "/not-built (ui.dir))"));
}

TEST_F(UiTest, TheLogSaysWhatIsServedAndWhere) {
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  config::Config c = UiConfig();
  log::Logging logging(c.log, sink);
  auto s = Server::Start(c, [&logging](std::string_view module) { return logging.For(module); });
  ASSERT_TRUE(s) << s.error().ToString();
  const std::string url = (*s)->ui_url();
  s->reset();
  EXPECT_THAT(log.str(), HasSubstr("web UI: serving " + fs::canonical(dist_).string() + " at " +
                                   url + " (5 files, "));
  EXPECT_THAT(log.str(), HasSubstr("web UI: left out 2 symlinks and dot-files"));
}

TEST_F(UiTest, FilesOver16MiBAreRefusedWithALogLine) {
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  Write(dist_ / "assets" / "huge-0000.js", std::string(17u << 20, 'x'));
  config::Config c = UiConfig();
  log::Logging logging(c.log, sink);
  auto s = Server::Start(c, [&logging](std::string_view module) { return logging.For(module); });
  ASSERT_TRUE(s) << s.error().ToString();
  client::testing::TestHttpClient client((*s)->port());
  EXPECT_EQ(client.Get("/ui/").status, 503);
  EXPECT_EQ((*s)->ui_url(), "");
  s->reset();
  EXPECT_THAT(log.str(), HasSubstr("are more than 16 MiB together"));
}

TEST_F(UiTest, DisabledMeansNoRoutes) {
  config::Config c = UiConfig();
  c.ui.enabled = false;
  Restart(c);
  EXPECT_EQ(client_->Get("/ui/").status, 404);
  EXPECT_EQ(client_->Get("/").status, 404);
  EXPECT_EQ(server_->ui_url(), "");
}

TEST_F(UiTest, TheUiIsNotInTheOpenApiDocument) {
  Restart(UiConfig());
  client::Response r = client_->Get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  const boost::json::value doc = r.Json();
  const auto& paths = doc.at("paths").as_object();
  EXPECT_FALSE(paths.contains("/"));
  EXPECT_FALSE(paths.contains("/ui"));
  EXPECT_FALSE(paths.contains("/ui/{*path}"));
  EXPECT_TRUE(paths.contains("/api/v1/stats/series"));
  EXPECT_TRUE(paths.contains("/api/v1/workflows/{id}/spec"));
  for (const auto& [path, item] : paths) EXPECT_FALSE(item.as_object().contains("head")) << path;
}

}  // namespace
}  // namespace goclaw::server
