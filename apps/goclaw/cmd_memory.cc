// `goclaw memory ...`: the memory hub on a running server (docs/design/memory.md, REST under
// /api/v1/memory): add, search, list, forget, stats; and `fsrs`, the FSRS-6 scheduler offline
// (JSON lines on stdin, one JSON line out per line in; memory/fsrs_lines.h). Built like the
// client commands (cmd_client.cc): --server / GOCLAW_SERVER, --json, --timeout, errors through
// PrintError, exit 1 when the server refuses or cannot be reached.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>

#include "goclaw/memory/fsrs_lines.h"
#include "goclaw/memory/memory_item.h"

#include "cli.h"
#include "terminal_text.h"

namespace goclaw::cli {
namespace {

std::string Memory(std::string_view session, std::string_view rest = "") {
  return "/api/v1/memory/" + std::string(session) + std::string(rest);
}

// Refuses a session name the server would refuse anyway, before it could change the path.
bool CheckSession(Context& ctx, const std::string& session, std::string_view what) {
  if (memory::IsValidSessionName(session)) return true;
  std::cerr << what << ": invalid session " << Shown(session, Stream::kStderr) << "; expected "
            << memory::kSessionNameRule << "\n";
  ctx.exit_code = kExitUsage;
  return false;
}

// --meta key=value (repeatable) -> {"key": "value"}; false (and a message) for one without '='.
bool MetadataOf(Context& ctx, const std::vector<std::string>& pairs, boost::json::object* out, std::string_view what) {
  for (const auto& p : pairs) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << what << ": --meta expects key=value, got " << Shown(p, Stream::kStderr) << "\n";
      ctx.exit_code = kExitUsage;
      return false;
    }
    (*out)[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return true;
}

client::Request JsonRequest(std::string method, std::string target, const boost::json::value& body) {
  return {.method = std::move(method), .target = std::move(target), .body = boost::json::serialize(body),
          .content_type = "application/json"};
}

// "0.0321  mem-...  R=0.97  first line of the content"
void PrintHit(const boost::json::value& hit) {
  const auto* e = hit.is_object() ? hit.as_object().if_contains("entry") : nullptr;
  if (e == nullptr) return;
  std::string content = Str(*e, "content");
  if (auto nl = content.find('\n'); nl != std::string::npos) content = content.substr(0, nl) + " ...";
  if (content.size() > 100) content = content.substr(0, 100) + "...";
  std::cout << Field(hit, "score") << "  " << Field(*e, "id") << "  R=" << Field(*e, "retrievability") << "  "
            << Shown(content, Stream::kStdout) << "\n";
}

void RegisterAdd(CLI::App& memory, Context& ctx) {
  CLI::App* cmd = memory.add_subcommand("add", "Memorize a text in a session (durable when it prints the id)");
  struct Opts : ClientOptions {
    std::string session, content, trust, source;
    std::vector<std::string> meta;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("session", o->session, "Memory session")->required();
  cmd->add_option("content", o->content, "The text (- reads stdin)")->required();
  cmd->add_option("--meta", o->meta, "Metadata key=value (repeatable)");
  cmd->add_option("--trust", o->trust, "untrusted, low, medium (default) or high");
  cmd->add_option("--source", o->source, "Where the text came from");
  AddClientOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    constexpr std::string_view what = "goclaw memory add";
    if (!CheckSession(ctx, o->session, what)) return;
    boost::json::object body;
    if (!MetadataOf(ctx, o->meta, &body["metadata"].emplace_object(), what)) return;
    if (o->content == "-") {
      auto text = ReadInput("-", 16u << 20, "the memory content limit");
      if (!text) {
        PrintError(std::cerr, what, text.error());
        ctx.exit_code = kExitFailure;
        return;
      }
      body["content"] = *text;
    } else {
      body["content"] = o->content;
    }
    if (!o->trust.empty()) body["trust"] = o->trust;
    if (!o->source.empty()) body["source"] = o->source;
    auto res = Call(ctx, *o, JsonRequest("POST", Memory(o->session), body), what);
    if (!res) return;
    if (o->json) return PrintJson(*res);
    std::cout << Field(*res, "id") << "\n";
  });
}

void RegisterSearch(CLI::App& memory, Context& ctx) {
  CLI::App* cmd = memory.add_subcommand("search", "Retrieve a session's memories for a query (hybrid by default)");
  struct Opts : ClientOptions {
    std::string session, query, mode = "hybrid", min_trust;
    int limit = 10;
    std::vector<std::string> meta;
    bool no_review = false;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("session", o->session, "Memory session")->required();
  cmd->add_option("query", o->query, "What to look for")->required();
  cmd->add_option("--mode", o->mode, "hybrid, bm25 or vector")->capture_default_str();
  cmd->add_option("--limit", o->limit, "At most this many")->check(CLI::Range(1, 1000))->capture_default_str();
  cmd->add_option("--meta", o->meta, "Only items whose metadata has key=value (repeatable)");
  cmd->add_option("--min-trust", o->min_trust, "Only items trusted at least this much");
  cmd->add_flag("--no-review", o->no_review, "Do not count this retrieval as a review (FSRS)");
  AddClientOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    constexpr std::string_view what = "goclaw memory search";
    if (!CheckSession(ctx, o->session, what)) return;
    boost::json::object body{{"query", o->query}, {"mode", o->mode}, {"top_k", o->limit}, {"review", !o->no_review}};
    boost::json::object filters;
    if (!MetadataOf(ctx, o->meta, &filters, what)) return;
    if (!filters.empty()) body["filters"] = std::move(filters);
    if (!o->min_trust.empty()) body["min_trust"] = o->min_trust;
    auto res = Call(ctx, *o, JsonRequest("POST", Memory(o->session, "/search"), body), what);
    if (!res) return;
    if (o->json) return PrintJson(*res);
    if (!res->is_array() || res->as_array().empty()) {
      std::cout << "no memories match\n";
      return;
    }
    for (const auto& hit : res->as_array()) PrintHit(hit);
  });
}

