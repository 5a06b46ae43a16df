// Retrieval quality of the memory hub (docs/design/memory.md), measured end to end: a real
// Server in this process (port 0, RocksDB in a temp dir, the builtin hashing embedder), every
// document of a labelled set (dataset.json, described in README.md) memorized over REST, every
// query searched over REST in each mode (bm25, vector, hybrid) with top_k 10 and review false,
// and nDCG@10 and recall@10 per mode, overall and per query kind.
//
//   memory_quality [--dataset PATH | PATH] [--json] [--verbose]
//
// Prints a Markdown table (or JSON with --json) and exits 0 when the gate holds:
//   - hybrid nDCG@10 overall is above both bm25's and vector's;
//   - hybrid loses nothing on keyword and identifier queries: its nDCG@10 there is at least
//     bm25's minus kGateTolerance.
// Exit 1: the gate failed (stderr says which check and which queries); exit 2: it could not be
// measured (bad arguments, a bad dataset, a server or request failure).
//
// Thread-safety: a single-threaded program; the server runs its own threads.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "goclaw/client/http_client.h"
#include "goclaw/config/config.h"
#include "goclaw/core/json_format.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/status.h"
#include "goclaw/core/test_temp_dir.h"
#include "goclaw/server/server.h"

namespace goclaw::bench::memory_quality {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr int kTopK = 10;
constexpr std::size_t kMaxBatch = 1000;  // the server's memory.max_batch
constexpr double kGateTolerance = 0.01;
constexpr std::array<std::string_view, 3> kModes = {"bm25", "vector", "hybrid"};
constexpr std::array<std::string_view, 4> kKinds = {"keyword", "paraphrase", "identifier",
                                                    "cross-lingual"};
constexpr std::string_view kAll = "all";
constexpr std::string_view kDefaultDatasetSuffix = "/bench/memory_quality/dataset.json";

// ---------------------------------------------------------------------------------------------
// The dataset

struct Document {
  std::string key;  // stable, e.g. "ops-017"; sent as metadata {"key": ...}
  std::string content;
};

struct Session {
  std::string name;
  std::vector<Document> documents;
};

struct LabelledQuery {
  std::string id;
  std::string session;
  std::string kind;
  std::string text;
  std::map<std::string, double> gains;  // relevant key -> gain (1 unless graded)
};

struct Dataset {
  std::vector<Session> sessions;
  std::vector<LabelledQuery> queries;
  std::size_t DocumentCount() const {
    std::size_t n = 0;
    for (const Session& s : sessions) n += s.documents.size();
    return n;
  }
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open the dataset " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The string at `key` of `object`, or "" with a problem recorded at `path`.
std::string RequiredString(const json::object& object, std::string_view key,
                           const std::string& path, Diagnostics& diag) {
  const json::value* v = object.if_contains(key);
  if (v == nullptr || !v->is_string() || v->as_string().empty()) {
    diag.Add(path + "." + std::string(key), "expected a non-empty string");
    return "";
  }
  return std::string(v->as_string());
}

const json::array* RequiredArray(const json::object& object, std::string_view key,
                                 const std::string& path, Diagnostics& diag) {
  const json::value* v = object.if_contains(key);
  if (v == nullptr || !v->is_array()) {
    diag.Add(path + "." + std::string(key), "expected an array");
    return nullptr;
  }
  return &v->as_array();
}

// Decodes one session; `session_of_key` collects every key (keys are unique in the dataset).
void DecodeSession(const json::value& v, const std::string& path, Dataset& dataset,
                   std::map<std::string, std::string>& session_of_key, Diagnostics& diag) {
  if (!v.is_object()) {
    diag.Add(path, "expected an object {name, documents}");
    return;
  }
  Session session;
  session.name = RequiredString(v.as_object(), "name", path, diag);
  const json::array* documents = RequiredArray(v.as_object(), "documents", path, diag);
  if (documents == nullptr) return;
  for (std::size_t i = 0; i < documents->size(); ++i) {
    const std::string doc_path = path + ".documents[" + std::to_string(i) + "]";
    if (!(*documents)[i].is_object()) {
      diag.Add(doc_path, "expected an object {key, content}");
      continue;
    }
    Document doc{RequiredString((*documents)[i].as_object(), "key", doc_path, diag),
                 RequiredString((*documents)[i].as_object(), "content", doc_path, diag)};
    if (doc.key.empty() || doc.content.empty()) continue;
    if (!session_of_key.emplace(doc.key, session.name).second) {
      diag.Add(doc_path + ".key",
               "duplicate document key \"" + doc.key + "\"; keys must be unique");
    }
    session.documents.push_back(std::move(doc));
  }
  dataset.sessions.push_back(std::move(session));
}

bool KnownKind(std::string_view kind) {
  return std::find(kKinds.begin(), kKinds.end(), kind) != kKinds.end();
}

// The gains of a query: each key of "relevant" has gain 1 unless "grades" gives it another
// (positive) one.
void DecodeGains(const json::object& object, const std::string& path, LabelledQuery& query,
                 Diagnostics& diag) {
  const json::array* relevant = RequiredArray(object, "relevant", path, diag);
  if (relevant == nullptr) return;
  if (relevant->empty()) {
    diag.Add(path + ".relevant", "expected at least one relevant document key");
  }
  for (std::size_t i = 0; i < relevant->size(); ++i) {
    if (!(*relevant)[i].is_string()) {
      diag.Add(path + ".relevant[" + std::to_string(i) + "]", "expected a document key");
      continue;
    }
    query.gains[std::string((*relevant)[i].as_string())] = 1.0;
  }
  const json::value* grades = object.if_contains("grades");
  if (grades == nullptr) return;
  if (!grades->is_object()) {
    diag.Add(path + ".grades", "expected an object {key: gain}");
    return;
  }
  for (const json::key_value_pair& grade : grades->as_object()) {
    const std::string key(grade.key());
    const std::string grade_path = path + ".grades." + key;
    if (!query.gains.contains(key)) {
      diag.Add(grade_path, "graded key is not in \"relevant\"");
    } else if (!grade.value().is_number() || grade.value().to_number<double>() <= 0) {
      diag.Add(grade_path, "expected a positive number");
    } else {
      query.gains[key] = grade.value().to_number<double>();
    }
  }
}

void DecodeQuery(const json::value& v, const std::string& path,
                 const std::map<std::string, std::string>& session_of_key, Dataset& dataset,
                 Diagnostics& diag) {
  if (!v.is_object()) {
    diag.Add(path, "expected an object {id, session, kind, query, relevant}");
    return;
  }
  const json::object& object = v.as_object();
  LabelledQuery query;
  query.id = RequiredString(object, "id", path, diag);
  query.session = RequiredString(object, "session", path, diag);
  query.kind = RequiredString(object, "kind", path, diag);
  query.text = RequiredString(object, "query", path, diag);
  if (!query.kind.empty() && !KnownKind(query.kind)) {
    diag.Add(path + ".kind", "unknown kind \"" + query.kind +
                                 "\"; expected keyword, paraphrase, identifier or cross-lingual");
  }
  DecodeGains(object, path, query, diag);
  for (const auto& [key, gain] : query.gains) {
    auto it = session_of_key.find(key);
    if (it == session_of_key.end()) {
      diag.Add(path + ".relevant", "no document has the key \"" + key + "\"");
    } else if (it->second != query.session) {
      diag.Add(path + ".relevant", "\"" + key + "\" is in session \"" + it->second + "\", not \"" +
                                       query.session + "\"");
    }
  }
  dataset.queries.push_back(std::move(query));
}

Result<Dataset> LoadDataset(const std::string& path) {
  GOCLAW_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  GOCLAW_ASSIGN_OR_RETURN(json::value root, ParseJsonText(text, path));
  Diagnostics diag;
  Dataset dataset;
  std::map<std::string, std::string> session_of_key;
  if (!root.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     path + ": expected an object {sessions, queries}");
  }
  if (const json::array* sessions = RequiredArray(root.as_object(), "sessions", "", diag)) {
    for (std::size_t i = 0; i < sessions->size(); ++i) {
      DecodeSession((*sessions)[i], "sessions[" + std::to_string(i) + "]", dataset, session_of_key,
                    diag);
    }
  }
  if (const json::array* queries = RequiredArray(root.as_object(), "queries", "", diag)) {
    for (std::size_t i = 0; i < queries->size(); ++i) {
      DecodeQuery((*queries)[i], "queries[" + std::to_string(i) + "]", session_of_key, dataset,
                  diag);
    }
  }
  if (!diag.empty()) return MakeError(diag.ToError(path));
  if (dataset.queries.empty()) return MakeError(ErrorCode::kInvalidArgument, path + ": no queries");
  return dataset;
}

// ---------------------------------------------------------------------------------------------
// Talking to the server

// One JSON request; an error unless the answer has `expected_status` and a JSON body.
Result<json::value> PostJson(client::HttpClient& http, const std::string& target,
                             const json::value& body, int expected_status) {
  client::Request request{.method = "POST",
                          .target = target,
                          .body = JsonText(body),
                          .content_type = "application/json"};
  GOCLAW_ASSIGN_OR_RETURN(client::Response response, http.Send(request));
  if (response.status != expected_status) {
    return MakeError(ErrorCode::kInternal, "POST " + target + " answered " +
                                               std::to_string(response.status) + " (expected " +
                                               std::to_string(expected_status) +
                                               "): " + response.ToError().ToString());
  }
  json::value answer = response.Json();
  if (answer.is_null()) {
    return MakeError(ErrorCode::kInternal,
                     "POST " + target + " answered no JSON: " + response.body);
  }
  return answer;
}

// Memorizes one session's documents in batches of at most kMaxBatch, each with metadata
// {"key": <document key>}.
Status MemorizeSession(client::HttpClient& http, const Session& session) {
  const std::string target = "/api/v1/memory/" + session.name;
  for (std::size_t begin = 0; begin < session.documents.size(); begin += kMaxBatch) {
    const std::size_t end = std::min(session.documents.size(), begin + kMaxBatch);
    json::array items;
    for (std::size_t i = begin; i < end; ++i) {
      items.push_back(json::object{{"content", session.documents[i].content},
                                   {"metadata", json::object{{"key", session.documents[i].key}}}});
    }
    const json::object body{{"items", std::move(items)}};
    GOCLAW_ASSIGN_OR_RETURN(json::value answer, PostJson(http, target, body, 201));
    const json::value* ids = answer.is_object() ? answer.as_object().if_contains("ids") : nullptr;
    if (ids == nullptr || !ids->is_array() || ids->as_array().size() != end - begin) {
      return MakeError(ErrorCode::kInternal, "POST " + target + " answered " + JsonText(answer) +
                                                 ", expected " + std::to_string(end - begin) +
                                                 " ids");
    }
  }
  return OkStatus();
}

// The document keys of the top kTopK results of `query` in `mode`, best first.
Result<std::vector<std::string>> SearchKeys(client::HttpClient& http, const LabelledQuery& query,
                                            std::string_view mode) {
  const std::string target = "/api/v1/memory/" + query.session + "/search";
  const json::object body{
      {"query", query.text}, {"mode", mode}, {"top_k", kTopK}, {"review", false}};
  GOCLAW_ASSIGN_OR_RETURN(json::value answer, PostJson(http, target, body, 200));
  if (!answer.is_array()) {
    return MakeError(ErrorCode::kInternal,
                     "POST " + target + " answered no array: " + JsonText(answer));
  }
  std::vector<std::string> keys;
  for (const json::value& hit : answer.as_array()) {
    const json::value* key = nullptr;
    if (const json::value* entry = hit.is_object() ? hit.as_object().if_contains("entry") : nullptr;
        entry != nullptr && entry->is_object()) {
      if (const json::value* metadata = entry->as_object().if_contains("metadata");
          metadata != nullptr && metadata->is_object()) {
        key = metadata->as_object().if_contains("key");
      }
    }
    if (key == nullptr || !key->is_string()) {
      return MakeError(ErrorCode::kInternal, "a result of query " + query.id +
                                                 " has no entry.metadata.key: " + JsonText(hit));
    }
    keys.emplace_back(key->as_string());
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Metrics

// DCG@k of `ranked` with linear gains and a log2(rank + 1) discount; each key counts once.
double DcgAt(const std::vector<std::string>& ranked, const std::map<std::string, double>& gains,
             std::size_t k) {
  double dcg = 0;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < std::min(k, ranked.size()); ++i) {
    auto it = gains.find(ranked[i]);
    if (it != gains.end() && seen.insert(ranked[i]).second) {
      dcg += it->second / std::log2(static_cast<double>(i) + 2);
    }
  }
  return dcg;
}

// The DCG@k of the best possible ranking: the labelled gains in descending order.
double IdealDcgAt(const std::map<std::string, double>& gains, std::size_t k) {
  std::vector<double> sorted;
  for (const auto& [key, gain] : gains) sorted.push_back(gain);
  std::sort(sorted.rbegin(), sorted.rend());
  double dcg = 0;
  for (std::size_t i = 0; i < std::min(k, sorted.size()); ++i) {
    dcg += sorted[i] / std::log2(static_cast<double>(i) + 2);
  }
  return dcg;
}

double NdcgAt(const std::vector<std::string>& ranked, const std::map<std::string, double>& gains,
              std::size_t k) {
  const double ideal = IdealDcgAt(gains, k);
  return ideal > 0 ? DcgAt(ranked, gains, k) / ideal : 0;
}

// The share of the relevant documents found in the top k.
double RecallAt(const std::vector<std::string>& ranked, const std::map<std::string, double>& gains,
                std::size_t k) {
  std::set<std::string> found;
  for (std::size_t i = 0; i < std::min(k, ranked.size()); ++i) {
    if (gains.contains(ranked[i])) found.insert(ranked[i]);
  }
  return gains.empty() ? 0 : static_cast<double>(found.size()) / static_cast<double>(gains.size());
}

// One query's results in every mode (indexed like kModes).
struct QueryOutcome {
  const LabelledQuery* query = nullptr;
  std::array<std::vector<std::string>, kModes.size()> top;
  std::array<double, kModes.size()> ndcg{};
  std::array<double, kModes.size()> recall{};
};

// Sums for one (mode, kind) cell; the means divide by `queries`.
struct Cell {
  double ndcg_sum = 0;
  double recall_sum = 0;
  int queries = 0;
  double Ndcg() const { return queries > 0 ? ndcg_sum / queries : 0; }
  double Recall() const { return queries > 0 ? recall_sum / queries : 0; }
};

// mode -> kind (and "all") -> cell.
using Table = std::map<std::string, std::map<std::string, Cell>, std::less<>>;

Table Aggregate(const std::vector<QueryOutcome>& outcomes) {
  Table table;
  for (const QueryOutcome& outcome : outcomes) {
    for (std::size_t m = 0; m < kModes.size(); ++m) {
      for (const std::string& kind : {outcome.query->kind, std::string(kAll)}) {
        Cell& cell = table[std::string(kModes[m])][kind];
        cell.ndcg_sum += outcome.ndcg[m];
        cell.recall_sum += outcome.recall[m];
        ++cell.queries;
      }
    }
  }
  return table;
}

const Cell& CellOf(const Table& table, std::string_view mode, std::string_view kind) {
  static const Cell kEmpty;
  auto row = table.find(mode);
  if (row == table.end()) return kEmpty;
  auto it = row->second.find(std::string(kind));
  return it == row->second.end() ? kEmpty : it->second;
}

// ---------------------------------------------------------------------------------------------
// The gate

struct Check {
  std::string name;
  double value = 0;      // hybrid's nDCG@10
  double threshold = 0;  // what it must exceed (strict) or reach
  bool strict = false;
  bool passed = false;
};

std::vector<Check> RunGate(const Table& table) {
  std::vector<Check> checks;
  const double hybrid_all = CellOf(table, "hybrid", kAll).Ndcg();
  const double best_single =
      std::max(CellOf(table, "bm25", kAll).Ndcg(), CellOf(table, "vector", kAll).Ndcg());
  checks.push_back({"hybrid nDCG@10 overall > max(bm25, vector)", hybrid_all, best_single, true,
                    hybrid_all > best_single});
  for (std::string_view kind : {std::string_view("keyword"), std::string_view("identifier")}) {
    const double hybrid = CellOf(table, "hybrid", kind).Ndcg();
    const double floor = CellOf(table, "bm25", kind).Ndcg() - kGateTolerance;
    checks.push_back({"hybrid nDCG@10 on " + std::string(kind) + " >= bm25 - 0.01", hybrid, floor,
                      false, hybrid >= floor});
  }
  return checks;
}

bool AllPassed(const std::vector<Check>& checks) {
  return std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.passed; });
}

