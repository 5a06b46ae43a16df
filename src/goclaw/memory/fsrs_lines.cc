// The JSON-lines front end (fsrs_lines.h): reading and checking each op's fields with
// core/json_reader.h, then calling fsrs.h.
#include "goclaw/memory/fsrs_lines.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <exception>
#include <optional>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/core/document.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/status.h"
#include "goclaw/core/time_text.h"
#include "goclaw/memory/fsrs.h"

namespace goclaw::memory::fsrs {
namespace {

constexpr std::array<std::string_view, 3> kOps = {"retrievability", "interval", "review"};
constexpr std::string_view kTimestampExample = "\"2026-01-02T03:04:05.678Z\"";

// The accepted values of one numeric field, for checking and for the error message.
struct NumberRule {
  std::string_view accepted;  // "a number of days >= 0"
  bool (*ok)(double);
};

constexpr NumberRule kDays{"a number of days >= 0", [](double x) { return x >= 0; }};
constexpr NumberRule kStability{"a stability in days > 0", [](double x) { return x > 0; }};
constexpr NumberRule kDecay{"a decay (w[20]) from 0.1 to 0.8, the range ts-fsrs allows",
                            [](double x) { return x >= 0.1 && x <= 0.8; }};
constexpr NumberRule kRetention{"a probability in (0, 1]",
                                [](double x) { return x > 0 && x <= 1; }};
constexpr NumberRule kMaximumInterval{"a number of days from 1 to 1000000",
                                      [](double x) { return x >= 1 && x <= kMaxMaximumInterval; }};

// Numbers as JavaScript's JSON.stringify writes them ("0.9", "12", "1e-7"), so an answer reads
// like ts-fsrs's own output; every finite double reads back exactly.
std::string NumberText(double d) { return std::isfinite(d) ? internal::JsNumberText(d) : "null"; }

std::string LineText(const boost::json::value& v) {
  std::string out;
  AppendJsonWith(v, out, &NumberText);
  return out;
}

std::string ErrorLine(std::string_view message) {
  boost::json::object out;
  out["error"] = message;
  return LineText(out);
}

// "path: message; path: message".
std::string ProblemsText(const Diagnostics& diag) {
  std::string text;
  for (const ErrorDetail& d : diag.details()) {
    if (!text.empty()) text += "; ";
    text += d.path.empty() ? d.message : d.path + ": " + d.message;
  }
  return text;
}

Error Invalid(const Diagnostics& diag) {
  return Error(ErrorCode::kInvalidArgument, ProblemsText(diag));
}

// Reads `key` into *out when present (required: records a problem when absent).
void ReadNumber(ObjectReader& reader, std::string_view key, const NumberRule& rule, bool required,
                double* out) {
  const boost::json::value* v = reader.Get(key);
  if (v == nullptr) {
    if (required)
      reader.diag().Add(reader.PathOf(key), "is required: " + std::string(rule.accepted));
    return;
  }
  double x = 0;
  if (!JsonNumber(*v, &x) || !std::isfinite(x) || !rule.ok(x)) {
    reader.diag().Add(reader.PathOf(key),
                      "expected " + std::string(rule.accepted) + ", got " + DescribeJson(*v));
    return;
  }
  *out = x;
}

std::optional<std::int64_t> ReadTimestamp(const boost::json::value* v, const std::string& path,
                                          Diagnostics& diag) {
  if (v == nullptr) {
    diag.Add(path, "is required: an RFC 3339 timestamp such as " + std::string(kTimestampExample));
    return std::nullopt;
  }
  std::optional<std::int64_t> us;
  if (v->is_string()) us = ParseRfc3339(v->get_string());
  if (!us) {
    diag.Add(path, "expected an RFC 3339 timestamp such as " + std::string(kTimestampExample) +
                       ", got " + DescribeJson(*v));
  }
  return us;
}

// ts-fsrs steps are whole minutes ("1m", "10m", "1h", "1d").
std::optional<std::int64_t> StepSeconds(const boost::json::value& v, std::string& problem) {
  Result<Millis> parsed = MakeError(ErrorCode::kInvalidArgument, "");
  double seconds = 0;
  if (JsonNumber(v, &seconds)) {
    parsed = DurationFromSeconds(seconds);
  } else if (v.is_string()) {
    parsed = ParseDuration(v.get_string());
  } else {
    problem = "expected a duration such as \"10m\" or a number of seconds, got " + DescribeJson(v);
    return std::nullopt;
  }
  if (!parsed) {
    problem = parsed.error().message();
    return std::nullopt;
  }
  if (parsed->count() % 60000 != 0) {
    problem = "expected a whole number of minutes (ts-fsrs counts steps in minutes), got " +
              DescribeJson(v);
    return std::nullopt;
  }
  return parsed->count() / 1000;
}

void ReadSteps(ObjectReader& reader, std::string_view key, std::vector<std::int64_t>* out) {
  const boost::json::value* v = reader.Get(key);
  if (v == nullptr) return;
  const std::string path = reader.PathOf(key);
  if (!v->is_array()) {
    reader.diag().Add(
        path, "expected an array of durations such as [\"1m\", \"10m\"], got " + DescribeJson(*v));
    return;
  }
  std::vector<std::int64_t> steps;
  for (std::size_t i = 0; i < v->get_array().size(); ++i) {
    std::string problem;
    if (auto s = StepSeconds(v->get_array()[i], problem)) {
      steps.push_back(*s);
    } else {
      reader.diag().Add(IndexPath(path, i), problem);
    }
  }
  *out = std::move(steps);
}

void ReadWeights(ObjectReader& reader, Weights* out) {
  const boost::json::value* v = reader.Get("w");
  if (v == nullptr) return;
  const boost::json::array* items = v->if_array();
  if (items == nullptr || items->size() != kWeightCount) {
    reader.diag().Add("w", "expected an array of 21 numbers (FSRS-6 weights), got " +
                               (items == nullptr ? DescribeJson(*v)
                                                 : "an array of " + std::to_string(items->size())));
    return;
  }
  for (std::size_t i = 0; i < kWeightCount; ++i) {
    if (!JsonNumber((*items)[i], &(*out)[i]) || !std::isfinite((*out)[i])) {
      reader.diag().Add(IndexPath("w", i), "expected a number, got " + DescribeJson((*items)[i]));
    }
  }
}

Result<boost::json::object> RetrievabilityOp(ObjectReader& reader) {
  double t = 0;
  double s = 0;
  double decay = Decay(kDefaultWeights);
  ReadNumber(reader, "t", kDays, true, &t);
  ReadNumber(reader, "s", kStability, true, &s);
  ReadNumber(reader, "decay", kDecay, false, &decay);
  reader.RejectUnknown();
  if (!reader.diag().empty()) return MakeError(Invalid(reader.diag()));
  boost::json::object out;
  out["r"] = ForgettingCurve(t, s, decay);
  return out;
}

Result<boost::json::object> IntervalOp(ObjectReader& reader) {
  double s = 0;
  Parameters p;
  double decay = Decay(kDefaultWeights);
  ReadNumber(reader, "s", kStability, true, &s);
  ReadNumber(reader, "request_retention", kRetention, false, &p.request_retention);
  ReadNumber(reader, "maximum_interval", kMaximumInterval, false, &p.maximum_interval);
  ReadNumber(reader, "decay", kDecay, false, &decay);
  reader.RejectUnknown();
  if (!reader.diag().empty()) return MakeError(Invalid(reader.diag()));
  boost::json::object out;
  out["interval_days"] = NextIntervalDays(s, p.request_retention, p.maximum_interval, decay);
  return out;
}

struct TimedRating {
  std::int64_t now_us;
  Rating rating;
};

// Reads `reviews`, each at or after `start_us` and the review before it.
std::vector<TimedRating> ReadReviews(ObjectReader& reader, std::optional<std::int64_t> start_us) {
  std::vector<TimedRating> reviews;
  const boost::json::value* v = reader.Get("reviews");
  if (v == nullptr) {
    reader.diag().Add("reviews", "is required: an array of {\"now\": <RFC 3339>, \"rating\": 1-4}");
    return reviews;
  }
  if (!v->is_array()) {
    reader.diag().Add(
        "reviews",
        "expected an array of {\"now\": <RFC 3339>, \"rating\": 1-4}, got " + DescribeJson(*v));
    return reviews;
  }
  std::optional<std::int64_t> previous_us = start_us;
  std::string previous_what = "start";
  for (std::size_t i = 0; i < v->get_array().size(); ++i) {
    ObjectReader item(v->get_array()[i], IndexPath("reviews", i), reader.diag(), "a review");
    if (!item.is_object()) continue;
    const std::optional<std::int64_t> now_us =
        ReadTimestamp(item.Get("now"), item.PathOf("now"), item.diag());
    std::int64_t rating = 0;
    if (!item.Has("rating")) {
      item.diag().Add(item.PathOf("rating"),
                      "is required: 1 (again), 2 (hard), 3 (good) or 4 (easy)");
    }
    const bool rating_ok = item.Int("rating", &rating, 1, 4) && rating != 0;
    item.RejectUnknown();
    if (now_us && previous_us && *now_us < *previous_us) {
      item.diag().Add(item.PathOf("now"), "is before " + previous_what +
                                              "; reviews must be in time order, at or after start");
    }
    if (now_us) {
      previous_us = now_us;
      previous_what = "the previous review";
    }
    if (now_us && rating_ok) reviews.push_back({*now_us, static_cast<Rating>(rating)});
  }
  return reviews;
}

// JavaScript's toISOString: years past 9999 are written "+0YYYYY".
std::string IsoTimeText(std::int64_t unix_us) {
  std::string text = FormatUnixMicros(unix_us);
  const std::size_t dash = text.find('-');
  if (dash > 4) text = "+" + std::string(6 - dash, '0') + text;
  return text;
}

boost::json::object CardJson(const Scheduler& scheduler, const Card& card, std::int64_t now_us,
                             double retrievability_before) {
  boost::json::object out;
  out["stability"] = card.stability;
  out["difficulty"] = card.difficulty;
  out["state"] = StateName(card.state);
  out["scheduled_days"] = card.scheduled_days;
  out["elapsed_days"] = card.elapsed_days;
  out["reps"] = card.reps;
  out["lapses"] = card.lapses;
  out["learning_steps"] = card.learning_steps;
  out["due"] = IsoTimeText(card.due_us);
  out["retrievability"] = scheduler.Retrievability(card, now_us);
  out["retrievability_before"] = retrievability_before;
  return out;
}

Result<boost::json::object> ReviewOp(ObjectReader& reader) {
  Parameters p;
  reader.Bool("enable_short_term", &p.enable_short_term);
  reader.Bool("enable_fuzz", &p.enable_fuzz);
  ReadNumber(reader, "request_retention", kRetention, false, &p.request_retention);
  ReadNumber(reader, "maximum_interval", kMaximumInterval, false, &p.maximum_interval);
  ReadWeights(reader, &p.w);
  ReadSteps(reader, "learning_steps", &p.learning_steps_s);
  ReadSteps(reader, "relearning_steps", &p.relearning_steps_s);
  const std::optional<std::int64_t> start_us =
      ReadTimestamp(reader.Get("start"), "start", reader.diag());
  const std::vector<TimedRating> reviews = ReadReviews(reader, start_us);
  reader.RejectUnknown();
  if (!reader.diag().empty()) return MakeError(Invalid(reader.diag()));

  Result<Scheduler> scheduler = Scheduler::Create(std::move(p));
  if (!scheduler) return MakeError(std::move(scheduler.error()));
  Card card = scheduler->NewCard(*start_us);
  boost::json::array cards;
  cards.reserve(reviews.size());
  for (const TimedRating& review : reviews) {
    const double before = scheduler->Retrievability(card, review.now_us);
    card = scheduler->Review(card, review.now_us, review.rating);
    cards.push_back(CardJson(*scheduler, card, review.now_us, before));
  }
  boost::json::object out;
  out["reviews"] = std::move(cards);
  return out;
}

Result<boost::json::object> Answer(std::string_view json_line) {
  GOCLAW_ASSIGN_OR_RETURN(const boost::json::value request, ParseJsonText(json_line, "the line"));
  Diagnostics diag;
  ObjectReader reader(request, "", diag, "the line");
  if (!reader.is_object()) return MakeError(Invalid(diag));
  std::string op;
  if (!reader.Has("op")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "op: is required: one of retrievability, interval, review");
  }
  if (!reader.Enum("op", &op, kOps)) {
    // Only the op's problem: the other keys mean nothing without an op.
    return MakeError(Error(ErrorCode::kInvalidArgument,
                           diag.details().front().path + ": " + diag.details().front().message));
  }
  if (op == "retrievability") return RetrievabilityOp(reader);
  if (op == "interval") return IntervalOp(reader);
  return ReviewOp(reader);
}

}  // namespace

std::string FsrsLine(std::string_view json_line) {
  // The line is a process boundary (`goclaw memory fsrs`): nothing may escape it.
  try {
    Result<boost::json::object> answer = Answer(json_line);
    if (!answer) return ErrorLine(answer.error().message());
    return LineText(*answer);
  } catch (const std::exception& e) {
    return ErrorLine(std::string("internal error: ") + e.what());
  }
}

}  // namespace goclaw::memory::fsrs