void RegisterList(CLI::App& memory, Context& ctx) {
  CLI::App* cmd = memory.add_subcommand("list", "List a session's memories, oldest first");
  struct Opts : ClientOptions {
    std::string session;
    int limit = 50, offset = 0;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("session", o->session, "Memory session")->required();
  cmd->add_option("--limit", o->limit, "At most this many")->check(CLI::Range(1, 1000))->capture_default_str();
  cmd->add_option("--offset", o->offset, "Skip this many first")->check(CLI::NonNegativeNumber)->capture_default_str();
  AddClientOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    constexpr std::string_view what = "goclaw memory list";
    if (!CheckSession(ctx, o->session, what)) return;
    auto res = Call(ctx, *o,
                    {.target = Memory(o->session, "/list?limit=" + std::to_string(o->limit) +
                                                       "&offset=" + std::to_string(o->offset))},
                    what);
    if (!res) return;
    if (o->json) return PrintJson(*res);
    const auto* entries = res->is_object() ? res->as_object().if_contains("entries") : nullptr;
    if (entries != nullptr && entries->is_array()) {
      for (const auto& e : entries->as_array()) {
        std::cout << Field(e, "id") << "  " << Field(e, "created_at") << "  R=" << Field(e, "retrievability") << "  "
                  << Field(e, "content") << "\n";
      }
    }
    std::cout << Field(*res, "total") << " memories\n";
  });
}

