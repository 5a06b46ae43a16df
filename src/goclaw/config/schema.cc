// Config sections: decoding, cross-field validation and encoding.
#include "goclaw/config/schema.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "goclaw/config/grpc_schema.h"
#include "goclaw/config/memory_schema.h"
#include "goclaw/config/sessions_schema.h"
#include "goclaw/core/host_pattern.h"
#include "goclaw/core/names.h"
#include "goclaw/core/suggest.h"
#include "goclaw/core/text.h"

namespace goclaw::config {
namespace {

constexpr std::string_view kSyncModes[] = {"always", "batch", "none"};
constexpr std::string_view kBackends[] = {"rocksdb", "memory"};
constexpr std::string_view kLogFormats[] = {"auto", "text", "json"};
constexpr std::string_view kOnFull[] = {"block", "drop", "redirect"};
constexpr std::int64_t kMaxConcurrency = 1000000;
constexpr std::int64_t kMaxCapacity = 100000000;

template <typename E, std::size_t N>
E EnumFromName(std::string_view name, const std::string_view (&names)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return static_cast<E>(0);
}

// "example.com", "example.com:8443", "10.0.0.5", "[fd00::1]:8080": what a Host header holds.
void DecodeAllowedHosts(const boost::json::value* hosts, ServerConfig* s, Diagnostics& diag) {
  if (hosts == nullptr) return;
  const boost::json::array* arr = hosts->if_array();
  if (arr == nullptr) {
    diag.Add("server.allowed_hosts", "expected a list of host names such as \"goclaw.example.com\", got " +
                                         DescribeJson(*hosts));
    return;
  }
  s->allowed_hosts.clear();
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const boost::json::value& h = (*arr)[i];
    const boost::json::string* text = h.if_string();
    const bool plain = text != nullptr && !text->empty() &&
                       std::none_of(text->begin(), text->end(), [](char c) {
                         return c == '/' || c == '@' || c == ' ' || c == '\t' || c == ',' ||
                                static_cast<unsigned char>(c) < 0x20;
                       });
    if (!plain) {
      diag.Add(IndexPath("server.allowed_hosts", i),
               "expected a host name as sent in the Host header (\"goclaw.example.com\" or "
               "\"goclaw.example.com:8443\", no scheme or path), got " + DescribeJson(h));
      continue;
    }
    std::string lower(text->begin(), text->end());
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    s->allowed_hosts.push_back(std::move(lower));
  }
}

void DecodeServer(const boost::json::value& v, ServerConfig* s, Diagnostics& diag) {
  ObjectReader r(v, "server", diag, "the server section");
  if (r.String("host", &s->host) && s->host.empty()) {
    diag.Add("server.host", "must not be empty; use 127.0.0.1 for loopback or 0.0.0.0 for all");
  }
  r.Int("port", &s->port, 0, 65535);
  r.Int("io_threads", &s->io_threads, 1, 64);
  r.Int("handler_threads", &s->handler_threads, 1, 1024);
  r.Int("max_body_bytes", &s->max_body_bytes, 1024, 1LL << 30);
  r.Duration("header_timeout", &s->header_timeout);
  r.Duration("idle_timeout", &s->idle_timeout);
  r.Duration("request_timeout", &s->request_timeout);
  r.Duration("drain_timeout", &s->drain_timeout);
  r.Int("ws_max_queued_bytes", &s->ws_max_queued_bytes, 1024, 1LL << 32);
  r.Int("max_connections", &s->max_connections, 0, 1000000);
  if (r.Duration("body_timeout", &s->body_timeout) && r.Has("body_timeout") &&
      s->body_timeout < Millis(1)) {
    diag.Add("server.body_timeout", "must be at least 1ms (a stalled body would never be cut)");
  }
  DecodeAllowedHosts(r.Get("allowed_hosts"), s, diag);
  if (const boost::json::value* origins = r.Get("cors_origins")) {
    const boost::json::array* arr = origins->if_array();
    if (arr == nullptr) {
      diag.Add("server.cors_origins", "expected a list of origins such as \"http://localhost:5173\", got " +
                                          DescribeJson(*origins));
      return;
    }
    s->cors_origins.clear();
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const boost::json::value& o = (*arr)[i];
      if (!o.is_string() || o.get_string().empty()) {
        diag.Add(IndexPath("server.cors_origins", i), "expected an origin string, got " + DescribeJson(o));
        continue;
      }
      s->cors_origins.emplace_back(o.get_string());
    }
  }
}