// ---------------------------------------------------------------------------------------------
// Output

std::string Fixed(double v, int digits = 3) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << v;
  return out.str();
}

std::string JoinKeys(const std::vector<std::string>& keys, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < std::min(n, keys.size()); ++i) out += (i ? " " : "") + keys[i];
  return out;
}

// One Markdown table of a metric (`cell_value`) with a row per mode and a column per kind.
template <typename CellValue>
void PrintMetricTable(std::ostream& out, const Table& table, std::string_view title,
                      CellValue cell_value) {
  out << "\n### " << title << "\n\n| mode |";
  for (std::string_view kind : kKinds) {
    out << ' ' << kind << " (" << CellOf(table, "hybrid", kind).queries << ") |";
  }
  out << ' ' << kAll << " (" << CellOf(table, "hybrid", kAll).queries << ") |\n|---|";
  for (std::size_t i = 0; i <= kKinds.size(); ++i) out << "---:|";
  out << '\n';
  for (std::string_view mode : kModes) {
    out << "| " << mode << " |";
    for (std::string_view kind : kKinds) {
      const Cell& cell = CellOf(table, mode, kind);
      out << ' ' << (cell.queries > 0 ? Fixed(cell_value(cell)) : "-") << " |";
    }
    out << ' ' << Fixed(cell_value(CellOf(table, mode, kAll))) << " |\n";
  }
}

