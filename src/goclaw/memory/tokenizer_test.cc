// The tokenizer's rules (tokenizer.h): English words, identifiers, Chinese bigrams, mixed
// text, normalisation, and input that is empty, ill-formed or huge.
#include "goclaw/memory/tokenizer.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goclaw::memory {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Terms = std::vector<std::string>;

// Structure only (lead and continuation bytes), enough to catch a term cut inside a character.
bool IsWellFormedUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t j = 1; j < n; ++j) {
      if ((static_cast<unsigned char>(s[i + j]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

TEST(Tokenize, LowerCasesEnglishAndDropsPunctuationAndSpaces) {
  EXPECT_THAT(Tokenize("  The Deploy FAILED; retry it!  "), ElementsAre("the", "deploy", "failed", "retry", "it"));
  EXPECT_THAT(Tokenize("Hello,world. (again)"), ElementsAre("hello", "world", "again"));
}

TEST(Tokenize, KeepsRepeatsInTextOrder) {
  EXPECT_THAT(Tokenize("pod restart pod"), ElementsAre("pod", "restart", "pod"));
}

TEST(Tokenize, ContractionsKeepTheWholeWordAndItsStem) {
  EXPECT_THAT(Tokenize("Don't touch John's pods"), ElementsAre("don't", "don", "touch", "john's", "john", "pods"));
  // The typographic apostrophe gives the same terms as the ASCII one.
  EXPECT_EQ(Tokenize("don\u2019t"), Tokenize("don't"));
}

TEST(Tokenize, IdentifiersAreKeptWholeAndSplitIntoParts) {
  EXPECT_THAT(Tokenize("db-stg-03"), ElementsAre("db-stg-03", "db", "stg", "03"));
  EXPECT_THAT(Tokenize("user_id"), ElementsAre("user_id", "user", "id"));
  EXPECT_THAT(Tokenize("v1.2.3"), ElementsAre("v1.2.3", "v1", "2", "3"));
  EXPECT_THAT(Tokenize("api.example.com"), ElementsAre("api.example.com", "api", "example", "com"));
  EXPECT_THAT(Tokenize("std::vector"), ElementsAre("std::vector", "std", "vector"));
  EXPECT_THAT(Tokenize("/var/log/app"), ElementsAre("var/log/app", "var", "log", "app"));
  EXPECT_THAT(Tokenize("k8s"), ElementsAre("k8s"));
}

TEST(Tokenize, JoinersAtTheEndsOfAnIdentifierAreTrimmed) {
  EXPECT_THAT(Tokenize("__init__"), ElementsAre("init"));
  EXPECT_THAT(Tokenize("-v --verbose"), ElementsAre("v", "verbose"));
}

TEST(Tokenize, ProseAroundIdentifiersIsNotJoined) {
  // ". " and ", " contain a space: no identifier across them.
  EXPECT_THAT(Tokenize("Restart db-stg-03. Then check k8s, user_id."),
              ElementsAre("restart", "db-stg-03", "db", "stg", "03", "then", "check", "k8s", "user_id", "user", "id"));
}

TEST(Tokenize, UrlsGiveTheWholeAndTheirParts) {
  EXPECT_THAT(Tokenize("see https://api.example.com/v1?x=1"),
              ElementsAre("see", "https://api.example.com/v1", "https", "api", "example", "com", "v1", "x", "1"));
}

TEST(Tokenize, ChineseGivesIcuWordsAndEveryBigram) {
  // ICU: 多/智能/体/编排/引擎. The two-character words are among the bigrams already.
  EXPECT_THAT(Tokenize("多智能体编排引擎"), ElementsAre("多", "体", "多智", "智能", "能体", "体编", "编排", "排引", "引擎"));
}

TEST(Tokenize, AQueryWordMatchesALongerRunWhateverTheSegmentation) {
  const Terms query = Tokenize("部署");
  EXPECT_THAT(query, ElementsAre("部署"));
  EXPECT_THAT(Tokenize("部署到"), Contains("部署"));
  EXPECT_THAT(Tokenize("我们把服务部署到生产环境"), Contains("部署"));
}

TEST(Tokenize, AOneCharacterRunIsThatCharacter) {
  EXPECT_THAT(Tokenize("体"), ElementsAre("体"));
  EXPECT_THAT(Tokenize("a 体 b"), ElementsAre("a", "体", "b"));
}

TEST(Tokenize, JapaneseAndKoreanRunsGetBigramsToo) {
  const Terms ja = Tokenize("コンピューター");
  EXPECT_THAT(ja, Contains("コンピューター"));
  EXPECT_THAT(ja, Contains("ピュ"));
  const Terms ko = Tokenize("서울에서 만나요");
  EXPECT_THAT(ko, Contains("서울"));  // the noun, though the particle 에서 is attached
  EXPECT_THAT(ko, Contains("만나요"));
}

TEST(Tokenize, MixedEnglishAndChinese) {
  EXPECT_THAT(Tokenize("Deploy db-stg-03 to k8s, 部署到生产"),
              ElementsAre("deploy", "db-stg-03", "db", "stg", "03", "to", "k8s", "到", "部署", "署到", "到生", "生产"));
  // No space between the scripts: still separate terms.
  EXPECT_THAT(Tokenize("k8s集群OK"), ElementsAre("k8s", "集群", "ok"));
}

TEST(Tokenize, FullWidthFormsAreNormalised) {
  EXPECT_THAT(Tokenize("ＡＢＣ１２３ Ｈｅｌｌｏ"), ElementsAre("abc123", "hello"));
  EXPECT_EQ(Tokenize("ｄｂ－ｓｔｇ－０３"), Tokenize("db-stg-03"));
  EXPECT_THAT(Tokenize("Straße ÉCOLE ﬁle"), ElementsAre("strasse", "école", "file"));
}

TEST(Tokenize, EmptyAndWhitespaceGiveNothing) {
  EXPECT_THAT(Tokenize(""), IsEmpty());
  EXPECT_THAT(Tokenize(" \t\r\n  "), IsEmpty());
  EXPECT_THAT(Tokenize("... ,;!? -- //"), IsEmpty());
  EXPECT_THAT(Tokenize("\u3000\u3001\u3002"), IsEmpty());  // ideographic space and punctuation
}

TEST(Tokenize, IllFormedUtf8IsSkipped) {
  EXPECT_THAT(Tokenize("ok \xFF\xFE bad"), ElementsAre("ok", "bad"));
  EXPECT_THAT(Tokenize("a\xFF" "b"), ElementsAre("ab"));  // dropped, not a separator
  EXPECT_THAT(Tokenize("\xC3"), IsEmpty());                         // truncated sequence
  EXPECT_THAT(Tokenize("\xE9\x83 部署"), ElementsAre("部署"));       // truncated 3-byte sequence
  EXPECT_THAT(Tokenize("\xED\xA0\x80 x"), ElementsAre("x"));         // a surrogate
  EXPECT_THAT(Tokenize("\xC0\xAF y"), ElementsAre("y"));             // an overlong '/'
  EXPECT_THAT(Tokenize(std::string("a\0b", 3)), ElementsAre("a", "b"));
}

TEST(Tokenize, ArbitraryBytesNeverCrashAndGiveWellFormedTerms) {
  // Fragments of valid text of every kind mixed with stray and truncated sequences.
  const std::vector<std::string> pieces{"a", "Z", "7", "-", ".", " ", "'", "部", "署", "タ", "서", "é",
                                        "\xEF\xBC\xA1", "\xF0\x9F\x98\x80", "\xFF", "\x80", "\xC3",
                                        "\xE9\x83", "\xED\xA0\x80", "\xF4\x90\x80\x80"};
  std::uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (int round = 0; round < 500; ++round) {
    std::string text;
    const std::uint32_t length = 1 + next() % 40;
    for (std::uint32_t i = 0; i < length; ++i) text += pieces[next() % pieces.size()];
    for (const std::string& term : Tokenize(text)) {
      EXPECT_FALSE(term.empty());
      EXPECT_LE(term.size(), 64u);
      EXPECT_TRUE(IsWellFormedUtf8(term)) << term;
    }
  }
}

TEST(Tokenize, LongTermsAreCutAtACharacterBoundary) {
  EXPECT_THAT(Tokenize(std::string(100, 'a')), ElementsAre(std::string(64, 'a')));
  // 'x' then 'é' (2 bytes) repeated: byte 64 falls inside an é, so the cut is at 63.
  std::string word = "x";
  for (int i = 0; i < 50; ++i) word += "é";
  const Terms terms = Tokenize(word);
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_EQ(terms[0].size(), 63u);
  EXPECT_TRUE(IsWellFormedUtf8(terms[0]));
  // A long identifier: the whole is cut, its parts are whole.
  const std::string id = std::string(40, 'a') + "-" + std::string(40, 'b');
  EXPECT_THAT(Tokenize(id), ElementsAre(id.substr(0, 64), std::string(40, 'a'), std::string(40, 'b')));
}

TEST(Tokenize, VeryLongInput) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "restart pod-" + std::to_string(i % 100) + " 部署到生产 ";
  const Terms terms = Tokenize(text);
  EXPECT_EQ(std::count(terms.begin(), terms.end(), "restart"), 20000);
  EXPECT_EQ(std::count(terms.begin(), terms.end(), "pod"), 20000);
  EXPECT_EQ(std::count(terms.begin(), terms.end(), "部署"), 20000);
  EXPECT_EQ(std::count(terms.begin(), terms.end(), "pod-42"), 200);
}

}  // namespace
}  // namespace goclaw::memory
