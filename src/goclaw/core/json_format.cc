// JSON writers with plain-decimal doubles, and the YAML emitter.
#include "goclaw/core/json_format.h"

#include <charconv>
#include <cmath>

#include <yaml-cpp/yaml.h>

#include "goclaw/core/document.h"
#include "goclaw/core/json_text.h"

namespace goclaw {
namespace {

void WriteIndent(std::string& out, int depth) { out.append(static_cast<std::size_t>(depth) * 2, ' '); }

void WritePretty(std::string& out, const boost::json::value& v, int depth) {
  if (const auto* obj = v.if_object()) {
    if (obj->empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& kv : *obj) {
      if (!first) out += ",\n";
      first = false;
      WriteIndent(out, depth + 1);
      AppendJsonString(kv.key(), out);
      out += ": ";
      WritePretty(out, kv.value(), depth + 1);
    }
    out += "\n";
    WriteIndent(out, depth);
    out += "}";
  } else if (const auto* arr = v.if_array()) {
    if (arr->empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < arr->size(); ++i) {
      if (i > 0) out += ",\n";
      WriteIndent(out, depth + 1);
      WritePretty(out, (*arr)[i], depth + 1);
    }
    out += "\n";
    WriteIndent(out, depth);
    out += "]";
  } else {
    AppendCompactJson(v, out);
  }
}

void Emit(YAML::Emitter& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      out << YAML::Null;
      break;
    case boost::json::kind::bool_:
      out << v.get_bool();
      break;
    case boost::json::kind::int64:
      out << v.get_int64();
      break;
    case boost::json::kind::uint64:
      out << v.get_uint64();
      break;
    case boost::json::kind::double_:
      out << PlainNumber(v.get_double());
      break;
    case boost::json::kind::string: {
      std::string s(v.get_string());
      // Quote strings that would read back as something else ("true", "1", "", "a: b").
      auto plain = ParseDocument(s, DocumentFormat::kYaml);
      bool round_trips = plain && plain->root.is_string() && plain->root.get_string() == s;
      if (!round_trips) out << YAML::DoubleQuoted;
      out << s;
      break;
    }
    case boost::json::kind::array:
      out << YAML::BeginSeq;
      for (const auto& item : v.get_array()) Emit(out, item);
      out << YAML::EndSeq;
      break;
    case boost::json::kind::object:
      out << YAML::BeginMap;
      for (const auto& kv : v.get_object()) {
        out << YAML::Key << std::string(kv.key()) << YAML::Value;
        Emit(out, kv.value());
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

std::string PlainNumber(double d) {
  if (!std::isfinite(d)) return "null";
  char buf[64];
  const double magnitude = std::fabs(d);
  if (magnitude != 0 && (magnitude < 1e-7 || magnitude >= 1e21)) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    return std::string(buf, end);
  }
  // Shortest round trip in fixed notation: at most 21 integer digits, or 7 leading zeros and
  // 17 significant digits.
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  std::string out(buf, end);
  if (out.find('.') == std::string::npos) out += ".0";
  return out;
}

void AppendCompactJson(const boost::json::value& v, std::string& out) { AppendJsonWith(v, out, PlainNumber); }

std::string CompactJson(const boost::json::value& v) {
  std::string out;
  AppendCompactJson(v, out);
  return out;
}

double RoundedSeconds(double seconds) { return std::round(seconds * 1e6) / 1e6; }

std::string PrettyJson(const boost::json::value& v) {
  std::string out;
  WritePretty(out, v, 0);
  out += "\n";
  return out;
}

std::string ToYaml(const boost::json::value& v) {
  YAML::Emitter out;
  Emit(out, v);
  return std::string(out.c_str()) + "\n";
}

}  // namespace goclaw