struct RunInfo {
  std::string dataset_path;
  std::size_t sessions = 0;
  std::size_t documents = 0;
  double memorize_seconds = 0;
  double search_seconds = 0;
};

void PrintMarkdown(std::ostream& out, const RunInfo& info, const Table& table,
                   const std::vector<Check>& checks) {
  out << "## Memory retrieval quality (top_k " << kTopK << ")\n\n"
      << info.documents << " documents in " << info.sessions << " sessions, "
      << CellOf(table, "hybrid", kAll).queries << " queries (" << info.dataset_path
      << "); memorized in " << Fixed(info.memorize_seconds, 2) << " s, " << kModes.size()
      << " searches per query in " << Fixed(info.search_seconds, 2) << " s.\n";
  PrintMetricTable(out, table, "nDCG@10 (queries per kind)",
                   [](const Cell& c) { return c.Ndcg(); });
  PrintMetricTable(out, table, "recall@10 (queries per kind)",
                   [](const Cell& c) { return c.Recall(); });
  out << "\n### Gate\n\n";
  for (const Check& check : checks) {
    out << "- " << (check.passed ? "PASS" : "FAIL") << ": " << check.name << " ("
        << Fixed(check.value) << (check.strict ? " > " : " >= ") << Fixed(check.threshold) << ")\n";
  }
}

