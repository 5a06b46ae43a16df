// The hashing embedder (embedder.h): a bag of sub-word features hashed into a fixed number of
// dimensions ("feature hashing" with a hashed sign, so that collisions cancel out on average
// instead of piling up).
//
// Features of a text, from its terms (Tokenize: lower-cased words, identifiers whole and in
// parts, Chinese/Japanese/Korean dictionary words and character bigrams):
//   - each term, weight 1 (0.25 for a few very common English and Chinese function words; 2
//     for identifiers and numbers, terms with a digit, so an exact one outweighs a look-alike);
//   - for a word of a spaced script (letters, not a number or a joined identifier, not a
//     function word): the 3- and 4-character n-grams of "<word>", '<' and '>' marking its
//     ends, each weighted 1.5 / sqrt(n-grams of the word), so that a word's n-grams together
//     weigh 1.5 times the word whatever its length ("deployment" and "deploying" share <de,
//     dep, epl, plo, loy, <dep, depl, eplo, ploy: cosine 0.34 for "deployment failed" and
//     "deploying fails" at 384 dimensions; unrelated short texts stay within about +-0.1);
//   - for a term of a script written without spaces (Han, kana, Hangul): each of its
//     characters, weight 0.5, so texts that ICU segments differently still share characters.
// A feature seen several times counts sublinearly: its summed weight divided by the square
// root of its count (twice -> sqrt(2) times once). Each feature's key (a kind tag and its
// UTF-8 bytes) is hashed with FNV-1a and MurmurHash3's finalizer (core/hash.h); the low 32
// bits pick the dimension, the top bit the sign. Features are added in hash order, in double,
// then the vector is L2-normalised in double (squares summed with std::fma) and rounded to
// float once: nothing depends on the platform, the run or the order of the words.
//
// Thread-safety: Embed is pure (the object holds only its dimension count).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "goclaw/core/check.h"
#include "goclaw/core/hash.h"
#include "goclaw/memory/embedder.h"
#include "goclaw/memory/tokenizer.h"

namespace goclaw::memory {

namespace {

constexpr double kTermWeight = 1.0;
constexpr double kFunctionWordWeight = 0.25;
constexpr double kSubwordWeight = 1.5;  // all n-grams of one word together
constexpr double kCharacterWeight = 0.5;
// Identifiers and numbers (a term with a digit: db-stg-03, ops-1502, k8s, 2026): an exact
// match on one is what the text is about, and it must outweigh the shared sub-words of a
// look-alike (ops-1424), so it counts this many times a word.
constexpr double kIdentifierWeight = 2.0;

// Salts that keep the kinds of feature apart: the term "ing" and the n-gram "ing" differ.
enum class FeatureKind : std::uint64_t {
  kTerm = 0x7465726d00000001ull,
  kNgram = 0x6e6772616d000002ull,
  kCharacter = 0x6368617200000003ull,
};

// Words that carry little meaning and appear in almost any text.
constexpr std::array<std::string_view, 44> kFunctionWords = {
    "a",    "an",   "and", "are",  "as",   "at",  "be",   "been", "but", "by",  "for",
    "from", "had",  "has", "have", "he",   "i",   "in",   "is",   "it",  "its", "of",
    "on",   "or",   "she", "so",   "that", "the", "then", "this", "to",  "was", "we",
    "were", "with", "you", "了",   "和",   "在",  "是",   "的",   "而",  "都",  "也"};

bool IsFunctionWord(std::string_view term) {
  return std::find(kFunctionWords.begin(), kFunctionWords.end(), term) != kFunctionWords.end();
}

// The code point text starts with (text is well-formed UTF-8, as Tokenize returns, and not
// empty).
char32_t FirstCodePoint(std::string_view text) {
  const auto lead = static_cast<unsigned char>(text[0]);
  const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  if (length == 1 || text.size() < length) return lead;
  char32_t c = lead & (0x7Fu >> length);
  for (std::size_t i = 1; i < length; ++i) {
    c = (c << 6) | (static_cast<unsigned char>(text[i]) & 0x3Fu);
  }
  return c;
}

// Han, kana and Hangul: the scripts Tokenize cuts into character bigrams, whose terms are
// made of them alone.
bool IsUnspacedScript(char32_t c) {
  struct Range {
    char32_t first, last;
  };
  static constexpr Range kRanges[] = {
      {0x1100, 0x11FF}, {0x2E80, 0x2FDF}, {0x3005, 0x3007}, {0x3021, 0x3029}, {0x3038, 0x303B},
      {0x3040, 0x30FF}, {0x3130, 0x318F}, {0x31F0, 0x31FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
      {0xA960, 0xA97F}, {0xAC00, 0xD7FF}, {0xF900, 0xFAFF}, {0xFF66, 0xFF9F}, {0x20000, 0x3FFFF}};
  for (const Range& r : kRanges) {
    if (c >= r.first && c <= r.last) return true;
  }
  return false;
}

// A word worth cutting into n-grams: some letter in it, no identifier joiner.
bool IsPlainWord(std::string_view term) {
  if (term.find_first_of("-_./:") != std::string_view::npos) return false;
  return std::any_of(term.begin(), term.end(), [](char c) { return c < '0' || c > '9'; });
}

// Byte offsets of the code points of `text`, then text.size().
std::vector<std::size_t> CodePointStarts(std::string_view text) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(text.size());
  return starts;
}

// Weights seen per feature hash, in hash order.
class FeatureBag {
 public:
  void Add(FeatureKind kind, std::string_view key, double weight) {
    Seen& seen = features_[Mix64(Fnv1a64(key) ^ static_cast<std::uint64_t>(kind))];
    seen.weight += weight;
    ++seen.count;
  }

