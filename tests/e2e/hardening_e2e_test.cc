// The CLI against a hostile world (issue 12): servers that accept a connection and never
// answer, endless input files, data that tries to drive the terminal, several YAML documents
// in one file, CR-only line endings, empty --data-dir.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run_command.h"

namespace goclaw::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A TCP listener on a free loopback port that completes connections (the kernel does, from
// the backlog) and never says a word.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
      return;
    }
    url_ = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  }
  ~SilentServer() { ::close(fd_); }
  const std::string& url() const { return url_; }

 private:
  int fd_ = -1;
  std::string url_;
};

struct Timed {
  CommandResult result;
  double seconds;
};

Timed RunTimed(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  const auto start = std::chrono::steady_clock::now();
  CommandResult r = RunGoclaw(args, "", env, /*timeout_seconds=*/30);
  return {r, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

// Regression: every client command hung forever against a server that never answers.
TEST(HardeningE2E, ClientCommandsTimeOutAgainstASilentServer) {
  SilentServer silent;
  TempDir dir;
  const std::string spec = dir.Write("s.yaml", "tasks: [{id: a}]\n");
  const std::string snap = dir.path() + "/snap";
  const std::vector<std::vector<std::string>> commands = {
      {"status", "wf-1"},
      {"list"},
      {"cancel", "wf-1"},
      {"events", "wf-1"},
      {"events", "wf-1", "--follow"},
      {"submit", spec},
      {"admin", "snapshot", snap},
  };
  for (std::vector<std::string> args : commands) {
    const std::string what = args[0] + (args.size() > 2 ? " " + args.back() : "");
    args.insert(args.end(), {"--server", silent.url(), "--timeout", "1s"});
    Timed t = RunTimed(args);
    EXPECT_EQ(t.result.signal, 0) << what << " was killed: it hung";
    EXPECT_EQ(t.result.exit_code, 1) << what << "\n" << t.result.err;
    EXPECT_THAT(t.result.err, HasSubstr("within 1s (--timeout 1s")) << what;
    EXPECT_LT(t.seconds, 10) << what;
  }
}

TEST(HardeningE2E, TimeoutMustBeADuration) {
  EXPECT_EQ(RunGoclaw({"status", "wf-1", "--timeout", "soon"}).exit_code, 2);
  CommandResult zero = RunGoclaw({"list", "--timeout", "0s"});
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_THAT(zero.err, HasSubstr("must be more than 0s"));
}

// Regression: /dev/zero (or a FIFO fed forever) was read without a bound.
TEST(HardeningE2E, EndlessInputIsCutAtTheLimit) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"validate", "--max-spec-bytes", "4096", "/dev/zero"},
           {"plan", "--max-spec-bytes", "4096", "/dev/zero"},
           {"run", "/dev/zero"},
           {"submit", "/dev/zero", "--server", "http://127.0.0.1:1"},
       }) {
    Timed t = RunTimed(args);
    EXPECT_EQ(t.result.exit_code, 1) << args[0] << "\n" << t.result.err;
    EXPECT_THAT(t.result.err, HasSubstr("/dev/zero: input is more than ")) << args[0];
    EXPECT_THAT(t.result.err, HasSubstr("(dag.max_spec_bytes); not a regular file")) << args[0];
  }
  TempDir dir;
  const std::string spec = dir.Write("s.yaml", "tasks: [{id: a}]\n");
  Timed input = RunTimed({"run", spec, "--input-file", "/dev/zero"});
  EXPECT_EQ(input.result.exit_code, 1) << input.result.err;
  EXPECT_THAT(input.result.err, HasSubstr("input is more than"));
  Timed config = RunTimed({"--config", "/dev/zero", "validate", spec});
  EXPECT_EQ(config.result.exit_code, 1) << config.result.err;
  EXPECT_THAT(config.result.err, HasSubstr("config file /dev/zero is more than"));
}