json::object MetricsJson(const Table& table) {
  json::object modes;
  for (std::string_view mode : kModes) {
    json::object kinds;
    for (std::string_view kind : {kKinds[0], kKinds[1], kKinds[2], kKinds[3], kAll}) {
      const Cell& cell = CellOf(table, mode, kind);
      kinds[kind] = json::object{
          {"ndcg@10", cell.Ndcg()}, {"recall@10", cell.Recall()}, {"queries", cell.queries}};
    }
    modes[mode] = std::move(kinds);
  }
  return modes;
}

json::array QueriesJson(const std::vector<QueryOutcome>& outcomes) {
  json::array queries;
  for (const QueryOutcome& outcome : outcomes) {
    json::object ndcg, recall, top;
    for (std::size_t m = 0; m < kModes.size(); ++m) {
      ndcg[kModes[m]] = outcome.ndcg[m];
      recall[kModes[m]] = outcome.recall[m];
      top[kModes[m]] = json::value_from(outcome.top[m]);
    }
    queries.push_back(json::object{{"id", outcome.query->id},
                                   {"session", outcome.query->session},
                                   {"kind", outcome.query->kind},
                                   {"ndcg@10", std::move(ndcg)},
                                   {"recall@10", std::move(recall)},
                                   {"top", std::move(top)}});
  }
  return queries;
}