void DecodeStorage(const boost::json::value& v, StorageConfig* s, Diagnostics& diag) {
  ObjectReader r(v, "storage", diag, "the storage section");
  if (r.String("path", &s->path) && s->path.empty()) {
    diag.Add("storage.path", "must not be empty");
  }
  std::string mode(SyncModeName(s->sync_mode));
  if (r.Enum("sync_mode", &mode, kSyncModes)) s->sync_mode = EnumFromName<SyncMode>(mode, kSyncModes);
  std::string backend(StorageBackendName(s->backend));
  if (r.Enum("backend", &backend, kBackends)) s->backend = EnumFromName<StorageBackend>(backend, kBackends);
  r.Duration("retention", &s->retention);
  r.Duration("evict_after", &s->evict_after);
}

void DecodeShutdown(const boost::json::value& v, ShutdownConfig* s, Diagnostics& diag) {
  ObjectReader r(v, "shutdown", diag, "the shutdown section");
  r.Duration("drain_timeout", &s->drain_timeout);
}

void DecodeLog(const boost::json::value& v, LogConfig* s, Diagnostics& diag) {
  ObjectReader r(v, "log", diag, "the log section");
  r.Enum("level", &s->level, kLogLevels);
  std::string format(LogFormatName(s->format));
  if (r.Enum("format", &format, kLogFormats)) s->format = EnumFromName<LogFormat>(format, kLogFormats);
  if (const boost::json::value* modules = r.Get("modules")) {
    ObjectReader mr(*modules, "log.modules", diag, "log.modules");
    if (!mr.is_object()) return;
    for (const auto& kv : modules->get_object()) {
      std::string_view name = kv.key();
      if (std::find(std::begin(kLogModules), std::end(kLogModules), name) ==
          std::end(kLogModules)) {
        continue;  // reported as an unknown key by mr
      }
      std::string level;
      if (mr.Enum(name, &level, kLogLevels)) s->modules[std::string(name)] = level;
    }
    for (std::string_view m : kLogModules) mr.Allow({m});
  }
}

void DecodeDag(const boost::json::value& v, DagConfig* s, Diagnostics& diag) {
  ObjectReader r(v, "dag", diag, "the dag section");
  r.Int("max_tasks", &s->max_tasks, 1, 10000000);
  r.Int("max_spec_bytes", &s->max_spec_bytes, 1024, 1LL << 30);
}

// A list of host patterns (core/host_pattern.h), each checked here so a typo fails at start-up.
void DecodePatterns(const boost::json::value& v, const std::string& path,
                    std::vector<std::string>* out, Diagnostics& diag) {
  const boost::json::array* arr = v.if_array();
  if (arr == nullptr) {
    diag.Add(path, "expected a list of host patterns such as [\"api.example.com\", "
                   "\"*.internal:8443\", \"10.0.0.0/8\"], got " + DescribeJson(v));
    return;
  }
  out->clear();
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const boost::json::value& p = (*arr)[i];
    if (!p.is_string()) {
      diag.Add(IndexPath(path, i), "expected a host pattern string, got " + DescribeJson(p));
      continue;
    }
    if (auto parsed = HostPattern::Parse(p.get_string()); !parsed) {
      diag.Add(IndexPath(path, i), parsed.error().message());
      continue;
    }
    out->emplace_back(p.get_string());
  }
}

void DecodeEgress(const boost::json::value& v, HttpEgressConfig* s, Diagnostics& diag) {
  ObjectReader r(v, "executors.http.egress", diag, "executors.http.egress");
  if (!r.is_object()) return;
  if (const boost::json::value* allow = r.Get("allow")) {
    DecodePatterns(*allow, "executors.http.egress.allow", &s->allow, diag);
  }
  if (const boost::json::value* deny = r.Get("deny")) {
    DecodePatterns(*deny, "executors.http.egress.deny", &s->deny, diag);
  }
  r.Bool("allow_self", &s->allow_self);
}

void DecodeLimits(const boost::json::value& v, LimitsConfig* s, Diagnostics& diag) {
  ObjectReader r(v, "limits", diag, "the limits section");
  r.Int("max_output_bytes", &s->max_output_bytes, 1024, 1LL << 30);
  r.Int("max_config_bytes", &s->max_config_bytes, 1024, 1LL << 30);
  r.Int("max_workflow_output_bytes", &s->max_workflow_output_bytes, 1024, 1LL << 40);
  r.Int("max_task_log_bytes", &s->max_task_log_bytes, 0, 64LL << 20);
  r.Int("max_status_bytes", &s->max_status_bytes, 1024, 1LL << 30);
  r.Int("max_lineage_depth", &s->max_lineage_depth, 0, 1000);
}

