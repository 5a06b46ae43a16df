// Placeholder parsing and substitution.
#include "goclaw/engine/templating.h"

#include <boost/json/serialize.hpp>

#include "goclaw/core/json_limits.h"

namespace goclaw::engine {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Follows "a.b.0.c" from `v`.
Result<const boost::json::value*> Walk(const boost::json::value* v, std::string_view path,
                                       std::string_view placeholder) {
  while (!path.empty()) {
    std::size_t dot = path.find('.');
    std::string_view seg = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    const boost::json::value* next = nullptr;
    if (const auto* obj = v->if_object()) {
      auto it = obj->find(seg);
      if (it != obj->end()) next = &it->value();
    } else if (const auto* arr = v->if_array()) {
      std::size_t index = 0;
      // At most 18 digits: an index that would wrap around size_t is no index (found by the
      // templating fuzzer's author: 2^64 + 1 used to resolve to element 1).
      bool numeric = !seg.empty() && seg.size() <= 18;
      for (char c : seg) {
        if (c < '0' || c > '9') numeric = false;
        if (numeric) index = index * 10 + static_cast<std::size_t>(c - '0');
      }
      if (numeric && index < arr->size()) next = &(*arr)[index];
    }
    if (next == nullptr) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "{{" + std::string(placeholder) + "}}: no \"" + std::string(seg) +
                           "\" in the referenced value");
    }
    v = next;
  }
  return v;
}

Result<const boost::json::value*> Lookup(std::string_view expr, const TemplateRoots& roots) {
  std::string_view e = Trim(expr);
  if (e == "input" || e.rfind("input.", 0) == 0) {
    const boost::json::value* input = roots("input", "");
    if (input == nullptr) {
      return MakeError(ErrorCode::kFailedPrecondition, "{{" + std::string(e) + "}}: no input");
    }
    return Walk(input, e.size() > 5 ? e.substr(6) : std::string_view(), e);
  }
  if (e.rfind("tasks.", 0) == 0) {
    std::string_view rest = e.substr(6);
    std::size_t dot = rest.find('.');
    std::string_view id = rest.substr(0, dot);
    std::string_view after = dot == std::string_view::npos ? "" : rest.substr(dot + 1);
    if (after != "output" && after.rfind("output.", 0) != 0) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "{{" + std::string(e) + "}}: expected tasks.<id>.output[.path]");
    }
    const boost::json::value* output = roots("tasks", id);
    if (output == nullptr) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "{{" + std::string(e) + "}}: task \"" + std::string(id) +
                           "\" has no output here (it must be an upstream task that completed)");
    }
    return Walk(output, after.size() > 6 ? after.substr(7) : std::string_view(), e);
  }
  return MakeError(ErrorCode::kFailedPrecondition,
                   "{{" + std::string(e) + "}}: unknown reference; use {{input.<path>}} or "
                   "{{tasks.<id>.output.<path>}}");
}

// Resolution with a byte budget for the result's JSON text.
class Resolver {
 public:
  Resolver(const TemplateRoots& roots, std::size_t max_bytes) : roots_(roots), max_bytes_(max_bytes) {}

  Result<boost::json::value> Resolve(const boost::json::value& config) {
    if (const auto* s = config.if_string()) return ResolveString(*s);
    if (const auto* obj = config.if_object()) {
      GOCLAW_RETURN_IF_ERROR(Spend(2 + obj->size(), ""));
      boost::json::object out;
      out.reserve(obj->size());
      for (const auto& kv : *obj) {
        GOCLAW_RETURN_IF_ERROR(Spend(kv.key().size() + 3, ""));
        GOCLAW_ASSIGN_OR_RETURN(boost::json::value v, Resolve(kv.value()));
        out.emplace(kv.key(), std::move(v));
      }
      return boost::json::value(std::move(out));
    }
    if (const auto* arr = config.if_array()) {
      GOCLAW_RETURN_IF_ERROR(Spend(2 + arr->size(), ""));
      boost::json::array out;
      out.reserve(arr->size());
      for (const auto& item : *arr) {
        GOCLAW_ASSIGN_OR_RETURN(boost::json::value v, Resolve(item));
        out.push_back(std::move(v));
      }
      return boost::json::value(std::move(out));
    }
    GOCLAW_RETURN_IF_ERROR(Spend(JsonTextSize(config, Left()), ""));
    return config;
  }