void RegisterForget(CLI::App& memory, Context& ctx) {
  CLI::App* cmd = memory.add_subcommand("forget", "Forget memories: by id, by metadata, weak ones, or all");
  struct Opts : ClientOptions {
    std::string session;
    std::vector<std::string> ids, meta;
    bool all = false;
    double weak = 0;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("session", o->session, "Memory session")->required();
  cmd->add_option("ids", o->ids, "Item ids");
  cmd->add_option("--meta", o->meta, "Items whose metadata has key=value (repeatable)");
  cmd->add_option("--weak", o->weak, "Items whose retrievability is now below this (0-1]")->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--all", o->all, "Every item of the session");
  AddClientOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    constexpr std::string_view what = "goclaw memory forget";
    if (!CheckSession(ctx, o->session, what)) return;
    const int ways = (o->ids.empty() ? 0 : 1) + (o->meta.empty() ? 0 : 1) + (o->all ? 1 : 0) + (o->weak > 0 ? 1 : 0);
    if (ways != 1) {
      std::cerr << what << ": say what to forget with exactly one of: ids, --meta, --weak, --all\n";
      ctx.exit_code = kExitUsage;
      return;
    }
    client::Request req;
    if (o->all) {
      req = {.method = "DELETE", .target = Memory(o->session, "/all")};
    } else if (o->weak > 0) {
      req = {.method = "DELETE", .target = Memory(o->session, "/weak?threshold=" + std::to_string(o->weak))};
    } else if (!o->ids.empty()) {
      boost::json::array ids;
      for (const auto& id : o->ids) ids.emplace_back(id);
      req = JsonRequest("DELETE", Memory(o->session), boost::json::object{{"ids", std::move(ids)}});
    } else {
      boost::json::object filters;
      if (!MetadataOf(ctx, o->meta, &filters, what)) return;
      req = JsonRequest("DELETE", Memory(o->session), boost::json::object{{"filters", std::move(filters)}});
    }
    auto res = Call(ctx, *o, std::move(req), what);
    if (!res) return;
    if (o->json) return PrintJson(*res);
    std::cout << Field(*res, "deleted") << " forgotten\n";
  });
}

void RegisterStats(CLI::App& memory, Context& ctx) {
  CLI::App* cmd = memory.add_subcommand("stats", "A session's counts and indexes; without a session, every session");
  struct Opts : ClientOptions {
    std::string session;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("session", o->session, "Memory session");
  AddClientOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    constexpr std::string_view what = "goclaw memory stats";
    if (o->session.empty()) {
      auto res = Call(ctx, *o, {.target = "/api/v1/memory"}, what);
      if (!res) return;
      if (o->json) return PrintJson(*res);
      const auto* sessions = res->as_object().if_contains("sessions");
      if (sessions != nullptr && sessions->is_array()) {
        for (const auto& s : sessions->as_array()) std::cout << Field(s, "session_id") << "  " << Field(s, "entries") << "\n";
      }
      std::cout << Field(*res, "session_count") << " sessions, " << Field(*res, "total_entries") << " memories\n";
      return;
    }
    if (!CheckSession(ctx, o->session, what)) return;
    auto res = Call(ctx, *o, {.target = Memory(o->session, "/stats")}, what);
    if (!res) return;
    if (o->json) return PrintJson(*res);
    for (const char* key : {"session_id", "total_entries", "average_retrievability", "weak_entries", "vectors",
                            "dimensions", "vector_index", "terms", "bytes"}) {
      std::cout << key << ": " << Field(*res, key) << "\n";
    }
  });
}

void RegisterFsrs(CLI::App& memory, Context& ctx) {
  CLI::App* cmd = memory.add_subcommand(
      "fsrs",
      "FSRS-6 offline: JSON lines on stdin ({\"op\": \"retrievability\"|\"interval\"|\"review\", ...}), one JSON "
      "line out per line in");
  cmd->callback([&ctx] {
    std::string line;
    bool failed = false;
    while (std::getline(std::cin, line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const std::string out = memory::fsrs::FsrsLine(line);
      if (out.starts_with("{\"error\"")) failed = true;
      std::cout << out << "\n";
    }
    std::cout.flush();
    if (failed) ctx.exit_code = kExitFailure;
  });
}

}  // namespace

void RegisterMemory(CLI::App& app, Context& ctx) {
  CLI::App* memory = app.add_subcommand("memory", "The memory hub: add, search, list, forget, stats; fsrs (offline)");
  memory->require_subcommand(1);
  RegisterAdd(*memory, ctx);
  RegisterSearch(*memory, ctx);
  RegisterList(*memory, ctx);
  RegisterForget(*memory, ctx);
  RegisterStats(*memory, ctx);
  RegisterFsrs(*memory, ctx);
}

}  // namespace goclaw::cli
