// Request checks shared by the routes.
#include "goclaw/api/http/request_parsing.h"

#include <algorithm>
#include <charconv>
#include <span>
#include <vector>

#include "goclaw/core/names.h"
#include "goclaw/core/suggest.h"

namespace goclaw::api::http {

namespace {

// Bodies are read as UTF-8: a Content-Type naming another charset (utf-16, latin1) is refused
// rather than misread. Sets `error` (415) and returns false then.
bool CharsetIsUtf8(const HttpRequest& req, const std::string& type, HttpResponse* error) {
  std::string_view rest = req.Header("content-type");
  while (true) {
    std::size_t semi = rest.find(';');
    if (semi == std::string_view::npos) return true;
    rest = rest.substr(semi + 1);
    std::string_view param = rest.substr(0, rest.find(';'));
    while (!param.empty() && (param.front() == ' ' || param.front() == '\t')) param.remove_prefix(1);
    while (!param.empty() && (param.back() == ' ' || param.back() == '\t')) param.remove_suffix(1);
    std::string lower(param);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!lower.starts_with("charset=")) continue;
    std::string charset = lower.substr(8);
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') charset = charset.substr(1, charset.size() - 2);
    if (charset == "utf-8" || charset == "us-ascii") continue;
    *error = ErrorResponse(req, 415, kUnsupportedMediaType,
                           "charset \"" + charset.substr(0, 32) + "\" is not accepted for " + type +
                               "; send UTF-8 (charset=utf-8, us-ascii or none)");
    return false;
  }
}

}  // namespace

std::optional<DocumentFormat> SpecFormat(const HttpRequest& req, HttpResponse* error) {
  const std::string type = req.MediaType();
  if (type == "application/json") {
    if (!CharsetIsUtf8(req, type, error)) return std::nullopt;
    return DocumentFormat::kJson;
  }
  if (type == "application/yaml" || type == "application/x-yaml" || type == "text/yaml" || type == "text/x-yaml") {
    if (!CharsetIsUtf8(req, type, error)) return std::nullopt;
    return DocumentFormat::kYaml;
  }
  *error = ErrorResponse(req, 415, kUnsupportedMediaType,
                         (type.empty() ? std::string("no Content-Type") : "Content-Type \"" + type + "\" is not accepted") +
                             "; send the spec as application/json or application/yaml");
  return std::nullopt;
}

bool RequireJson(const HttpRequest& req, HttpResponse* error) {
  const std::string type = req.MediaType();
  if (type == "application/json") return CharsetIsUtf8(req, type, error);
  *error = ErrorResponse(req, 415, kUnsupportedMediaType,
                         (type.empty() ? std::string("no Content-Type") : "Content-Type \"" + type + "\" is not accepted") +
                             "; send application/json");
  return false;
}

bool ValidId(std::string_view id) { return IsSafeId(id); }

namespace {

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): no
// time_t, no overflow for any 4-digit year.
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr std::string_view kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};

}  // namespace

Result<Clock::WallTime> ParseRfc3339Time(std::string_view s) {
  auto num = [&](std::size_t pos, std::size_t len, int* out) {
    if (pos + len > s.size()) return false;
    *out = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      *out = *out * 10 + (s[i] - '0');
    }
    return true;
  };
  auto bad = [](std::string why) { return MakeError(ErrorCode::kInvalidArgument, std::move(why)); };
  int year, month, day, hour, minute, second;
  if (s.size() < 20 || !num(0, 4, &year) || s[4] != '-' || !num(5, 2, &month) || s[7] != '-' ||
      !num(8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !num(11, 2, &hour) ||
      s[13] != ':' || !num(14, 2, &minute) || s[16] != ':' || !num(17, 2, &second)) {
    return bad("not of the form YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)");
  }
  if (month < 1 || month > 12) return bad("month " + std::to_string(month) + " is not 01 to 12");
  if (day < 1 || day > DaysInMonth(year, month)) {
    return bad("day " + std::to_string(day) + " does not exist in " + std::string(kMonthNames[month - 1]) + " " +
               std::to_string(year) + " (it has " + std::to_string(DaysInMonth(year, month)) + " days)");
  }
  if (hour > 23) return bad("hour " + std::to_string(hour) + " is not 00 to 23");
  if (minute > 59) return bad("minute " + std::to_string(minute) + " is not 00 to 59");
  // A leap second is 23:59:60 (and is read as the next second); no other second 60.
  if (second > 60 || (second == 60 && (hour != 23 || minute != 59))) {
    return bad("second " + std::to_string(second) + " is not 00 to 59 (60 only at 23:59:60)");
  }
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
    if (digits == 0) return bad("no digits after the decimal point");
  }
  std::int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
    // UTC
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int oh, om;
    if (!num(i + 1, 2, &oh) || !num(i + 4, 2, &om) || oh > 23 || om > 59) {
      return bad("the offset is not +hh:mm or -hh:mm with hh 00 to 23 and mm 00 to 59");
    }
    offset = (s[i] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
  } else {
    return bad("no time zone: end with Z or an offset such as +01:00");
  }
  const std::int64_t seconds =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + hour * 3600 +
      minute * 60 + second - offset;
  // Clock::WallTime counts nanoseconds (years 1677 to 2262): clamp what lies beyond, which
  // compares the same way with every stored time.
  using Duration = Clock::WallTime::duration;
  const std::int64_t lo = std::chrono::duration_cast<std::chrono::seconds>(Duration::min()).count();
  const std::int64_t hi = std::chrono::duration_cast<std::chrono::seconds>(Duration::max()).count();
  if (seconds < lo) return Clock::WallTime::min();
  if (seconds >= hi) return Clock::WallTime::max();
  return Clock::WallTime(std::chrono::duration_cast<Duration>(std::chrono::seconds(seconds)) +
                         std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(nanos)));
}

std::optional<Clock::WallTime> ParseRfc3339(std::string_view s) {
  auto t = ParseRfc3339Time(s);
  if (!t) return std::nullopt;
  return *t;
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
  auto t = ParseRfc3339Time(*v);
  if (!t) {
    diag_.Add(key, "expected an RFC 3339 time from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z such as "
                   "2026-11-25T08:30:00Z, got \"" + v->substr(0, 64) + "\": " + t.error().message());
    return false;
  }
  *out = *t;
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

}  // namespace goclaw::api::http