 private:
  std::size_t Left() const { return max_bytes_ - used_; }

  // Counts `bytes` of the result; fails once the budget is gone. `placeholder` names what
  // was being copied, for the message.
  Status Spend(std::size_t bytes, std::string_view placeholder) {
    if (bytes <= Left()) {
      used_ += bytes;
      return OkStatus();
    }
    std::string message = "the resolved config would be larger than " + std::to_string(max_bytes_) +
                          " bytes (limits.max_config_bytes)";
    if (!placeholder.empty()) message += " at {{" + std::string(Trim(placeholder)) + "}}";
    return MakeError(ErrorCode::kResourceExhausted, message);
  }

  Result<boost::json::value> ResolveString(std::string_view s) {
    std::size_t open = s.find("{{");
    if (open == std::string_view::npos) {
      GOCLAW_RETURN_IF_ERROR(Spend(s.size() + 2, ""));
      return boost::json::value(s);
    }
    std::size_t close = s.find("}}", open);
    if (open == 0 && close == s.size() - 2 && s.find("{{", 2) == std::string_view::npos) {
      const std::string_view expr = s.substr(2, s.size() - 4);
      GOCLAW_ASSIGN_OR_RETURN(const boost::json::value* v, Lookup(expr, roots_));
      GOCLAW_RETURN_IF_ERROR(Spend(JsonTextSize(*v, Left()), expr));
      return *v;
    }
    std::string out;
    std::size_t pos = 0;
    GOCLAW_RETURN_IF_ERROR(Spend(2, ""));
    while ((open = s.find("{{", pos)) != std::string_view::npos) {
      close = s.find("}}", open + 2);
      if (close == std::string_view::npos) break;
      GOCLAW_RETURN_IF_ERROR(Spend(open - pos, ""));
      out.append(s.substr(pos, open - pos));
      const std::string_view expr = s.substr(open + 2, close - open - 2);
      GOCLAW_ASSIGN_OR_RETURN(const boost::json::value* v, Lookup(expr, roots_));
      GOCLAW_RETURN_IF_ERROR(Spend(JsonTextSize(*v, Left()), expr));
      if (v->is_string()) {
        out.append(v->get_string());
      } else {
        out += boost::json::serialize(*v);
      }
      pos = close + 2;
    }
    GOCLAW_RETURN_IF_ERROR(Spend(s.size() - pos, ""));
    out.append(s.substr(pos));
    return boost::json::value(out);
  }

  const TemplateRoots& roots_;
  const std::size_t max_bytes_;
  std::size_t used_ = 0;
};

}  // namespace

Result<boost::json::value> RewritePlaceholders(const boost::json::value& config, const PlaceholderRewrite& rewrite) {
  if (const auto* str = config.if_string()) {
    const std::string_view s = *str;
    std::string out;
    std::size_t pos = 0, open = 0;
    while ((open = s.find("{{", pos)) != std::string_view::npos) {
      const std::size_t close = s.find("}}", open + 2);
      if (close == std::string_view::npos) break;
      GOCLAW_ASSIGN_OR_RETURN(std::string expr, rewrite(Trim(s.substr(open + 2, close - open - 2))));
      out.append(s.substr(pos, open - pos));
      out += "{{" + expr + "}}";
      pos = close + 2;
    }
    out.append(s.substr(pos));
    return boost::json::value(out);
  }
  if (const auto* obj = config.if_object()) {
    boost::json::object out;
    for (const auto& kv : *obj) {
      GOCLAW_ASSIGN_OR_RETURN(boost::json::value v, RewritePlaceholders(kv.value(), rewrite));
      out.emplace(kv.key(), std::move(v));
    }
    return boost::json::value(std::move(out));
  }
  if (const auto* arr = config.if_array()) {
    boost::json::array out;
    for (const auto& item : *arr) {
      GOCLAW_ASSIGN_OR_RETURN(boost::json::value v, RewritePlaceholders(item, rewrite));
      out.push_back(std::move(v));
    }
    return boost::json::value(std::move(out));
  }
  return config;
}

Result<boost::json::value> ResolveTemplates(const boost::json::value& config,
                                            const TemplateRoots& roots, std::size_t max_bytes) {
  Resolver resolver(roots, max_bytes);
  return resolver.Resolve(config);
}

}  // namespace goclaw::engine