void DecodeExecutors(const boost::json::value& v, ExecutorsConfig* s, Diagnostics& diag) {
  ObjectReader r(v, "executors", diag, "the executors section");
  if (const boost::json::value* http = r.Get("http")) {
    ObjectReader hr(*http, "executors.http", diag, "executors.http");
    hr.String("ca_file", &s->http.ca_file);
    hr.Int("max_idle_per_host", &s->http.max_idle_per_host, 0, 100000);
    if (const boost::json::value* egress = hr.Get("egress")) {
      DecodeEgress(*egress, &s->http.egress, diag);
    }
  }
  const boost::json::value* exec = r.Get("exec");
  if (exec == nullptr) return;
  ObjectReader er(*exec, "executors.exec", diag, "executors.exec");
  er.Bool("enabled", &s->exec.enabled);
  if (const boost::json::value* allow = er.Get("allow")) {
    const boost::json::array* arr = allow->if_array();
    if (arr == nullptr) {
      diag.Add("executors.exec.allow", "expected a list of commands, got " + DescribeJson(*allow));
      return;
    }
    s->exec.allow.clear();
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const boost::json::value& c = (*arr)[i];
      if (!c.is_string() || c.get_string().empty()) {
        diag.Add(IndexPath("executors.exec.allow", i),
                 "expected a command (a program name or path), got " + DescribeJson(c));
        continue;
      }
      s->exec.allow.emplace_back(c.get_string());
    }
  }
}

LaneConfig DecodeLane(const boost::json::value& v, const std::string& path, Diagnostics& diag) {
  LaneConfig lane;
  ObjectReader r(v, path, diag, "a lane");
  if (!r.is_object()) return lane;
  if (r.String("name", &lane.name, /*required=*/true) && r.Has("name") &&
      !IsValidLaneName(lane.name, /*allow_template=*/true)) {
    diag.Add(r.PathOf("name"), "invalid lane name " + QuoteForMessage(lane.name) + "; " +
                                   std::string(kLaneNameRule) +
                                   " (a trailing '*' makes a template such as \"session:*\")");
  }
  if (const boost::json::value* mc = r.Get("max_concurrency")) {
    double d = 0;
    if (JsonNumber(*mc, &d) && d < 1) {
      diag.Add(r.PathOf("max_concurrency"),
               "must be at least 1 (a lane with no concurrency would never run anything), got " +
                   DescribeJson(*mc));
    } else {
      r.Int("max_concurrency", &lane.max_concurrency, 1, kMaxConcurrency);
    }
  }
  r.Int("capacity", &lane.capacity, 0, kMaxCapacity);
  if (const boost::json::value* rate = r.Get("rate")) {
    RateConfig rc;
    ObjectReader rr(*rate, r.PathOf("rate"), diag, "rate");
    if (rr.is_object()) {
      rr.Double("per_second", &rc.per_second, 1e-6, 1e9);
      rr.Double("burst", &rc.burst, 1, 1e12);
      if (!rr.Has("per_second")) diag.Add(rr.PathOf("per_second"), "is required");
      if (!rr.Has("burst")) rc.burst = std::max(1.0, rc.per_second);
      lane.rate = rc;
    }
  }
  std::string on_full(OnFullName(lane.on_full));
  if (r.Enum("on_full", &on_full, kOnFull)) lane.on_full = EnumFromName<OnFull>(on_full, kOnFull);
  r.String("redirect_to", &lane.redirect_to);
  // Keyed lanes default to one active item per key: one run per session.
  if (!lane.name.empty() && lane.name.back() == '*' && !r.Has("max_concurrency")) {
    lane.max_concurrency = 1;
  }
  return lane;
}

}  // namespace

std::string_view SyncModeName(SyncMode m) { return kSyncModes[static_cast<int>(m)]; }
std::string_view StorageBackendName(StorageBackend b) { return kBackends[static_cast<int>(b)]; }
std::string_view LogFormatName(LogFormat f) { return kLogFormats[static_cast<int>(f)]; }
std::string_view OnFullName(OnFull p) { return kOnFull[static_cast<int>(p)]; }

