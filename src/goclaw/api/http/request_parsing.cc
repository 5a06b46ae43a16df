// Request checks shared by the routes.
#include "goclaw/api/http/request_parsing.h"

#include <time.h>

#include <algorithm>
#include <charconv>
#include <span>
#include <vector>

#include "goclaw/core/suggest.h"

namespace goclaw::api {

std::optional<DocumentFormat> SpecFormat(const HttpRequest& req, HttpResponse* error) {
  const std::string type = req.MediaType();
  if (type == "application/json") return DocumentFormat::kJson;
  if (type == "application/yaml" || type == "application/x-yaml" || type == "text/yaml" || type == "text/x-yaml") {
    return DocumentFormat::kYaml;
  }
  *error = ErrorResponse(req, 415, kUnsupportedMediaType,
                         (type.empty() ? std::string("no Content-Type") : "Content-Type \"" + type + "\" is not accepted") +
                             "; send the spec as application/json or application/yaml");
  return std::nullopt;
}

bool RequireJson(const HttpRequest& req, HttpResponse* error) {
  const std::string type = req.MediaType();
  if (type == "application/json") return true;
  *error = ErrorResponse(req, 415, kUnsupportedMediaType,
                         (type.empty() ? std::string("no Content-Type") : "Content-Type \"" + type + "\" is not accepted") +
                             "; send application/json");
  return false;
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 128 || id.find("..") != std::string_view::npos) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != ':' && c != '*') {
      return false;
    }
  }
  return true;
}

std::optional<Clock::WallTime> ParseRfc3339(std::string_view s) {
  // Exactly `len` digits (from_chars alone would take a '-' sign).
  auto num = [&](std::size_t pos, std::size_t len, int* out) {
    if (pos + len > s.size()) return false;
    for (std::size_t k = pos; k < pos + len; ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
    }
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, *out);
    return ec == std::errc() && p == s.data() + pos + len;
  };
  int year, month, day, hour, minute, second;
  if (s.size() < 20 || !num(0, 4, &year) || s[4] != '-' || !num(5, 2, &month) || s[7] != '-' ||
      !num(8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !num(11, 2, &hour) ||
      s[13] != ':' || !num(14, 2, &minute) || s[16] != ':' || !num(17, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::size_t i = 19;
  long nanos = 0;
  if (i < s.size() && s[i] == '.') {
    long scale = 100000000;
    ++i;
    std::size_t digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      nanos += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
  }
  long offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
    // UTC
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int oh, om;
    if (!num(i + 1, 2, &oh) || !num(i + 4, 2, &om) || oh > 23 || om > 59) return std::nullopt;
    offset = (s[i] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
  } else {
    return std::nullopt;
  }
  struct tm tm {};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  time_t t = timegm(&tm) - offset;
  // WallTime counts nanoseconds in 64 bits (years 1678 to 2261): refuse what it cannot hold
  // rather than overflow (a second of margin for the fraction).
  using std::chrono::seconds;
  constexpr auto kMaxSeconds =
      std::chrono::duration_cast<seconds>(Clock::WallTime::duration::max()).count() - 1;
  if (t > kMaxSeconds || t < -kMaxSeconds) return std::nullopt;
  return Clock::WallTime(seconds(t)) +
         std::chrono::duration_cast<Clock::WallTime::duration>(std::chrono::nanoseconds(nanos));
}

const std::string* QueryReader::Get(const std::string& key) {
  auto it = req_.query.find(key);
  return it == req_.query.end() ? nullptr : &it->second;
}

bool QueryReader::String(const std::string& key, std::string* out) {
  const std::string* v = Get(key);
  if (v == nullptr) return false;
  *out = *v;
  return true;
}

bool QueryReader::Int(const std::string& key, std::int64_t* out, std::int64_t min, std::int64_t max) {
  const std::string* v = Get(key);
  if (v == nullptr) return false;
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size() || n < min || n > max) {
    diag_.Add(key, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                       ", got \"" + v->substr(0, 64) + "\"");
    return false;
  }
  *out = n;
  return true;
}

bool QueryReader::Bool(const std::string& key, bool* out) {
  const std::string* v = Get(key);
  if (v == nullptr) return false;
  if (*v == "true" || *v == "1") {
    *out = true;
  } else if (*v == "false" || *v == "0") {
    *out = false;
  } else {
    diag_.Add(key, "expected true or false, got \"" + v->substr(0, 64) + "\"");
    return false;
  }
  return true;
}

bool QueryReader::Duration(const std::string& key, Millis* out) {
  const std::string* v = Get(key);
  if (v == nullptr) return false;
  auto d = ParseDuration(*v);
  if (!d) {
    diag_.Add(key, d.error().message());
    return false;
  }
  *out = *d;
  return true;
}

bool QueryReader::Time(const std::string& key, std::optional<Clock::WallTime>* out) {
  const std::string* v = Get(key);
  if (v == nullptr) return false;
  auto t = ParseRfc3339(*v);
  if (!t) {
    diag_.Add(key, "expected an RFC 3339 time such as 2026-11-25T08:30:00Z, got \"" + v->substr(0, 64) + "\"");
    return false;
  }
  *out = t;
  return true;
}

void QueryReader::Allow(std::initializer_list<std::string_view> known) {
  std::vector<std::string_view> names(known.begin(), known.end());
  for (const auto& [key, value] : req_.query) {
    if (std::find(names.begin(), names.end(), key) != names.end()) continue;
    std::string message = "unknown query parameter";
    if (auto near = NearestName(key, std::span<const std::string_view>(names))) {
      message += "; did you mean " + std::string(*near) + "?";
    } else {
      message += "; accepted: ";
      for (std::size_t i = 0; i < names.size(); ++i) message += (i ? ", " : "") + std::string(names[i]);
    }
    diag_.Add(key.substr(0, 64), message);
  }
}

}  // namespace goclaw::api