void PrintJson(std::ostream& out, const RunInfo& info, const Table& table,
               const std::vector<Check>& checks, const std::vector<QueryOutcome>& outcomes) {
  json::array gate;
  for (const Check& check : checks) {
    gate.push_back(json::object{{"check", check.name},
                                {"value", check.value},
                                {"threshold", check.threshold},
                                {"passed", check.passed}});
  }
  json::object root{{"dataset", info.dataset_path},
                    {"top_k", kTopK},
                    {"sessions", info.sessions},
                    {"documents", info.documents},
                    {"queries", CellOf(table, "hybrid", kAll).queries},
                    {"memorize_seconds", info.memorize_seconds},
                    {"search_seconds", info.search_seconds},
                    {"metrics", MetricsJson(table)},
                    {"gate", std::move(gate)},
                    {"passed", AllPassed(checks)},
                    {"per_query", QueriesJson(outcomes)}};
  out << PrettyJson(root);
}

// --verbose: every query that some mode did not answer perfectly, with each mode's top 3.
void PrintMisses(std::ostream& out, const std::vector<QueryOutcome>& outcomes) {
  for (const QueryOutcome& outcome : outcomes) {
    if (*std::min_element(outcome.ndcg.begin(), outcome.ndcg.end()) >= 0.999) continue;
    std::vector<std::string> relevant;
    for (const auto& [key, gain] : outcome.query->gains) relevant.push_back(key);
    out << outcome.query->id << " [" << outcome.query->kind << "] \"" << outcome.query->text
        << "\" -> " << JoinKeys(relevant, relevant.size()) << '\n';
    for (std::size_t m = 0; m < kModes.size(); ++m) {
      out << "    " << kModes[m] << ' ' << Fixed(outcome.ndcg[m]) << ": "
          << JoinKeys(outcome.top[m], 3) << '\n';
    }
  }
}

