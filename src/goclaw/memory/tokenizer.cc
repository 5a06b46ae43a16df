// The memory hub's tokenizer (tokenizer.h). The text is cleaned (ill-formed UTF-8 dropped),
// normalised (NFKC with case folding), then cut into spans: runs of the scripts written
// without spaces (bigram runs) and everything between them (word spans). ICU's word break
// iterator segments each span; word spans add the identifier rule on top, bigram runs add
// their character bigrams.
//
// Thread-safety: each thread gets its own break iterator (ICU iterators are not shareable);
// the normaliser is ICU's immutable singleton.
#include "goclaw/memory/tokenizer.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>

#include <unicode/brkiter.h>
#include <unicode/bytestream.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/ubrk.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include "goclaw/core/check.h"

namespace goclaw::memory {
namespace {

constexpr std::size_t kMaxTermBytes = 64;
// ICU's break iterators index with int32_t; anything past this is not tokenized.
constexpr std::size_t kMaxInputBytes = std::size_t{1} << 30;
constexpr std::string_view kRightSingleQuote = "\xE2\x80\x99";  // U+2019, typographic apostrophe

using Terms = std::vector<std::string>;

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// `text` without its ill-formed UTF-8: each maximal ill-formed subpart (as U8_NEXT delimits
// it) is dropped. Returns `text` itself when it is well-formed, else a view of `storage`.
std::string_view WellFormed(std::string_view text, std::string& storage) {
  if (IsAscii(text)) return text;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  bool copying = false;
  for (std::int32_t i = 0; i < length;) {
    const std::int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) {
      if (!copying) storage.assign(text.substr(0, static_cast<std::size_t>(start)));
      copying = true;
    } else if (copying) {
      storage.append(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    }
  }
  return copying ? std::string_view(storage) : text;
}

const icu::Normalizer2* NfkcCasefold() {
  static const icu::Normalizer2* const normalizer = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return normalizer;
}

// NFKC_Casefold of `text` (full-width forms to ASCII, upper to lower case, ligatures split,
// default-ignorables such as soft hyphens removed), with the typographic apostrophe made
// ASCII so "don’t" and "don't" are one term. Returns `text` itself when nothing changes.
std::string_view Normalized(std::string_view text, std::string& storage) {
  const icu::Normalizer2* normalizer = NfkcCasefold();
  UErrorCode status = U_ZERO_ERROR;
  const icu::StringPiece piece(text.data(), static_cast<std::int32_t>(text.size()));
  if (normalizer != nullptr && !normalizer->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) {
    std::string normalized;
    icu::StringByteSink<std::string> sink(&normalized, static_cast<std::int32_t>(text.size()));
    normalizer->normalizeUTF8(0, piece, sink, nullptr, status);
    if (U_SUCCESS(status)) {
      storage = std::move(normalized);
      text = storage;
    }
  }
  if (text.find(kRightSingleQuote) == std::string_view::npos) return text;
  std::string replaced;
  replaced.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t quote = text.find(kRightSingleQuote, at);
    replaced.append(text.substr(at, quote - at));
    if (quote == std::string_view::npos) break;
    replaced.push_back('\'');
    at = quote + kRightSingleQuote.size();
  }
  storage = std::move(replaced);
  return storage;
}

// Scripts written without spaces between words, which get character bigrams. Hangul is
// written with spaces, but particles attach to nouns (서울에서), so it is treated the same.
bool IsBigramScript(UChar32 c) {
  if (c < 0x1100) return false;  // below Hangul Jamo: nothing of these scripts
  if (c == 0x30FC) return true;  // KATAKANA-HIRAGANA PROLONGED SOUND MARK (script Common)
  UErrorCode status = U_ZERO_ERROR;
  switch (uscript_getScript(c, &status)) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_HANGUL:
      return true;
    default:
      return false;
  }
}

// This thread's word break iterator (root locale; ICU's dictionaries cover Chinese, Japanese,
// Thai and the other languages written without spaces whatever the locale).
icu::BreakIterator& WordBreaker() {
  thread_local const std::unique_ptr<icu::BreakIterator> breaker = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    GOCLAW_CHECK(U_SUCCESS(status) && b != nullptr);  // ICU's data is linked in: always there
    return b;
  }();
  return *breaker;
}

// Calls on_word(word) for each word ICU finds in `span` (segments of letters, numbers, kana
// or ideographs; spaces, punctuation and symbols are not words).
template <typename OnWord>
void ForEachIcuWord(std::string_view span, OnWord&& on_word) {
  UErrorCode status = U_ZERO_ERROR;
  UText text = UTEXT_INITIALIZER;
  utext_openUTF8(&text, span.data(), static_cast<std::int64_t>(span.size()), &status);
  icu::BreakIterator& breaker = WordBreaker();
  breaker.setText(&text, status);
  if (U_SUCCESS(status)) {
    std::int32_t start = breaker.first();
    for (std::int32_t end = breaker.next(); end != icu::BreakIterator::DONE; start = end, end = breaker.next()) {
      if (breaker.getRuleStatus() >= UBRK_WORD_NONE_LIMIT) {
        on_word(span.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start)));
      }
    }
  }
  utext_close(&text);
}

