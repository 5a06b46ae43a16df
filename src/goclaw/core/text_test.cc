// EscapeForTerminal: what reaches a terminal from server or spec data.
#include "goclaw/core/text.h"

#include <gtest/gtest.h>

namespace goclaw {
namespace {

TEST(DescribeByteTest, NamesWhatMayNotBeThere) {
  EXPECT_EQ(DescribeByte('\r'), "a CR");
  EXPECT_EQ(DescribeByte('\n'), "an LF");
  EXPECT_EQ(DescribeByte('\0'), "a NUL");
  EXPECT_EQ(DescribeByte(' '), "a space");
  EXPECT_EQ(DescribeByte('\t'), "control character 0x09");
  EXPECT_EQ(DescribeByte('\x7f'), "control character 0x7f");
}

TEST(EscapeForTerminalTest, KeepsPrintableTextAndUtf8) {
  EXPECT_EQ(EscapeForTerminal("hello world"), "hello world");
  EXPECT_EQ(EscapeForTerminal("多智能体 é 😀 tab\there"), "多智能体 é 😀 tab\there");
  EXPECT_EQ(EscapeForTerminal("C:\\path\\x1b"), "C:\\path\\x1b");  // backslashes unchanged
}

TEST(EscapeForTerminalTest, EscapesC0ControlsAndDel) {
  EXPECT_EQ(EscapeForTerminal("a\x1b[2Jb"), "a\\x1b[2Jb");  // ESC: clear screen
  EXPECT_EQ(EscapeForTerminal("ok\rFAKE"), "ok\\x0dFAKE");  // CR: overwrite the line
  EXPECT_EQ(EscapeForTerminal("bell\a"), "bell\\x07");
  EXPECT_EQ(EscapeForTerminal("back\bspace"), "back\\x08space");
  EXPECT_EQ(EscapeForTerminal("del\x7f"), "del\\x7f");
  EXPECT_EQ(EscapeForTerminal(std::string_view("nul\0x", 5)), "nul\\x00x");
}

TEST(EscapeForTerminalTest, NewlineOnlyInMultiLineText) {
  EXPECT_EQ(EscapeForTerminal("one\ntwo"), "one\\x0atwo");
  EXPECT_EQ(EscapeForTerminal("one\ntwo", /*multi_line=*/true), "one\ntwo");
  EXPECT_EQ(EscapeForTerminal("one\r\ntwo\x1b", /*multi_line=*/true), "one\\x0d\ntwo\\x1b");
}

TEST(EscapeForTerminalTest, EscapesC1ControlsAndStrayBytes) {
  EXPECT_EQ(EscapeForTerminal("csi\xc2\x9b" "2J"), "csi\\u009b2J");  // U+009B, UTF-8 encoded
  EXPECT_EQ(EscapeForTerminal("\xc2\x80\xc2\x9f\xc2\xa0"), "\\u0080\\u009f\xc2\xa0");  // NBSP kept
  EXPECT_EQ(EscapeForTerminal("raw\x9b" "2J"), "raw\\x9b2J");  // not UTF-8: CSI in 8-bit mode
  EXPECT_EQ(EscapeForTerminal("cut\xe4\xb8"), "cut\\xe4\\xb8");
  EXPECT_EQ(EscapeForTerminal("overlong\xc0\xaf"), "overlong\\xc0\\xaf");
}

TEST(EscapeForTerminalTest, JsonStaysJson) {
  // PrettyJson output escaped for a terminal: C1 controls become valid JSON escapes.
  EXPECT_EQ(EscapeForTerminal("{\n  \"name\": \"x\xc2\x9b\"\n}", true), "{\n  \"name\": \"x\\u009b\"\n}");
}

}  // namespace
}  // namespace goclaw