// On a failed gate: the keyword and identifier queries on which hybrid ranks below bm25.
void PrintHybridLosses(std::ostream& out, const std::vector<QueryOutcome>& outcomes) {
  constexpr std::size_t kBm25 = 0, kHybrid = 2;
  for (const QueryOutcome& outcome : outcomes) {
    if (outcome.query->kind != "keyword" && outcome.query->kind != "identifier") continue;
    if (outcome.ndcg[kHybrid] + 1e-9 >= outcome.ndcg[kBm25]) continue;
    out << "  " << outcome.query->id << " [" << outcome.query->kind << "] \"" << outcome.query->text
        << "\": bm25 " << Fixed(outcome.ndcg[kBm25]) << ", hybrid " << Fixed(outcome.ndcg[kHybrid])
        << " (hybrid top 3: " << JoinKeys(outcome.top[kHybrid], 3) << ")\n";
  }
}

// ---------------------------------------------------------------------------------------------
// The run

struct Options {
  std::string dataset_path;
  bool json_output = false;
  bool verbose = false;
};

Result<Options> ParseArgs(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--json") {
      options.json_output = true;
    } else if (arg == "--verbose") {
      options.verbose = true;
    } else if (arg == "--dataset") {
      if (i + 1 == argc) return MakeError(ErrorCode::kInvalidArgument, "--dataset needs a PATH");
      options.dataset_path = argv[++i];
    } else if (arg.starts_with("--dataset=")) {
      options.dataset_path = std::string(arg.substr(std::string_view("--dataset=").size()));
    } else if (!arg.starts_with("-") && options.dataset_path.empty()) {
      options.dataset_path = std::string(arg);
    } else {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "unknown argument \"" + std::string(arg) +
              "\"; usage: memory_quality [--dataset PATH | PATH] [--json] [--verbose]");
    }
  }
  if (options.dataset_path.empty()) {
    if (const char* source_dir = std::getenv("GOCLAW_SOURCE_DIR");
        source_dir != nullptr && *source_dir != '\0') {
      options.dataset_path = std::string(source_dir) + std::string(kDefaultDatasetSuffix);
    } else {
      options.dataset_path =
          GOCLAW_MEMORY_QUALITY_DEFAULT_DATASET;  // this source tree's (CMakeLists.txt)
    }
  }
  return options;
}

