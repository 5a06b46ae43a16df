// The memory hub as the transports serve it (DESIGN.md §9, docs/design/memory.md): requests
// as JSON (decoded by memory/memory_query.h, so REST, gRPC and task ops accept the same
// fields), answers as JSON in the reference Goclaw's shapes, errors as goclaw codes
// (kInvalidArgument with field paths, kNotFound for an unknown item id).
//
//   Memorize   {content, vector?, metadata?, trust?, source?} -> {id}
//              {items: [...]}                                  -> {ids}
//   Search     {query?, vector?, mode?, top_k?, filters?, created_after?, created_before?,
//               min_trust?, review?}                            -> [{entry, score}, ...]
//   Forget     {ids: [...]} or {filters|created_*|min_trust}    -> {deleted}
//
// Thread-safety: every method from any thread; they block (store writes, an HTTP embedder):
// the HTTP routes run them as blocking handlers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/core/status.h"
#include "goclaw/memory/memory_hub.h"
#include "goclaw/memory/memory_query.h"

namespace goclaw::service {

inline constexpr std::size_t kMaxMemoryListLimit = 1000;

class MemoryService {
 public:
  explicit MemoryService(memory::MemoryHub& hub);

  Result<boost::json::object> Memorize(std::string_view session, const boost::json::value& body);
  Result<boost::json::array> Search(std::string_view session, const boost::json::value& body);
  // An already decoded query (the GET route builds it from query parameters).
  Result<boost::json::array> Search(std::string_view session, const memory::Query& query, bool with_vectors = false);
  Result<boost::json::object> Forget(std::string_view session, const boost::json::value& body);
  Result<boost::json::object> ForgetSession(std::string_view session);
  Result<boost::json::object> ForgetWeak(std::string_view session, double threshold);
  Result<boost::json::object> List(std::string_view session, std::size_t limit, std::size_t offset, bool with_vectors = false);
  Result<boost::json::object> Get(std::string_view session, std::string_view id, bool with_vectors = false);
  Result<boost::json::object> Stats(std::string_view session);
  boost::json::object Sessions();

  memory::RequestLimits limits() const;
  memory::MemoryHub& hub() { return hub_; }

 private:
  memory::MemoryHub& hub_;
};

}  // namespace goclaw::service
