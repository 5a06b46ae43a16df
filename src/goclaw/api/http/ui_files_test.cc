// Finding and loading the web UI's files: the search order, what is loaded (and what is not:
// symlinks, dot-files), the size bound, content types.
#include "goclaw/api/http/ui_files.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

namespace goclaw::api::http {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class UiFilesTest : public ::testing::Test {
 protected:
  UiFilesTest() {
    char tmpl[] = "/tmp/goclaw-ui-test-XXXXXX";
    root_ = ::mkdtemp(tmpl);
  }
  ~UiFilesTest() override { fs::remove_all(root_); }

  void Write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  // A built UI: index.html and assets/.
  fs::path Dist(const fs::path& dir) {
    Write(dir / "index.html", "<!doctype html><title>goclaw</title>");
    Write(dir / "assets" / "index-1a2b.js", "console.log('hi')");
    Write(dir / "assets" / "index-3c4d.css", "body{}");
    return dir;
  }

  fs::path root_;
};

TEST_F(UiFilesTest, TheConfiguredDirIsTheOnlyPlaceLookedAt) {
  Dist(root_ / "env");
  UiLocation found =
      FindUiDir({.configured = (root_ / "mine").string(), .env = (root_ / "env").string()});
  EXPECT_EQ(found.dir, "");
  EXPECT_THAT(found.searched, ElementsAre((root_ / "mine").string() + " (ui.dir)"));
  Dist(root_ / "mine");
  EXPECT_EQ(FindUiDir({.configured = (root_ / "mine").string()}).dir, (root_ / "mine").string());
}

TEST_F(UiFilesTest, ThenTheEnvironmentThenInstalledThenTheBuildTree) {
  // <root>/repo/build/release/apps/goclaw/goclaw, with <root>/repo/web/dist.
  const fs::path exe = root_ / "repo" / "build" / "release" / "apps" / "goclaw" / "goclaw";
  UiLocation none = FindUiDir({.executable = exe});
  EXPECT_EQ(none.dir, "");
  ASSERT_GE(none.searched.size(), 3u);
  EXPECT_EQ(none.searched[0],
            (root_ / "repo/build/release/apps/share/goclaw/ui").string() + " (installed)");
  EXPECT_EQ(none.searched[1], (root_ / "repo/build/release/apps/goclaw/web/dist").string());

  Dist(root_ / "repo" / "web" / "dist");
  UiLocation tree = FindUiDir({.executable = exe});
  EXPECT_EQ(tree.dir, (root_ / "repo" / "web" / "dist").string());
  EXPECT_EQ(tree.searched.back(), tree.dir);

  // Installed: <prefix>/bin/goclaw and <prefix>/share/goclaw/ui wins over the build tree.
  const fs::path installed =
      root_ / "repo" / "build" / "release" / "apps" / "share" / "goclaw" / "ui";
  Dist(installed);
  EXPECT_EQ(FindUiDir({.executable = exe}).dir, installed.string());

  // GOCLAW_UI_DIR before both; a wrong one is passed over (and listed).
  Dist(root_ / "env");
  EXPECT_EQ(FindUiDir({.env = (root_ / "env").string(), .executable = exe}).dir,
            (root_ / "env").string());
  UiLocation wrong = FindUiDir({.env = (root_ / "nope").string(), .executable = exe});
  EXPECT_EQ(wrong.dir, installed.string());
  EXPECT_EQ(wrong.searched.front(), (root_ / "nope").string() + " (GOCLAW_UI_DIR)");
}

TEST_F(UiFilesTest, LoadsEveryFileWithItsTypeAndTag) {
  const fs::path dist = Dist(root_ / "dist");
  Write(dist / "favicon.ico", std::string("\0\1\2", 3));
  auto files = UiFiles::Load(dist);
  ASSERT_TRUE(files) << files.error().ToString();
  EXPECT_EQ(files->count(), 4u);
  EXPECT_EQ(files->dir(), fs::canonical(dist).string());
  const UiFile* index = files->Find("index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->body, "<!doctype html><title>goclaw</title>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_THAT(index->etag, ::testing::MatchesRegex("\"[0-9a-f]{16}-36\""));
  ASSERT_NE(files->Find("assets/index-1a2b.js"), nullptr);
  EXPECT_EQ(files->Find("assets/index-1a2b.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(files->Find("assets/index-1a2b.js")->etag, index->etag);
  EXPECT_EQ(files->Find("favicon.ico")->body.size(), 3u);
  EXPECT_EQ(files->bytes(), 36u + 17u + 6u + 3u);
  EXPECT_EQ(files->Find("assets"), nullptr);
  EXPECT_EQ(files->Find("missing.js"), nullptr);
  EXPECT_EQ(files->Find("../dist/index.html"), nullptr);
}

TEST_F(UiFilesTest, SymlinksAndDotFilesAreLeftOut) {
  const fs::path dist = Dist(root_ / "dist");
  Write(root_ / "secret.txt", "password");
  Write(root_ / "outside" / "key.pem", "-----BEGIN");
  fs::create_symlink(root_ / "secret.txt", dist / "secret.txt");
  fs::create_directory_symlink(root_ / "outside", dist / "assets" / "out");
  Write(dist / ".env", "TOKEN=x");
  Write(dist / ".git" / "config", "[core]");
  auto files = UiFiles::Load(dist);
  ASSERT_TRUE(files) << files.error().ToString();
  EXPECT_EQ(files->Find("secret.txt"), nullptr);
  EXPECT_EQ(files->Find("assets/out/key.pem"), nullptr);
  EXPECT_EQ(files->Find(".env"), nullptr);
  EXPECT_EQ(files->Find(".git/config"), nullptr);
  EXPECT_EQ(files->count(), 3u);
  EXPECT_EQ(files->skipped(), 4u);
}

TEST_F(UiFilesTest, ASymlinkedDirIsFollowedOnceAtTheTop) {
  // An installed share/goclaw/ui may itself be a link to the files: that is the directory.
  const fs::path dist = Dist(root_ / "dist");
  fs::create_directory_symlink(dist, root_ / "link");
  auto files = UiFiles::Load(root_ / "link");
  ASSERT_TRUE(files) << files.error().ToString();
  EXPECT_EQ(files->dir(), fs::canonical(dist).string());
  EXPECT_EQ(files->count(), 3u);
}

TEST_F(UiFilesTest, WhatCannotBeServedIsRefused) {
  auto missing = UiFiles::Load(root_ / "nothing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  Write(root_ / "noindex" / "app.js", "x");
  auto no_index = UiFiles::Load(root_ / "noindex");
  ASSERT_FALSE(no_index);
  EXPECT_EQ(no_index.error().code(), ErrorCode::kNotFound);
  EXPECT_THAT(no_index.error().message(), HasSubstr("no index.html in"));

  Write(root_ / "real.html", "<p>");
  fs::create_directories(root_ / "linked");
  fs::create_symlink(root_ / "real.html", root_ / "linked" / "index.html");
  auto linked = UiFiles::Load(root_ / "linked");
  ASSERT_FALSE(linked);
  EXPECT_EQ(linked.error().code(), ErrorCode::kNotFound);
  EXPECT_THAT(linked.error().message(), HasSubstr("a symlink is not served"));

  const fs::path big = Dist(root_ / "big");
  Write(big / "assets" / "huge.js", std::string(2u << 20, 'x'));
  auto over = UiFiles::Load(big, 1u << 20);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_THAT(over.error().message(), HasSubstr("are more than 1 MiB together"));
  EXPECT_TRUE(UiFiles::Load(big, 4u << 20));
}

TEST(UiContentTypeTest, ByExtension) {
  EXPECT_EQ(ContentTypeOf("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("assets/a.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("assets/a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("logo.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeOf("logo.png"), "image/png");
  EXPECT_EQ(ContentTypeOf("manifest.json"), "application/json");
  EXPECT_EQ(ContentTypeOf("assets/f.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeOf("favicon.ico"), "image/x-icon");
  EXPECT_EQ(ContentTypeOf("assets/a.js.map"), "application/json");
  EXPECT_EQ(ContentTypeOf("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("LICENSE"), "application/octet-stream");
  EXPECT_EQ(ContentTypeOf("a.d/file"), "application/octet-stream");
  EXPECT_EQ(ContentTypeOf("x.exe"), "application/octet-stream");
}

}  // namespace
}  // namespace goclaw::api::http