  // The hashed, signed, normalised vector.
  std::vector<float> Project(std::size_t dimensions) const {
    std::vector<double> sums(dimensions, 0.0);
    for (const auto& [hash, seen] : features_) {
      const double weight = seen.weight / std::sqrt(static_cast<double>(seen.count));
      sums[(hash & 0xFFFFFFFFull) % dimensions] += (hash >> 63) != 0 ? -weight : weight;
    }
    double sum_of_squares = 0;
    for (const double x : sums) sum_of_squares = std::fma(x, x, sum_of_squares);
    std::vector<float> vector(dimensions, 0.0f);
    if (sum_of_squares == 0) return vector;  // no features (or all cancelled): no vector
    const double norm = std::sqrt(sum_of_squares);
    for (std::size_t i = 0; i < dimensions; ++i) vector[i] = static_cast<float>(sums[i] / norm);
    return vector;
  }

 private:
  struct Seen {
    double weight = 0;
    std::uint32_t count = 0;
  };
  std::map<std::uint64_t, Seen> features_;
};

void AddNgrams(std::string_view word, FeatureBag& bag) {
  const std::string marked = "<" + std::string(word) + ">";
  const std::vector<std::size_t> starts = CodePointStarts(marked);
  const std::size_t chars = starts.size() - 1;
  std::size_t grams = 0;
  for (const std::size_t n : {3, 4}) grams += chars >= n ? chars - n + 1 : 0;
  if (grams == 0) return;
  const double weight = kSubwordWeight / std::sqrt(static_cast<double>(grams));
  for (const std::size_t n : {3, 4}) {
    for (std::size_t i = 0; i + n <= chars; ++i) {
      bag.Add(FeatureKind::kNgram,
              std::string_view(marked).substr(starts[i], starts[i + n] - starts[i]), weight);
    }
  }
}

void AddCharacters(std::string_view term, FeatureBag& bag) {
  const std::vector<std::size_t> starts = CodePointStarts(term);
  for (std::size_t i = 0; i + 1 < starts.size(); ++i) {
    bag.Add(FeatureKind::kCharacter, term.substr(starts[i], starts[i + 1] - starts[i]),
            kCharacterWeight);
  }
}

class HashingEmbedder final : public Embedder {
 public:
  explicit HashingEmbedder(std::size_t dimensions) : dimensions_(dimensions) {}

  std::size_t dimensions() const override { return dimensions_; }
  std::string name() const override { return "hashing-" + std::to_string(dimensions_); }

  Result<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& texts) override {
    std::vector<std::vector<float>> vectors;
    vectors.reserve(texts.size());
    for (const std::string& text : texts) vectors.push_back(EmbedOne(text));
    return vectors;
  }

 private:
  std::vector<float> EmbedOne(std::string_view text) const {
    FeatureBag bag;
    for (const std::string& term : Tokenize(text)) {
      if (term.empty()) continue;
      if (IsFunctionWord(term)) {
        bag.Add(FeatureKind::kTerm, term, kFunctionWordWeight);
        continue;
      }
      const bool identifier = std::any_of(term.begin(), term.end(), [](char c) { return c >= '0' && c <= '9'; });
      bag.Add(FeatureKind::kTerm, term, identifier ? kIdentifierWeight : kTermWeight);
      if (IsUnspacedScript(FirstCodePoint(term))) {
        AddCharacters(term, bag);
      } else if (IsPlainWord(term)) {
        AddNgrams(term, bag);
      }
    }
    return bag.Project(dimensions_);
  }

  std::size_t dimensions_;
};

}  // namespace

std::unique_ptr<Embedder> NewHashingEmbedder(std::size_t dimensions) {
  GOCLAW_CHECK(dimensions > 0);
  return std::make_unique<HashingEmbedder>(dimensions);
}

}  // namespace goclaw::memory