// Regression: names, ids and errors were printed raw, so a spec or a server could clear the
// screen, retitle the window or overwrite lines.
TEST(HardeningE2E, ControlCharactersAreEscapedForATerminal) {
  TempDir dir;
  const std::string spec =
      dir.Write("evil.yaml",
                "name: \"evil\\e]0;pwned\\a\\u009b2J\"\n"
                "tasks:\n"
                "  - {id: a, config: {op: fail, message: \"boom\\r\\e[2Kall good\"}}\n");
  CommandResult escaped = RunGoclaw({"run", spec}, "", {"GOCLAW_TERMINAL_ESCAPE=always"});
  EXPECT_EQ(escaped.exit_code, 1) << escaped.err;
  EXPECT_THAT(escaped.out, HasSubstr("(evil\\x1b]0;pwned\\x07\\u009b2J)"));
  EXPECT_THAT(escaped.out, HasSubstr("boom\\x0d\\x1b[2Kall good"));
  EXPECT_THAT(escaped.out, Not(HasSubstr("\x1b"))) << "no raw ESC reaches the terminal";
  EXPECT_THAT(escaped.out, Not(HasSubstr("\r")));
  EXPECT_THAT(escaped.out, Not(HasSubstr("\xc2\x9b")));
  // Not a terminal (a pipe, as here): the bytes as they are, for scripts.
  CommandResult raw = RunGoclaw({"run", spec});
  EXPECT_THAT(raw.out, HasSubstr("(evil\x1b]0;pwned\a\xc2\x9b"
                                 "2J)"));
  // --json output stays JSON: C1 controls become \u escapes.
  CommandResult json = RunGoclaw({"run", spec, "--json"}, "", {"GOCLAW_TERMINAL_ESCAPE=always"});
  EXPECT_THAT(json.out, HasSubstr(R"("name": "evil\u001b]0;pwned\u0007\u009b2J")"));
  // Error messages on stderr too: the spec's path is shown escaped.
  const std::string bad = dir.Write("bad\x1b[31m.yaml", "tasks: {}\n");
  CommandResult err = RunGoclaw({"validate", bad}, "", {"GOCLAW_TERMINAL_ESCAPE=always"});
  EXPECT_EQ(err.exit_code, 1);
  EXPECT_THAT(err.err, HasSubstr("bad\\x1b[31m.yaml: workflow spec is invalid"));
  EXPECT_THAT(err.err, Not(HasSubstr("\x1b")));
}

// Regression: only the first of several YAML documents ran; CR-only files were misread.
TEST(HardeningE2E, OneYamlDocumentAndAnyLineEnding) {
  TempDir dir;
  CommandResult two =
      RunGoclaw({"validate", dir.Write("two.yaml", "tasks: [{id: a}]\n---\ntasks: [{id: b}]\n")});
  EXPECT_EQ(two.exit_code, 1);
  EXPECT_THAT(
      two.err,
      HasSubstr(
          "YAML holds more than one document; one is accepted (the second starts with the `---` at line 2)"));
  EXPECT_THAT(two.err, HasSubstr("two.yaml:2: second YAML document"));
  const std::string cr =
      dir.Write("cr.yaml", "name: mac\rtasks:\r  - id: a\r  - id: b\r    depends_on: [a]\r");
  CommandResult ok = RunGoclaw({"validate", cr});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("ok (2 tasks, 1 dependencies"));
  const std::string bad =
      dir.Write("crbad.yaml", "tasks:\r  - id: a\r  - id: b\r    depends_on: [c]\r");
  CommandResult line = RunGoclaw({"validate", bad});
  EXPECT_THAT(line.err, HasSubstr("crbad.yaml:4: tasks[1].depends_on[0]: unknown task \"c\""));
}

// Regression: `--data-dir ''` quietly meant ./data (or storage.path).
TEST(HardeningE2E, EmptyDataDirIsRefused) {
  TempDir dir;
  const std::string spec = dir.Write("s.yaml", "tasks: [{id: a}]\n");
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"server", "--data-dir", ""},
           {"run", spec, "--data-dir", ""},
           {"admin", "inspect", "--data-dir", ""},
           {"admin", "snapshot", dir.path() + "/x", "--data-dir", ""},
       }) {
    CommandResult r = RunGoclaw(args, "", {}, 30);
    EXPECT_EQ(r.exit_code, 2) << args[0] << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr("--data-dir: must not be empty")) << args[0];
  }
}

// `validate` knows the configured lanes; `run` also knows it has no functions.
TEST(HardeningE2E, LanesAndFunctionsWhereTheyAreKnown) {
  TempDir dir;
  const std::string spec = dir.Write(
      "s.yaml", "tasks:\n  - {id: a, lane: web}\n  - {id: b, type: function, config: {name: f}}\n");
  CommandResult v = RunGoclaw({"validate", spec});
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_THAT(v.err,
              HasSubstr("s.yaml:2: tasks[0].lane: unknown lane \"web\"; the config has default"));
  EXPECT_THAT(v.err, Not(HasSubstr("tasks[1]"))) << "functions are not known offline";
  CommandResult configured = RunGoclaw({"--set", "lanes=[{name: web}]", "validate", spec});
  EXPECT_EQ(configured.exit_code, 0) << configured.err;
  CommandResult run = RunGoclaw({"--set", "lanes=[{name: web}]", "run", spec});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err,
              HasSubstr("tasks[1].config.name: no function named \"f\" is registered here"));
}

}  // namespace
}  // namespace goclaw::testing
