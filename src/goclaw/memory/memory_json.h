// The memory hub's values as JSON, as the REST API, the task ops and the CLI show them.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json/object.hpp>

#include "goclaw/memory/memory_hub.h"

namespace goclaw::memory {

// The item as the API shows it: id, session_id, content, metadata, provenance, task_id,
// created_at, the FSRS card (stability, difficulty, state, reps, lapses, last_review, due),
// retrievability and strength (the same number, the reference Goclaw's name) now; the vector
// only when `with_vector`.
boost::json::object ItemJson(const MemoryItem& item, double retrievability, bool with_vector = false);
boost::json::object HitJson(const Hit& hit, bool with_vector = false);
boost::json::object StatsJson(const SessionStats& s);

}  // namespace goclaw::memory