void DecodeConfig(const boost::json::value& root, Config* config, Diagnostics& diag) {
  if (root.is_null()) return;  // an empty file configures nothing
  ObjectReader r(root, "", diag, "the config file");
  if (const auto* v = r.Get("server")) DecodeServer(*v, &config->server, diag);
  if (const auto* v = r.Get("storage")) DecodeStorage(*v, &config->storage, diag);
  if (const auto* v = r.Get("shutdown")) DecodeShutdown(*v, &config->shutdown, diag);
  if (const auto* v = r.Get("log")) DecodeLog(*v, &config->log, diag);
  if (const auto* v = r.Get("dag")) DecodeDag(*v, &config->dag, diag);
  if (const auto* v = r.Get("limits")) DecodeLimits(*v, &config->limits, diag);
  if (const auto* v = r.Get("executors")) DecodeExecutors(*v, &config->executors, diag);
  if (const auto* v = r.Get("signals")) DecodeSignals(*v, &config->signals, diag);
  if (const auto* v = r.Get("sessions")) DecodeSessions(*v, &config->sessions, diag);
  if (const auto* v = r.Get("memory")) DecodeMemory(*v, &config->memory, diag);
  if (const auto* v = r.Get("grpc")) DecodeGrpc(*v, &config->grpc, diag);
  if (const auto* v = r.Get("workers")) DecodeWorkers(*v, &config->workers, diag);
  if (const auto* v = r.Get("ui")) {
    ObjectReader u(*v, "ui", diag, "the ui section");
    u.Bool("enabled", &config->ui.enabled);
    u.String("dir", &config->ui.dir);
    u.RejectUnknown();
  }
  if (const auto* v = r.Get("lanes")) {
    const boost::json::array* arr = v->if_array();
    if (arr == nullptr) {
      diag.Add("lanes", "expected a list of lanes, got " + DescribeJson(*v));
    } else {
      config->lanes.clear();
      for (std::size_t i = 0; i < arr->size(); ++i) {
        config->lanes.push_back(DecodeLane((*arr)[i], IndexPath("lanes", i), diag));
      }
    }
  }
}

void ValidateConfig(Config* config, Diagnostics& diag) {
  ValidateSessions(config->sessions, diag);
  std::map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < config->lanes.size(); ++i) {
    const LaneConfig& lane = config->lanes[i];
    if (lane.name.empty()) continue;
    auto [it, inserted] = by_name.emplace(lane.name, i);
    if (!inserted) {
      diag.Add(JoinPath(IndexPath("lanes", i), "name"),
               "duplicate lane name \"" + lane.name + "\" (first used by lanes[" +
                   std::to_string(it->second) + "])");
    }
  }
  std::vector<std::string> names;
  for (const auto& [name, index] : by_name) names.push_back(name);
  for (std::size_t i = 0; i < config->lanes.size(); ++i) {
    const LaneConfig& lane = config->lanes[i];
    std::string path = IndexPath("lanes", i);
    if (lane.on_full == OnFull::kRedirect && lane.redirect_to.empty()) {
      diag.Add(JoinPath(path, "redirect_to"), "is required when on_full is redirect");
      continue;
    }
    if (lane.on_full != OnFull::kRedirect && !lane.redirect_to.empty()) {
      diag.Add(JoinPath(path, "redirect_to"),
               "is only used when on_full is redirect (on_full is " +
                   std::string(OnFullName(lane.on_full)) + ")");
      continue;
    }
    if (lane.redirect_to.empty()) continue;
    if (!by_name.contains(lane.redirect_to)) {
      std::string msg = "unknown lane \"" + lane.redirect_to + "\"";
      if (auto near = NearestName(lane.redirect_to, std::span<const std::string>(names))) {
        msg += "; did you mean \"" + std::string(*near) + "\"?";
      }
      diag.Add(JoinPath(path, "redirect_to"), msg);
      continue;
    }
    if (lane.redirect_to.back() == '*') {
      diag.Add(JoinPath(path, "redirect_to"), "\"" + lane.redirect_to +
                                                  "\" is a template of keyed lanes; redirect "
                                                  "to a single lane");
      continue;
    }
    // Follow the redirect chain from this lane; report a loop once, from its first lane.
    std::vector<std::string> chain{lane.name};
    std::set<std::string> seen{lane.name};
    const LaneConfig* cur = &lane;
    while (cur->on_full == OnFull::kRedirect && by_name.contains(cur->redirect_to)) {
      cur = &config->lanes[by_name[cur->redirect_to]];
      chain.push_back(cur->name);
      if (!seen.insert(cur->name).second) break;
    }
    if (chain.size() > 1 && chain.back() == lane.name) {
      std::string text;
      for (const std::string& n : chain) text += (text.empty() ? "" : " -> ") + n;
      diag.Add(JoinPath(path, "redirect_to"), "redirect loop: " + text);
    }
  }
  if (!by_name.contains("default")) {
    LaneConfig lane;
    lane.name = "default";
    config->lanes.insert(config->lanes.begin(), lane);
  }
}

