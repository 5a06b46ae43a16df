// Prometheus text format 0.0.4 output.
#include "goclaw/metrics/text_format.h"

#include <charconv>
#include <cmath>

namespace goclaw::metrics {

namespace {

// Backslash and newline are escaped in HELP texts and label values; double quotes only in
// label values.
std::string Escape(std::string_view v, bool quotes) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string EscapeLabelValue(std::string_view v) { return Escape(v, true); }

void TextWriter::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += Escape(help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void TextWriter::Series(std::string_view name, const Labels& labels, std::string_view le) {
  out_ += name;
  if (labels.empty() && le.empty()) return;
  out_ += '{';
  bool first = true;
  auto label = [&](std::string_view k, std::string_view v) {
    if (!first) out_ += ',';
    first = false;
    out_ += k;
    out_ += "=\"";
    out_ += EscapeLabelValue(v);
    out_ += '"';
  };
  for (const auto& [k, v] : labels) label(k, v);
  if (!le.empty()) label("le", le);
  out_ += '}';
}

void TextWriter::Value(double value) {
  out_ += ' ';
  if (std::isnan(value)) {
    out_ += "NaN";
  } else if (std::isinf(value)) {
    out_ += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest round trip
    out_.append(buf, end);
  }
  out_ += '\n';
}

void TextWriter::Sample(std::string_view name, const Labels& labels, double value) {
  Series(name, labels, {});
  Value(value);
}

void TextWriter::Histogram(std::string_view name, const Labels& labels, const metrics::Histogram& h) {
  const std::string bucket = std::string(name) + "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < metrics::Histogram::kBounds.size(); ++i) {
    cumulative += h.bucket(i);
    char le[32];
    auto [end, ec] = std::to_chars(le, le + sizeof le, metrics::Histogram::kBounds[i]);
    Series(bucket, labels, std::string_view(le, static_cast<std::size_t>(end - le)));
    Value(static_cast<double>(cumulative));
  }
  Series(bucket, labels, "+Inf");
  Value(static_cast<double>(h.count()));
  Series(std::string(name) + "_sum", labels, {});
  Value(h.sum());
  Series(std::string(name) + "_count", labels, {});
  Value(static_cast<double>(h.count()));
}

}  // namespace goclaw::metrics
