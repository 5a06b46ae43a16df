// The memory hub's tokenizer (docs/design/memory.md): one function that turns English,
// Chinese or mixed text into the terms BM25 indexes and queries with.
//
//   Tokenize("Deploy db-stg-03 to k8s, 部署到生产")
//     -> deploy, db-stg-03, db, stg, 03, to, k8s, 到, 部署, 署到, 到生, 生产
//
// The rules, in order:
// - Ill-formed UTF-8 is dropped (each maximal ill-formed subpart), never an error.
// - NFKC with Unicode case folding: full-width ＡＢＣ１２３ -> abc123, Straße -> strasse,
//   ligatures split, soft hyphens and other default-ignorables removed; the typographic
//   apostrophe ’ becomes '.
// - The text is cut into runs of the scripts written without spaces (Han, Hiragana, Katakana,
//   and Hangul, whose particles attach to nouns) and the spans between them.
// - Spans: ICU word breaks (root locale, so Thai and the like get ICU's dictionary words);
//   spaces, punctuation and symbols are dropped. Words separated only by the joiners
//   '-' '_' '.' '/' ':' form an identifier (db-stg-03, user_id, v1.2.3, api.example.com,
//   std::vector), which gives the whole (joiners at its ends trimmed) and then each part.
//   A word with an apostrophe also gives its stem: don't -> don't, don; john's -> john's, john.
// - Runs: ICU's dictionary words other than two-character ones, then every character bigram
//   of the run (多智能体编排引擎 -> 多, 体, 多智, 智能, 能体, 体编, 编排, 排引, 引擎), so that
//   部署 matches 部署到 however ICU segments either; a one-character run is that character.
// - Terms longer than 64 bytes are cut at a character boundary; text past 1 GiB is ignored.
//
// Thread-safety: any thread (each thread keeps its own ICU break iterator).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace goclaw::memory {

// The terms in text order, by the rules above; repeats are kept (BM25 counts them). Any input
// is accepted: ill-formed or empty text gives what is left of it, possibly nothing.
std::vector<std::string> Tokenize(std::string_view text);

}  // namespace goclaw::memory
