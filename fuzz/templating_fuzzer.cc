// A task config (JSON text from the fuzzer) -> ResolveTemplates, with a fixed workflow input
// and the outputs of two completed tasks ("search" and "count") as the roots.
//
// Invariants: never crashes; errors carry a message; a config without "{{" resolves to itself;
// resolving is deterministic.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/engine/templating.h"

#include "fuzz_check.h"

namespace {

struct Roots {
  boost::json::value input = boost::json::parse(
      R"({"topic": "lanes", "count": 3, "ratio": 0.5, "ok": true, "none": null,
          "list": [1, "two", {"three": 3}], "nested": {"a": {"b": {"c": "deep"}}}, "": "empty"})");
  boost::json::value search =
      boost::json::parse(R"({"body": "found", "items": [{"url": "a"}, {"url": "b"}], "total": 2})");
  boost::json::value count = boost::json::parse("42");
};

bool ContainsBraces(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::string:
      return std::string_view(v.get_string()).find("{{") != std::string_view::npos;
    case boost::json::kind::array:
      for (const auto& e : v.get_array()) {
        if (ContainsBraces(e)) return true;
      }
      return false;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object()) {
        if (std::string_view(kv.key()).find("{{") != std::string_view::npos ||
            ContainsBraces(kv.value())) {
          return true;
        }
      }
      return false;
    default:
      return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Roots roots_data;
  static const goclaw::engine::TemplateRoots roots =
      [](std::string_view kind, std::string_view id) -> const boost::json::value* {
    if (kind == "input") return &roots_data.input;
    if (id == "search") return &roots_data.search;
    if (id == "count") return &roots_data.count;
    return nullptr;
  };

  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 64;  // what ParseDocument allows for specs
  boost::json::value config = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, options);
  if (ec) return 0;

  auto resolved = goclaw::engine::ResolveTemplates(config, roots);
  if (!resolved) {
    FUZZ_CHECK(!resolved.error().message().empty(), "an error without a message");
    return 0;
  }
  if (!ContainsBraces(config)) {
    FUZZ_CHECK(*resolved == config,
               "a config without placeholders changed: " + boost::json::serialize(config));
  }
  auto again = goclaw::engine::ResolveTemplates(config, roots);
  FUZZ_CHECK(again && *again == *resolved, "resolving is not deterministic");
  return 0;
}
