// JSON (Boost.JSON) and YAML (yaml-cpp) parsing into boost::json::value.
#include "goclaw/core/document.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "goclaw/core/json_limits.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/text.h"

namespace goclaw {
namespace {

// Lines are recorded for paths at most this many components deep ("tasks[3].depends_on[0]").
constexpr int kLineDepth = 4;

tl::unexpected<Error> SyntaxError(std::string_view kind, TextPosition pos, std::string_view what) {
  std::string msg = std::string(kind) + " syntax error at line " + std::to_string(pos.line) +
                    ", column " + std::to_string(pos.column) + ": " + std::string(what);
  return MakeError(Error(ErrorCode::kInvalidArgument, msg, {{"", std::string(what), pos.line}}));
}

Result<Document> ParseJson(std::string_view text, const DocumentLimits& limits) {
  boost::json::parse_options opts;
  opts.max_depth = static_cast<std::size_t>(limits.max_depth);
  boost::json::parser parser(boost::json::storage_ptr(), opts);
  // The document's values live in one arena that is freed with the document: parsing a large
  // spec then costs a few big allocations instead of one per value.
  parser.reset(boost::json::make_shared_resource<boost::json::monotonic_resource>());
  boost::system::error_code ec;
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) {
    // Anything after the value must be whitespace.
    std::size_t rest = text.find_first_not_of(" \t\r\n", used);
    if (rest != std::string_view::npos) {
      return SyntaxError("JSON", PositionOf(text, rest),
                         "unexpected text after the end of the document");
    }
  }
  if (ec) {
    std::string what = ec.message();
    if (ec == boost::json::error::too_deep) {
      what = "nesting deeper than " + std::to_string(limits.max_depth) + " levels";
    } else if (used >= text.size()) {
      what += " (the document ends too early)";
    }
    return SyntaxError("JSON", PositionOf(text, used), what);
  }
  // Constructed, not assigned: assigning a value to one with a different memory resource
  // deep-copies it.
  Document doc{parser.release(), DocumentFormat::kJson, {}};
  return doc;
}

bool IsYamlNull(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

// Plain YAML scalar -> JSON value, YAML 1.2 core schema.
boost::json::value ResolvePlainScalar(const std::string& s) {
  if (IsYamlNull(s)) return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  const char* begin = s.c_str();
  char* end = nullptr;
  bool looks_numeric = (s[0] >= '0' && s[0] <= '9') ||
                       ((s[0] == '-' || s[0] == '+' || s[0] == '.') && s.size() > 1);
  if (looks_numeric) {
    errno = 0;
    if (s.rfind("0x", 0) == 0 || s.rfind("0o", 0) == 0) {
      long long v = std::strtoll(begin + 2, &end, s[1] == 'x' ? 16 : 8);
      if (*end == '\0' && errno == 0 && end != begin + 2) return v;
    } else {
      long long v = std::strtoll(begin, &end, 10);
      if (*end == '\0') {
        if (errno == 0) return v;
        // Out of int64 range: keep the magnitude as a double, as JSON parsers do.
        return std::strtod(begin, nullptr);
      }
      errno = 0;
      double d = std::strtod(begin, &end);
      bool is_word = s.find_first_of("iInN") != std::string::npos;  // strtod accepts inf/nan
      if (*end == '\0' && !is_word) return d;
    }
  }
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf") return HUGE_VAL;
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -HUGE_VAL;
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::nan("");
  return boost::json::string(s);
}

class YamlConverter {
 public:
  // Every value takes at least one byte of text, so a document with more values than bytes
  // can only come from aliases expanding, which is how "billion laughs" bombs work.
  YamlConverter(const DocumentLimits& limits, Document& doc, std::size_t text_size)
      : limits_(limits), doc_(doc), max_values_(text_size + 16) {}

  Status Convert(const YAML::Node& node, boost::json::value& out, const std::string& path,
                 int depth) {
    if (depth > limits_.max_depth) {
      return Fail(node, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    if (++values_ > max_values_) {
      return Fail(node, "the document expands to more than " + std::to_string(max_values_) +
                            " values (YAML aliases?)");
    }
    if (depth <= kLineDepth && !path.empty()) {
      doc_.lines.emplace(path, node.Mark().line + 1);
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out = nullptr;
        return OkStatus();
      case YAML::NodeType::Scalar:
        if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") {
          out = boost::json::string(node.Scalar());
        } else {
          out = ResolvePlainScalar(node.Scalar());
        }
        return OkStatus();
      case YAML::NodeType::Sequence: {
        boost::json::array& arr = out.emplace_array();
        arr.reserve(node.size());
        std::size_t i = 0;
        for (const YAML::Node& child : node) {
          arr.emplace_back(nullptr);
          GOCLAW_RETURN_IF_ERROR(
              Convert(child, arr.back(), depth < kLineDepth ? IndexPath(path, i) : path, depth + 1));
          ++i;
        }
        return OkStatus();
      }
      case YAML::NodeType::Map: {
        boost::json::object& obj = out.emplace_object();
        obj.reserve(node.size());
        for (const auto& kv : node) {
          if (!kv.first.IsScalar()) {
            return Fail(kv.first, "mapping keys must be plain strings");
          }
          const std::string& key = kv.first.Scalar();
          if (obj.contains(key)) {
            return Fail(kv.first, "duplicate key \"" + key + "\"");
          }
          boost::json::value& slot = obj[key];
          GOCLAW_RETURN_IF_ERROR(Convert(kv.second, slot,
                                         depth < kLineDepth ? JoinPath(path, key) : path,
                                         depth + 1));
        }
        return OkStatus();
      }
    }
    return OkStatus();
  }

 private:
  tl::unexpected<Error> Fail(const YAML::Node& node, const std::string& what) {
    TextPosition pos{node.Mark().line + 1, node.Mark().column + 1};
    return SyntaxError("YAML", pos, what);
  }

  const DocumentLimits& limits_;
  Document& doc_;
  std::size_t values_ = 0;
  std::size_t max_values_;
};

// 1-based line of the `---` that starts the second document, given the 0-based line where the
// first document's root starts (-1 when unknown). A `---` at the start of a line is always a
// document marker: block scalars are indented and quoted scalars may not hold one.
int SecondDocumentLine(std::string_view text, int first_root_line) {
  int line = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    std::string_view l = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (l.substr(0, 3) == "---" && (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r') &&
        line > first_root_line) {
      return line + 1;
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
    ++line;
  }
  return 0;
}

// Receives the events of a YAML document and ignores them: only whether a document came
// matters (ParseYaml counts them).
class DocumentCounter final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

Result<Document> ParseYaml(std::string_view text, const DocumentLimits& limits) {
  YAML::Node node;
  try {
    // A second document is refused instead of silently dropped. Counted with the event parser,
    // at most two documents: YAML::LoadAll never returns on some malformed inputs (it keeps
    // finding empty documents and allocating; found by fuzz/dag_loader_fuzzer).
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    DocumentCounter counter;
    int documents = 0;
    while (documents < 2 && parser.HandleNextDocument(counter)) ++documents;
    node = YAML::Load(std::string(text));
    if (documents > 1) {
      const int line = SecondDocumentLine(text, node.Mark().line);
      return MakeError(Error(ErrorCode::kInvalidArgument,
                             "YAML holds more than one document; one is accepted (the second starts "
                             "with the `---` at line " +
                                 std::to_string(line) + "): put each workflow or config in its own file",
                             {{"", "second YAML document (`---`); only one is accepted", line}}));
    }
  } catch (const YAML::DeepRecursion& e) {
    return SyntaxError("YAML", {e.mark.line + 1, e.mark.column + 1},
                       "nesting too deep (more than " + std::to_string(limits.max_depth) +
                           " levels are not accepted)");
  } catch (const YAML::ParserException& e) {
    return SyntaxError("YAML", {e.mark.line + 1, e.mark.column + 1}, e.msg);
  } catch (const YAML::Exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("YAML error: ") + e.what());
  }
  Document doc;
  doc.format = DocumentFormat::kYaml;
  try {
    YamlConverter converter(limits, doc, text.size());
    GOCLAW_RETURN_IF_ERROR(converter.Convert(node, doc.root, "", 0));
  } catch (const YAML::Exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("YAML error: ") + e.what());
  }
  return doc;
}

}  // namespace

std::string_view DocumentFormatName(DocumentFormat f) {
  switch (f) {
    case DocumentFormat::kJson:
      return "json";
    case DocumentFormat::kYaml:
      return "yaml";
    case DocumentFormat::kAuto:
      return "auto";
  }
  return "auto";
}

DocumentFormat DocumentFormatFromPath(std::string_view path) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  if (ends_with(".json")) return DocumentFormat::kJson;
  if (ends_with(".yaml") || ends_with(".yml")) return DocumentFormat::kYaml;
  return DocumentFormat::kAuto;
}

