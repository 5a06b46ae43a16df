// `cmake --install` as a packager runs it: the build tree installed into a temporary prefix, then
// the installed goclaw (not the build's) started on a free port with no GOCLAW_UI_DIR serves the
// built web UI at /ui/ from <prefix>/share/goclaw/ui (apps/goclaw/CMakeLists.txt, the lookup of
// src/goclaw/api/http/ui_files.h); without the installed UI it answers 503.
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/client/test_http_client.h"
#include "goclaw/core/test_shell.h"
#include "run_command.h"
#include "server_process.h"

namespace goclaw::testing {
namespace {

namespace fs = std::filesystem;
using client::testing::TestHttpClient;
using ::testing::HasSubstr;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t CountFiles(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) n += entry.is_regular_file();
  return n;
}

TEST(InstallE2eTest, TheInstalledBinaryServesTheInstalledUiWithoutGoclawUiDir) {
  const fs::path dist = SourcePath("web/dist");
  ASSERT_TRUE(fs::is_regular_file(dist / "index.html"))
      << dist << " is not built: run `make ui` (the install copies it)";
  TempDir prefix;
  const ShellResult install = RunShell("'" GOCLAW_CMAKE_COMMAND "' --install '" GOCLAW_BUILD_DIR
                                       "' --prefix '" + prefix.path() + "'");
  ASSERT_EQ(install.exit_code, 0) << install.output;
  const fs::path bin = fs::path(prefix.path()) / "bin" / "goclaw";
  const fs::path ui = fs::path(prefix.path()) / "share" / "goclaw" / "ui";
  ASSERT_TRUE(fs::is_regular_file(bin)) << install.output;
  EXPECT_EQ(fs::status(bin).permissions() & fs::perms::owner_exec, fs::perms::owner_exec);
  EXPECT_EQ(ReadFile(ui / "index.html"), ReadFile(dist / "index.html"));
  EXPECT_EQ(CountFiles(ui), CountFiles(dist));

  ::unsetenv("GOCLAW_UI_DIR");  // the installed binary must find it by itself
  const std::string index = ReadFile(dist / "index.html");
  {
    ServerProcess server({}, "", bin.string());
    ASSERT_GT(server.port(), 0) << server.Stderr();
    TestHttpClient client(server.port());
    client::Response page = client.Get("/ui/");
    ASSERT_EQ(page.status, 200) << page.body.substr(0, 300) << "\n" << server.Stderr();
    EXPECT_EQ(page.body, index);
    EXPECT_FALSE(page.Header("content-security-policy").empty());
    // The app's entry script, as index.html names it.
    std::smatch entry;
    ASSERT_TRUE(std::regex_search(index, entry, std::regex("/ui/assets/index-[^\"]+\\.js")));
    client::Response script = client.Get(entry.str());
    EXPECT_EQ(script.status, 200) << entry.str();
    EXPECT_EQ(script.Header("content-type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(script.body, ReadFile(dist / entry.str().substr(4)));
    EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
    // Served from the prefix, not from the source tree's web/dist.
    EXPECT_THAT(server.Stderr(), HasSubstr("web UI: serving " + fs::canonical(ui).string()));
  }

  // An install without the UI (not built when installed): /ui/ says so, the API works.
  fs::remove_all(ui);
  ServerProcess server({}, "", bin.string());
  ASSERT_GT(server.port(), 0) << server.Stderr();
  TestHttpClient client(server.port());
  client::Response missing = client.Get("/ui/");
  EXPECT_EQ(missing.status, 503);
  EXPECT_THAT(missing.body, HasSubstr("make ui"));
  EXPECT_EQ(client.Get("/api/v1/lanes").status, 200);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
  EXPECT_THAT(server.Stderr(), HasSubstr(ui.lexically_normal().string() + " (installed)"));
}

}  // namespace
}  // namespace goclaw::testing