config::Config ServerConfig(const std::string& data_dir) {
  config::Config config;
  config.server.port = 0;
  config.storage.path = data_dir;
  config::LaneConfig lane;
  lane.name = "default";
  config.lanes = {lane};
  return config;  // memory: enabled, builtin hashing embedder, default weights
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Result<std::vector<QueryOutcome>> SearchAll(client::HttpClient& http, const Dataset& dataset) {
  std::vector<QueryOutcome> outcomes;
  outcomes.reserve(dataset.queries.size());
  for (const LabelledQuery& query : dataset.queries) {
    QueryOutcome outcome{.query = &query};
    for (std::size_t m = 0; m < kModes.size(); ++m) {
      GOCLAW_ASSIGN_OR_RETURN(outcome.top[m], SearchKeys(http, query, kModes[m]));
      outcome.ndcg[m] = NdcgAt(outcome.top[m], query.gains, kTopK);
      outcome.recall[m] = RecallAt(outcome.top[m], query.gains, kTopK);
    }
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

int Fail(const Error& error) {
  std::cerr << "memory_quality: " << error.ToString() << '\n';
  return 2;
}

// Memorizes the dataset into a fresh server and runs every query in every mode. The server and
// its data directory are gone when this returns, before anything is printed (a reader that
// stops early, such as `| head`, cannot leave the directory behind).
Result<std::vector<QueryOutcome>> Measure(const Dataset& dataset, RunInfo& info) {
  goclaw::testing::ScratchDir data_dir("goclaw-memory-quality");
  GOCLAW_ASSIGN_OR_RETURN(std::unique_ptr<server::Server> running,
                          server::Server::Start(ServerConfig(data_dir.path())));
  client::HttpClient http(Url{.scheme = "http",
                              .host = "127.0.0.1",
                              .port = static_cast<std::uint16_t>(running->port()),
                              .target = "/"});
  const auto memorize_start = Clock::now();
  for (const Session& session : dataset.sessions) {
    GOCLAW_RETURN_IF_ERROR(MemorizeSession(http, session));
  }
  info.memorize_seconds = SecondsSince(memorize_start);
  const auto search_start = Clock::now();
  GOCLAW_ASSIGN_OR_RETURN(std::vector<QueryOutcome> outcomes, SearchAll(http, dataset));
  info.search_seconds = SecondsSince(search_start);
  running->Shutdown();
  return outcomes;
}

void PrintGateFailure(std::ostream& out, const std::vector<Check>& checks,
                      const std::vector<QueryOutcome>& outcomes) {
  out << "memory_quality: the gate failed:\n";
  for (const Check& check : checks) {
    if (!check.passed) {
      out << "  " << check.name << ": hybrid " << Fixed(check.value) << ", needed "
          << (check.strict ? "> " : ">= ") << Fixed(check.threshold) << '\n';
    }
  }
  out << "keyword and identifier queries that hybrid ranks below bm25:\n";
  PrintHybridLosses(out, outcomes);
}

int Run(int argc, char** argv) {
  auto options = ParseArgs(argc, argv);
  if (!options) return Fail(options.error());
  auto dataset = LoadDataset(options->dataset_path);
  if (!dataset) return Fail(dataset.error());
  RunInfo info{.dataset_path = options->dataset_path,
               .sessions = dataset->sessions.size(),
               .documents = dataset->DocumentCount()};
  auto outcomes = Measure(*dataset, info);
  if (!outcomes) return Fail(outcomes.error());

  const Table table = Aggregate(*outcomes);
  const std::vector<Check> checks = RunGate(table);
  if (options->json_output) {
    PrintJson(std::cout, info, table, checks, *outcomes);
  } else {
    PrintMarkdown(std::cout, info, table, checks);
  }
  if (options->verbose) PrintMisses(std::cerr, *outcomes);
  if (AllPassed(checks)) return 0;
  PrintGateFailure(std::cerr, checks, *outcomes);
  return 1;
}

}  // namespace
}  // namespace goclaw::bench::memory_quality

int main(int argc, char** argv) { return goclaw::bench::memory_quality::Run(argc, argv); }
