// The `memory` section of the config (config.h MemoryConfig): decoding with field paths and
// encoding for `goclaw config print`.
//
//   memory:
//     embedder: {url: http://127.0.0.1:8000/v1, model: bge-small, api_key_env: EMBED_KEY,
//                dimensions: 384}      # or {kind: builtin, dimensions: 384} (the default)
//     vector_weight: 0.7              # weighted reciprocal-rank fusion (rrf_k: 60)
//     bm25_weight: 0.3
//     retrievability_weight: 0.3      # FSRS-6 retrievability's share of the score; 0: none
//     review_rating: good             # what a retrieval counts as; none: retrievals do not review
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/config/config.h"
#include "goclaw/core/json_reader.h"

namespace goclaw::config {

void DecodeMemory(const boost::json::value& v, MemoryConfig* out, Diagnostics& diag);
boost::json::object EncodeMemory(const MemoryConfig& m);

}  // namespace goclaw::config
