// Runs `goclaw validate` on every file of tests/data/specs/bad/ and checks the exit code (1,
// never a crash or a hang) and that each expected message (one per line of NAME.expect) is
// printed. "args: ..." on the first line of a .expect file adds command-line options.
// Also generated cases too large to keep in the repository: a 1M-task cycle and a spec over
// the default size limit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "run_command.h"

namespace goclaw::testing {
namespace {

namespace fs = std::filesystem;

struct CorpusCase {
  std::string spec;
  std::string expect;
};

void PrintTo(const CorpusCase& c, std::ostream* os) { *os << c.spec; }

std::vector<CorpusCase> LoadCorpus() {
  std::vector<CorpusCase> cases;
  fs::path dir = SourcePath("tests/data/specs/bad");
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".expect") continue;
    fs::path expect = entry.path();
    expect.replace_extension(".expect");
    cases.push_back({entry.path().string(), expect.string()});
  }
  std::sort(cases.begin(), cases.end(),
            [](const CorpusCase& a, const CorpusCase& b) { return a.spec < b.spec; });
  return cases;
}

class BadSpecCorpusTest : public ::testing::TestWithParam<CorpusCase> {};

TEST(BadSpecCorpus, HasAtLeastFortyCases) { EXPECT_GE(LoadCorpus().size(), 40u); }

TEST_P(BadSpecCorpusTest, FailsWithPreciseMessage) {
  const CorpusCase& c = GetParam();
  std::ifstream in(c.expect);
  ASSERT_TRUE(in) << "missing " << c.expect;
  std::vector<std::string> args{"validate"};
  std::vector<std::string> expected;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("args: ", 0) == 0) {
      std::istringstream words(line.substr(6));
      std::string w;
      while (words >> w) args.push_back(w);
      continue;
    }
    expected.push_back(line);
  }
  ASSERT_FALSE(expected.empty()) << c.expect << " lists no expected message";
  args.push_back(c.spec);
  CommandResult r = RunGoclaw(args);
  ASSERT_EQ(r.signal, 0) << "goclaw crashed on " << c.spec;
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "");
  for (const std::string& e : expected) {
    EXPECT_NE(r.err.find(e), std::string::npos)
        << "expected \"" << e << "\" in the output for " << c.spec << ":\n"
        << r.err;
  }
  // Every problem line names the file it is about.
  EXPECT_EQ(r.err.rfind(c.spec + ": ", 0), 0u) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, BadSpecCorpusTest, ::testing::ValuesIn(LoadCorpus()),
    [](const ::testing::TestParamInfo<CorpusCase>& param) {
      std::string name = fs::path(param.param.spec).filename().string();
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

TEST(GeneratedBadSpecs, MillionTaskCycleIsReportedNotACrash) {
  TempDir dir;
  std::string text = "{\"name\": \"ring\", \"tasks\": [";
  constexpr int kN = 1000000;
  text.reserve(static_cast<std::size_t>(kN) * 40);
  for (int i = 0; i < kN; ++i) {
    if (i > 0) text += ",";
    text += "{\"id\":\"t" + std::to_string(i) + "\",\"depends_on\":[\"t" +
            std::to_string((i + 1) % kN) + "\"]}";
  }
  text += "]}";
  std::string path = dir.Write("ring.json", text);
  CommandResult r = RunGoclaw({"validate", "--max-tasks", "2000000", "--max-spec-bytes",
                               "200000000", path},
                              "", {}, 120);
  ASSERT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("dependency cycle: t0 -> t1 -> t2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(1000000 tasks;"), std::string::npos) << r.err;
}

TEST(GeneratedBadSpecs, OversizedSpecIsRefusedBeforeReading) {
  TempDir dir;
  std::string path = dir.path() + "/huge.yaml";
  {
    std::ofstream out(path);
    out << "name: huge\ndescription: \"";
    std::string chunk(1 << 20, 'x');
    for (int i = 0; i < 20; ++i) out << chunk;  // 20 MiB > default 16 MiB
    out << "\"\ntasks:\n  - id: a\n";
  }
  CommandResult r = RunGoclaw({"validate", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the limit is 16777216 bytes (dag.max_spec_bytes)"), std::string::npos)
      << r.err;
}

TEST(GeneratedBadSpecs, ManyTasksOverDefaultLimit) {
  std::string text = "{\"tasks\": [";
  for (int i = 0; i < 100001; ++i) text += (i ? ",{\"id\":\"t" : "{\"id\":\"t") + std::to_string(i) + "\"}";
  text += "]}";
  CommandResult r = RunGoclaw({"validate", "--input-format", "json", "-"}, text);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("<stdin>: workflow spec is invalid: 1 problem"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("has 100001 tasks; the limit is 100000 (dag.max_tasks)"),
            std::string::npos);
}

}  // namespace
}  // namespace goclaw::testing
