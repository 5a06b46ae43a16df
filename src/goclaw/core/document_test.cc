#include "goclaw/core/document.h"
#include "goclaw/core/text.h"

#include <gtest/gtest.h>

#include <cmath>

namespace goclaw {
namespace {

using boost::json::value;

TEST(DocumentTest, JsonAndYamlGiveTheSameValue) {
  auto j = ParseDocument(R"({"a": 1, "b": [true, null, "x"], "c": 1.5})", DocumentFormat::kAuto);
  auto y = ParseDocument("a: 1\nb: [true, ~, x]\nc: 1.5\n", DocumentFormat::kAuto);
  ASSERT_TRUE(j) << j.error().ToString();
  ASSERT_TRUE(y) << y.error().ToString();
  EXPECT_EQ(j->format, DocumentFormat::kJson);
  EXPECT_EQ(y->format, DocumentFormat::kYaml);
  EXPECT_EQ(j->root, y->root);
}

TEST(DocumentTest, YamlScalarsFollowCoreSchema) {
  auto y = ParseDocument(
      "i: 42\nneg: -7\nhex: 0x1f\nf: 2.5\nt: true\nn: null\nq: \"42\"\ns: hello\n"
      "big: 99999999999999999999\nver: 1.2.3\n",
      DocumentFormat::kYaml);
  ASSERT_TRUE(y) << y.error().ToString();
  const auto& o = y->root.as_object();
  EXPECT_EQ(o.at("i"), value(42));
  EXPECT_EQ(o.at("neg"), value(-7));
  EXPECT_EQ(o.at("hex"), value(31));
  EXPECT_EQ(o.at("f"), value(2.5));
  EXPECT_EQ(o.at("t"), value(true));
  EXPECT_TRUE(o.at("n").is_null());
  EXPECT_EQ(o.at("q"), value("42"));
  EXPECT_EQ(o.at("s"), value("hello"));
  EXPECT_TRUE(o.at("big").is_double());
  EXPECT_EQ(o.at("ver"), value("1.2.3"));
}

TEST(DocumentTest, YamlRecordsLines) {
  auto y = ParseDocument("name: x\ntasks:\n  - id: a\n  - id: b\n    depends_on: [a]\n",
                         DocumentFormat::kYaml);
  ASSERT_TRUE(y);
  EXPECT_EQ(y->LineOf("tasks[1].depends_on[0]"), 5);
  EXPECT_EQ(y->LineOf("tasks[1].id"), 4);
  EXPECT_EQ(y->LineOf("name"), 1);
  EXPECT_EQ(y->LineOf("nothing.here"), 0);
}

// Regression (issue 12): only the first of several documents ran.
TEST(DocumentTest, SecondYamlDocumentIsRefusedWithItsLine) {
  auto two = ParseDocument("name: a\ntasks: [{id: x}]\n---\nname: b\n", DocumentFormat::kYaml);
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().message().find("more than one document; one is accepted"), std::string::npos)
      << two.error().message();
  ASSERT_EQ(two.error().details().size(), 1u);
  EXPECT_EQ(two.error().details()[0].line, 3);
  // An explicit start of the first document is fine; the second is still found by its line.
  auto explicit_start = ParseDocument("---\nname: a\n---\nname: b\n", DocumentFormat::kYaml);
  ASSERT_FALSE(explicit_start);
  EXPECT_EQ(explicit_start.error().details()[0].line, 3);
  auto one = ParseDocument("---\nname: a\n", DocumentFormat::kYaml);
  ASSERT_TRUE(one) << one.error().ToString();
  EXPECT_EQ(one->root.at("name"), value("a"));
  // `---` inside a block scalar is text, not a document marker.
  auto block = ParseDocument("text: |\n  ---\n  more\n", DocumentFormat::kYaml);
  ASSERT_TRUE(block) << block.error().ToString();
  EXPECT_EQ(block->root.at("text"), value("---\nmore\n"));
}

// Regression (issue 12): files with old Mac line endings (CR alone) were misread.
TEST(DocumentTest, CrOnlyLineEndingsParseWithRightLines) {
  auto cr = ParseDocument("name: x\rtasks:\r  - id: a\r  - id: b\r    depends_on: [a]\r",
                          DocumentFormat::kYaml);
  ASSERT_TRUE(cr) << cr.error().ToString();
  EXPECT_EQ(cr->root.at("name"), value("x"));
  EXPECT_EQ(cr->root.at("tasks").as_array().size(), 2u);
  EXPECT_EQ(cr->LineOf("tasks[1].depends_on[0]"), 5);
  auto crlf = ParseDocument("name: x\r\ntasks: []\r\n", DocumentFormat::kYaml);
  ASSERT_TRUE(crlf) << crlf.error().ToString();
  EXPECT_EQ(crlf->root.at("name"), value("x"));
  auto bad = ParseDocument("a: 1\rb: 2\rc: [\r", DocumentFormat::kYaml);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().details().at(0).line, 4) << bad.error().message();
  auto json = ParseDocument("{\r\"a\": 1,\r\"b\": }", DocumentFormat::kJson);
  ASSERT_FALSE(json);
  EXPECT_NE(json.error().message().find("line 3"), std::string::npos) << json.error().message();
}