// Appends `term`, cut to kMaxTermBytes at a character boundary.
void Emit(std::string_view term, Terms& out) {
  if (term.size() > kMaxTermBytes) {
    std::size_t cut = kMaxTermBytes;
    while (cut > 0 && (static_cast<unsigned char>(term[cut]) & 0xC0) == 0x80) --cut;
    term = term.substr(0, cut);
  }
  if (!term.empty()) out.emplace_back(term);
}

// A word, and for a contraction or possessive (don't, john's) also its stem (don, john).
void EmitWord(std::string_view word, Terms& out) {
  Emit(word, out);
  const std::size_t apostrophe = word.find('\'');
  if (apostrophe != std::string_view::npos && apostrophe > 0) Emit(word.substr(0, apostrophe), out);
}

constexpr std::string_view kJoiners = "-_./:";

bool AllJoiners(std::string_view s) { return s.find_first_not_of(kJoiners) == std::string_view::npos; }

// An identifier: its words and the joiners between them. Whole when it has joiners inside
// (after trimming joiners at its ends), then each part.
void EmitIdentifier(std::string_view chunk, Terms& out) {
  const std::size_t first = chunk.find_first_not_of(kJoiners);
  if (first == std::string_view::npos) return;
  chunk = chunk.substr(first, chunk.find_last_not_of(kJoiners) - first + 1);
  if (chunk.find_first_of(kJoiners) == std::string_view::npos) {
    EmitWord(chunk, out);
    return;
  }
  Emit(chunk, out);
  std::size_t at = 0;
  while (at < chunk.size()) {
    const std::size_t end = std::min(chunk.find_first_of(kJoiners, at), chunk.size());
    if (end > at) EmitWord(chunk.substr(at, end - at), out);
    at = end + 1;
  }
}

// A span with no bigram-script characters: ICU's words, where words separated only by
// joiner characters (db-stg-03, std::vector) form one identifier.
void TokenizeWordSpan(std::string_view span, Terms& out) {
  if (span.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
  std::size_t chunk_begin = 0;
  std::size_t chunk_end = 0;
  bool in_chunk = false;
  ForEachIcuWord(span, [&](std::string_view word) {
    const auto begin = static_cast<std::size_t>(word.data() - span.data());
    const bool joins = in_chunk && begin > chunk_end && AllJoiners(span.substr(chunk_end, begin - chunk_end));
    if (!joins) {
      if (in_chunk) EmitIdentifier(span.substr(chunk_begin, chunk_end - chunk_begin), out);
      chunk_begin = begin;
      in_chunk = true;
    }
    chunk_end = begin + word.size();
  });
  if (in_chunk) EmitIdentifier(span.substr(chunk_begin, chunk_end - chunk_begin), out);
}

std::size_t CodePointCount(std::string_view s) {
  std::size_t count = 0;
  for (char c : s) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

// A run of bigram-script characters: ICU's dictionary words (except two-character ones,
// which are among the bigrams already), then every character bigram; a one-character run is
// that character.
void TokenizeBigramRun(std::string_view run, Terms& out) {
  std::vector<std::size_t> starts;  // byte offset of each character, then run.size()
  for (std::size_t i = 0; i < run.size(); ++i) {
    if ((static_cast<unsigned char>(run[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(run.size());
  if (starts.size() == 2) {
    Emit(run, out);
    return;
  }
  ForEachIcuWord(run, [&](std::string_view word) {
    if (CodePointCount(word) != 2) Emit(word, out);
  });
  for (std::size_t i = 0; i + 2 < starts.size(); ++i) Emit(run.substr(starts[i], starts[i + 2] - starts[i]), out);
}

// Splits normalised, well-formed text into word spans and bigram runs, in order.
void TokenizeNormalized(std::string_view text, Terms& out) {
  if (IsAscii(text)) {
    TokenizeWordSpan(text, out);
    return;
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  std::size_t span_begin = 0;
  bool span_is_run = false;
  for (std::int32_t i = 0; i < length;) {
    const auto at = static_cast<std::size_t>(i);
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    const bool in_run = IsBigramScript(c);
    if (in_run == span_is_run) continue;
    const std::string_view span = text.substr(span_begin, at - span_begin);
    if (span_is_run) {
      TokenizeBigramRun(span, out);
    } else if (!span.empty()) {
      TokenizeWordSpan(span, out);
    }
    span_begin = at;
    span_is_run = in_run;
  }
  const std::string_view last = text.substr(span_begin);
  if (span_is_run) {
    TokenizeBigramRun(last, out);
  } else if (!last.empty()) {
    TokenizeWordSpan(last, out);
  }
}

}  // namespace

std::vector<std::string> Tokenize(std::string_view text) {
  Terms out;
  out.reserve(std::min<std::size_t>(text.size() / 4, 1024));  // a guess that saves regrowth
  // A cut through a character leaves an ill-formed tail, which WellFormed drops.
  if (text.size() > kMaxInputBytes) text = text.substr(0, kMaxInputBytes);
  std::string cleaned;
  std::string normalized;
  text = WellFormed(text, cleaned);
  if (text.empty()) return out;
  text = Normalized(text, normalized);
  TokenizeNormalized(text, out);
  return out;
}

}  // namespace goclaw::memory