std::string JoinPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out;
  out.reserve(parent.size() + 1 + key.size());
  out.append(parent).append(".").append(key);
  return out;
}

std::string IndexPath(std::string_view parent, std::size_t index) {
  std::string out(parent);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

int Document::LineOf(std::string_view path) const {
  std::string p(path);
  while (!p.empty()) {
    auto it = lines.find(p);
    if (it != lines.end()) return it->second;
    std::size_t cut = p.find_last_of(".[");
    if (cut == std::string::npos) break;
    p.resize(cut);
  }
  return 0;
}

Result<Document> ParseDocument(std::string_view text, DocumentFormat format,
                               const DocumentLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "document is " + std::to_string(text.size()) + " bytes; the limit is " +
                         std::to_string(limits.max_bytes) + " bytes");
  }
  // Old Mac line endings (CR alone) become LF, one for one, so that line numbers stay right.
  std::string normalized;
  if (std::size_t cr = text.find('\r'); cr != std::string_view::npos) {
    for (; cr != std::string_view::npos; cr = text.find('\r', cr + 1)) {
      if (cr + 1 < text.size() && text[cr + 1] == '\n') continue;
      if (normalized.empty()) normalized.assign(text);
      normalized[cr] = '\n';
    }
    if (!normalized.empty()) text = normalized;
  }
  if (auto bad = FindInvalidUtf8(text)) {
    TextPosition pos = PositionOf(text, *bad);
    return MakeError(Error(ErrorCode::kInvalidArgument,
                           "document is not valid UTF-8 text: bad byte at offset " +
                               std::to_string(*bad) + " (line " + std::to_string(pos.line) +
                               ", column " + std::to_string(pos.column) + ")",
                           {{"", "invalid UTF-8", pos.line}}));
  }
  if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    TextPosition pos = PositionOf(text, nul);
    return MakeError(Error(ErrorCode::kInvalidArgument,
                           "document contains a NUL byte at offset " + std::to_string(nul) +
                               " (line " + std::to_string(pos.line) + ")",
                           {{"", "NUL byte", pos.line}}));
  }
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "document is empty");
  }
  if (format == DocumentFormat::kAuto) {
    format = (text[first] == '{' || text[first] == '[') ? DocumentFormat::kJson
                                                         : DocumentFormat::kYaml;
  }
  Result<Document> doc =
      format == DocumentFormat::kJson ? ParseJson(text, limits) : ParseYaml(text, limits);
  if (!doc) return doc;
  // What is accepted must also be storable and readable back (json_limits.h): no infinity or
  // NaN (`1e999`, `.inf`), no nesting beyond kMaxJsonDepth.
  if (Status valid = CheckJsonValue(doc->root, ""); !valid) {
    Error e = valid.error();
    const std::string path = e.details().empty() ? std::string() : e.details()[0].path;
    const int line = doc->LineOf(path);
    return MakeError(Error(ErrorCode::kInvalidArgument,
                           "document has a value goclaw cannot keep: " + e.message() +
                               (line > 0 ? " (line " + std::to_string(line) + ")" : ""),
                           {{path, e.details().empty() ? e.message() : e.details()[0].message, line}}));
  }
  MakeDoublesExact(doc->root);  // what is stored reads back the same (json_text.h)
  return doc;
}

}  // namespace goclaw
