// The memory hub from tasks: two `builtin` ops (exec/builtin_executor.h BuiltinOps) that the
// server registers when memory is enabled.
//
//   - id: remember
//     type: builtin
//     config: {op: memorize, session: "{{input.user}}", content: "{{tasks.research.output.summary}}",
//              metadata: {topic: deploys}, trust: medium}         # or items: [{content, ...}, ...]
//     -> {"session", "id", "ids"}
//   - id: context
//     type: builtin
//     config: {op: recall, session: "{{input.user}}", query: "{{input.question}}", top_k: 5,
//              mode: hybrid, filters: {topic: deploys}, min_trust: medium}
//     -> {"session", "count", "results": [{id, content, score, retrievability, metadata,
//         trust, created_at}], "text": the contents joined by blank lines}
//
// Items memorized by a task carry its provenance: workflow id, task id, source "task" (unless
// the config names one). The hub's calls block (store writes, an HTTP embedder), so they run on
// the ops' own threads, never the engine's. A bad session, content or query fails the attempt
// without retry, with the field's path; store or embedder trouble fails it retryably.
//
// Thread-safety: the ops may be started from any thread; `shutdown` waits for running calls.
#pragma once

#include <cstddef>

#include "goclaw/exec/builtin_executor.h"
#include "goclaw/memory/memory_hub.h"

namespace goclaw::memory {

// `hub` null: the ops only check configs (offline validation), and starting one fails.
exec::BuiltinOps MemoryBuiltinOps(MemoryHub* hub, std::size_t threads = 2);

}  // namespace goclaw::memory
