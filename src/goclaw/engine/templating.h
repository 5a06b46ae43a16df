// Data passing between tasks: "{{input.x}}" and "{{tasks.<id>.output.<path>}}" inside a task's
// config are replaced when the task becomes ready. A string that is exactly one placeholder
// takes the referenced value with its JSON type ({"n": "{{input.count}}"} -> {"n": 3}); a
// placeholder inside a longer string is replaced by the value's text (strings as they are,
// other values as JSON). Paths use dots for keys and numbers for array elements
// ("tasks.search.output.items.0.url").
//
// Thread-safety: pure.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "goclaw/core/status.h"

namespace goclaw::engine {

// Looks up the root of a reference: "input" or a task id. Returns nullptr when unknown (for a
// task: not completed, or not an upstream of this task).
using TemplateRoots = std::function<const boost::json::value*(std::string_view root_kind,
                                                              std::string_view task_id)>;

// Resolves every placeholder in `config`. A missing path fails with kFailedPrecondition naming
// the placeholder and the first missing segment. The result's JSON text may take at most
// `max_bytes`: sizes are checked before anything is copied, so a config that references a
// large output many times fails with kResourceExhausted instead of exhausting memory.
Result<boost::json::value> ResolveTemplates(const boost::json::value& config,
                                            const TemplateRoots& roots,
                                            std::size_t max_bytes = static_cast<std::size_t>(-1));

// Rewrites the expression of every placeholder in `config`'s strings ("{{step.output.id}}" ->
// "{{input.steps.book.output.id}}"), leaving the text around them as it is; `rewrite` gets each
// expression trimmed and may refuse it (its error is returned). How sagas turn a compensation's
// references into references to its compensation workflow's input.
using PlaceholderRewrite = std::function<Result<std::string>(std::string_view expr)>;
Result<boost::json::value> RewritePlaceholders(const boost::json::value& config, const PlaceholderRewrite& rewrite);

}  // namespace goclaw::engine