boost::json::object EncodeConfig(const Config& c) {
  boost::json::object out;
  boost::json::array origins;
  for (const std::string& o : c.server.cors_origins) origins.emplace_back(o);
  boost::json::array allowed_hosts;
  for (const std::string& h : c.server.allowed_hosts) allowed_hosts.emplace_back(h);
  out["server"] = {{"host", c.server.host},
                   {"port", c.server.port},
                   {"io_threads", c.server.io_threads},
                   {"handler_threads", c.server.handler_threads},
                   {"max_body_bytes", c.server.max_body_bytes},
                   {"header_timeout", FormatDuration(c.server.header_timeout)},
                   {"idle_timeout", FormatDuration(c.server.idle_timeout)},
                   {"request_timeout", FormatDuration(c.server.request_timeout)},
                   {"drain_timeout", FormatDuration(c.server.drain_timeout)},
                   {"cors_origins", std::move(origins)},
                   {"ws_max_queued_bytes", c.server.ws_max_queued_bytes},
                   {"allowed_hosts", std::move(allowed_hosts)},
                   {"max_connections", c.server.max_connections},
                   {"body_timeout", FormatDuration(c.server.body_timeout)}};
  out["storage"] = {{"backend", StorageBackendName(c.storage.backend)},
                    {"path", c.storage.path},
                    {"sync_mode", SyncModeName(c.storage.sync_mode)},
                    {"retention", FormatDuration(c.storage.retention)},
                    {"evict_after", FormatDuration(c.storage.evict_after)}};
  out["shutdown"] = {{"drain_timeout", FormatDuration(c.shutdown.drain_timeout)}};
  boost::json::object modules;
  for (const auto& [name, level] : c.log.modules) modules[name] = level;
  out["log"] = {{"level", c.log.level},
                {"format", LogFormatName(c.log.format)},
                {"modules", std::move(modules)}};
  out["dag"] = {{"max_tasks", c.dag.max_tasks}, {"max_spec_bytes", c.dag.max_spec_bytes}};
  out["limits"] = {{"max_output_bytes", c.limits.max_output_bytes},
                   {"max_config_bytes", c.limits.max_config_bytes},
                   {"max_workflow_output_bytes", c.limits.max_workflow_output_bytes},
                   {"max_task_log_bytes", c.limits.max_task_log_bytes},
                   {"max_status_bytes", c.limits.max_status_bytes},
                   {"max_lineage_depth", c.limits.max_lineage_depth}};
  boost::json::array allow;
  for (const std::string& a : c.executors.exec.allow) allow.emplace_back(a);
  boost::json::array egress_allow, egress_deny;
  for (const std::string& p : c.executors.http.egress.allow) egress_allow.emplace_back(p);
  for (const std::string& p : c.executors.http.egress.deny) egress_deny.emplace_back(p);
  out["executors"] = {
      {"exec", {{"enabled", c.executors.exec.enabled}, {"allow", std::move(allow)}}},
      {"http",
       {{"ca_file", c.executors.http.ca_file},
        {"max_idle_per_host", c.executors.http.max_idle_per_host},
        {"egress",
         {{"allow", std::move(egress_allow)},
          {"deny", std::move(egress_deny)},
          {"allow_self", c.executors.http.egress.allow_self}}}}}};
  boost::json::array lanes;
  for (const LaneConfig& lane : c.lanes) {
    boost::json::object l;
    l["name"] = lane.name;
    l["max_concurrency"] = lane.max_concurrency;
    l["capacity"] = lane.capacity;
    if (lane.rate) l["rate"] = {{"per_second", lane.rate->per_second}, {"burst", lane.rate->burst}};
    l["on_full"] = OnFullName(lane.on_full);
    if (!lane.redirect_to.empty()) l["redirect_to"] = lane.redirect_to;
    lanes.emplace_back(std::move(l));
  }
  out["lanes"] = std::move(lanes);
  out["signals"] = EncodeSignals(c.signals);
  out["sessions"] = EncodeSessions(c.sessions);
  out["memory"] = EncodeMemory(c.memory);
  out["grpc"] = EncodeGrpc(c.grpc);
  out["workers"] = EncodeWorkers(c.workers);
  out["ui"] = {{"enabled", c.ui.enabled}, {"dir", c.ui.dir}};
  return out;
}

}  // namespace goclaw::config
