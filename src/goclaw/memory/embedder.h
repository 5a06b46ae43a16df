// Embedders: what turns memory text into the vectors the vector index compares. Two kinds:
//
// - The hashing embedder needs no model and no network: sub-word features (words, character
//   n-grams, Chinese characters and bigrams) hashed into a fixed number of dimensions with a
//   hashed sign, then L2-normalised (the recipe is in hashing_embedder.cc). Texts that share
//   words or word pieces ("deployment failed" / "deploying fails", "部署失败" / "部署出错")
//   get a clearly positive cosine; unrelated texts get one near 0. It is deterministic: the same
//   text gives the same vector in every run and on every platform (a stable hash, a fixed
//   feature order, and only IEEE-exact arithmetic), given the same tokenizer (Tokenize; only its
//   ICU segmentation of Chinese words could differ between ICU versions).
//   A text without features (empty, only punctuation) gets the all-zero vector, which the hub
//   treats as "no vector" (VectorIndex refuses zero vectors).
//
// - The HTTP embedder calls an OpenAI-compatible embeddings endpoint (OpenAI, vLLM, Ollama,
//   llama.cpp, TEI, LiteLLM, ...): POST <endpoint> {"model": ..., "input": [texts]} with
//   "Authorization: Bearer <api_key>" when a key is set, in batches of at most max_batch texts,
//   and reads {"data": [{"index": i, "embedding": [...]}, ...]} (ordered by index). Every
//   vector must have the configured dimensions; results are L2-normalised (an all-zero answer
//   stays zero). Blank texts (empty or whitespace) are not sent, as endpoints refuse empty
//   input, and get the zero vector. One failed batch fails the whole call. Errors, with the
//   endpoint and model in the message:
//     kInvalidArgument    the endpoint answered vectors of another dimension than configured;
//                         a 400/413/422 answer (the text or model was refused)
//     kFailedPrecondition a 401/403 answer (the key)
//     kNotFound           a 404 answer (the URL or the model)
//     kResourceExhausted  a 429 answer (rate limit); an answer above the response size limit
//     kDeadlineExceeded   no complete answer within the timeout; a 408/504 answer
//     kUnavailable        no connection; a 5xx answer
//     kInternal           an answer that is not the expected JSON, any other status
//   An error answer's message is taken from its body ({"error": {"message"}}, {"error"},
//   {"message"} or {"detail"}), else the body itself, shortened and quoted.
//
// Thread-safety: Embed may be called from several threads at once on either embedder (the
// hashing one is pure; the HTTP one only starts requests on its thread-safe client and waits
// for their callbacks). Embed blocks, so call it off event-loop threads, never from a callback
// of the HTTP embedder's own client.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"

namespace goclaw::memory {

class Embedder {
 public:
  virtual ~Embedder() = default;

  virtual std::size_t dimensions() const = 0;
  // "hashing-384", "http:<model>": what made a vector, recorded next to it.
  virtual std::string name() const = 0;
  // One L2-normalised vector of dimensions() per text, in order (an all-zero one for a text
  // without features). Blocking.
  virtual Result<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& texts) = 0;
};

// Scales `vector` to unit length in place; an all-zero vector stays all zero. Deterministic:
// the squares are summed in order in double with std::fma (one rounding each, on every
// platform) and each component is divided by the norm.
void NormaliseL2(std::span<float> vector);

// GOCLAW_CHECKs dimensions > 0.
std::unique_ptr<Embedder> NewHashingEmbedder(std::size_t dimensions = 384);

struct HttpEmbedderOptions {
  // The API's base URL ("http://localhost:8000/v1", requests go to <url>/embeddings) or the full
  // endpoint (any URL whose path ends in "/embeddings", used as is). http or https; a query
  // string is kept after the path ("...?api-version=2024-02-01").
  std::string url;
  std::string model;    // required: sent as "model"
  std::string api_key;  // sent as "Authorization: Bearer <api_key>" when not empty
  std::size_t dimensions =
      0;                  // required, 1-65536: the model's vector size, checked on every answer
  Millis timeout{30000};  // per request (one batch)
  std::size_t max_batch = 64;  // texts per request, 1-2048 (blank texts are not sent: zero vectors)
};

// kInvalidArgument naming the option for a bad url, an empty model, dimensions or max_batch out
// of range, a timeout outside (0, kMaxDuration] or an api_key that cannot go in a header.
// Sends nothing: the endpoint is first called by Embed.
Result<std::unique_ptr<Embedder>> NewHttpEmbedder(HttpEmbedderOptions options);

}  // namespace goclaw::memory