TEST(DocumentTest, RejectsHostileInput) {
  EXPECT_EQ(ParseDocument("", DocumentFormat::kAuto).error().message(), "document is empty");
  EXPECT_EQ(ParseDocument(" \n\t", DocumentFormat::kYaml).error().message(), "document is empty");
  auto bad_utf8 = ParseDocument("a: \xff\xfe\n", DocumentFormat::kYaml);
  ASSERT_FALSE(bad_utf8);
  EXPECT_NE(bad_utf8.error().message().find("not valid UTF-8"), std::string::npos);
  auto nul = ParseDocument(std::string("a: b\0c", 6), DocumentFormat::kYaml);
  ASSERT_FALSE(nul);
  EXPECT_NE(nul.error().message().find("NUL byte at offset 4"), std::string::npos);
  DocumentLimits small;
  small.max_bytes = 10;
  auto big = ParseDocument("{\"a\": \"0123456789\"}", DocumentFormat::kJson, small);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(big.error().message().find("the limit is 10 bytes"), std::string::npos);
}

TEST(DocumentTest, JsonErrorsHaveLineAndColumn) {
  auto r = ParseDocument("{\n  \"a\": 1,\n  \"b\": \n}", DocumentFormat::kJson);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("JSON syntax error at line 4"), std::string::npos)
      << r.error().message();
  auto trailing = ParseDocument("{\"a\": 1} x", DocumentFormat::kJson);
  ASSERT_FALSE(trailing);
  EXPECT_NE(trailing.error().message().find("after the end"), std::string::npos);
  auto truncated = ParseDocument("{\"a\": [1, 2", DocumentFormat::kJson);
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message().find("ends too early"), std::string::npos)
      << truncated.error().message();
}

TEST(DocumentTest, DeepNestingIsRejectedNotACrash) {
  std::string deep_json(100000, '[');
  deep_json += std::string(100000, ']');
  auto j = ParseDocument(deep_json, DocumentFormat::kJson);
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message().find("nesting deeper than 64"), std::string::npos)
      << j.error().message();
  std::string deep_yaml = "a: " + std::string(100000, '[') + std::string(100000, ']');
  auto y = ParseDocument(deep_yaml, DocumentFormat::kYaml);
  ASSERT_FALSE(y);
  EXPECT_NE(y.error().message().find("nesting"), std::string::npos) << y.error().message();
  std::string medium_yaml = "a: " + std::string(100, '[') + std::string(100, ']');
  auto m = ParseDocument(medium_yaml, DocumentFormat::kYaml);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message().find("nesting deeper than 64"), std::string::npos);
}

TEST(DocumentTest, YamlAliasBombIsRejected) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = c;
  }
  auto r = ParseDocument(bomb, DocumentFormat::kYaml);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("expands to more than"), std::string::npos)
      << r.error().message();
}

TEST(DocumentTest, YamlDuplicateKeyIsAnError) {
  auto r = ParseDocument("a: 1\nb: 2\na: 3\n", DocumentFormat::kYaml);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("duplicate key \"a\""), std::string::npos);
  EXPECT_NE(r.error().message().find("line 3"), std::string::npos);
}

TEST(DocumentTest, FormatFromPath) {
  EXPECT_EQ(DocumentFormatFromPath("x.json"), DocumentFormat::kJson);
  EXPECT_EQ(DocumentFormatFromPath("x.yml"), DocumentFormat::kYaml);
  EXPECT_EQ(DocumentFormatFromPath("x.yaml"), DocumentFormat::kYaml);
  EXPECT_EQ(DocumentFormatFromPath("-"), DocumentFormat::kAuto);
}

}  // namespace
}  // namespace goclaw

namespace goclaw {
namespace {

TEST(TextTest, Utf8ValidationFindsTheFirstBadByte) {
  EXPECT_FALSE(FindInvalidUtf8("plain ascii text that is longer than eight bytes"));
  EXPECT_FALSE(FindInvalidUtf8("多智能体编排引擎 and ascii mixed, é, 😀"));
  EXPECT_EQ(FindInvalidUtf8("0123456789abcdef\xff"), 16u);      // after the fast path
  EXPECT_EQ(FindInvalidUtf8("abc\xc0\xaf"), 3u);                // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("abcdefgh\xed\xa0\x80"), 8u);       // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xf4\x90\x80\x80"), 0u);           // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("abcdefghijk\xe6\x99"), 11u);       // truncated sequence
  EXPECT_EQ(PositionOf("ab\ncd\nef", 7).line, 3);
  EXPECT_EQ(PositionOf("ab\ncd\nef", 7).column, 2);
}

// Found by fuzz/config_loader_fuzzer: YAML::LoadAll never returned on this text (it kept
// finding empty documents, allocating until memory ran out). Parsing must end, with an answer.
TEST(DocumentTest, MalformedYamlThatHungLoadAllEnds) {
  auto r = ParseDocument(R"({"server": {"port": "80"=, "lanez": []})", DocumentFormat::kYaml);
  EXPECT_FALSE(r);
}

}  // namespace
}  // namespace goclaw
