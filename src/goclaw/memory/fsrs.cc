// FSRS-6 as ts-fsrs 5.x computes it (fsrs.h). The structure follows ts-fsrs's so that each
// step can be checked against it: FSRSAlgorithm (the formulas, the interval and its fuzz),
// BasicScheduler (enable_short_term: learning steps) and LongTermScheduler.
#include "goclaw/memory/fsrs.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

#include "goclaw/core/check.h"

namespace goclaw::memory::fsrs {
namespace {

constexpr std::int64_t kMicrosPerMilli = 1000;
constexpr std::int64_t kMillisPerDay = 86'400'000;
constexpr std::int64_t kMicrosPerMinute = 60'000'000;
constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
constexpr double kMinutesPerDay = 1440;
// ts-fsrs W17_W18_Ceiling: the w[17]/w[18] bound with at most one relearning step.
constexpr double kShortTermWeightCeiling = 2;

using internal::JsRound;
using internal::Round8;

// JavaScript's Math.min(Math.max(value, lo), hi).
double Clamp(double value, double lo, double hi) { return std::min(std::max(value, lo), hi); }

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// JavaScript Dates hold milliseconds; ts-fsrs compares times as Dates.
std::int64_t MillisOf(std::int64_t unix_us) { return FloorDiv(unix_us, kMicrosPerMilli); }

// ts-fsrs dateDiffInDays: the difference between the UTC calendar dates.
std::int64_t CalendarDaysBetween(std::int64_t from_us, std::int64_t to_us) {
  return FloorDiv(MillisOf(to_us), kMillisPerDay) - FloorDiv(MillisOf(from_us), kMillisPerDay);
}

// ts-fsrs date_diff(now, pre, "days"): whole 24-hour periods.
std::int64_t WholeDaysBetween(std::int64_t from_us, std::int64_t to_us) {
  return FloorDiv(MillisOf(to_us) - MillisOf(from_us), kMillisPerDay);
}

double Grade(Rating rating) { return static_cast<double>(static_cast<int>(rating)); }

// ts-fsrs computeDecayFactor: the factor that makes R(S) = 0.9. `decay` is positive.
double DecayFactor(double decay) {
  const double exponent = -decay;
  return Round8(std::exp(std::pow(exponent, -1.0) * std::log(0.9)) - 1);
}

// ts-fsrs calculate_interval_modifier: the interval, in units of S, at which R falls to
// `request_retention`.
double IntervalModifier(double request_retention, double decay) {
  const double exponent = -decay;
  return Round8((std::pow(request_retention, 1 / exponent) - 1) / DecayFactor(decay));
}

// ts-fsrs next_interval before fuzz (not yet rounded when maximum_interval is fractional).
double UnfuzzedInterval(double stability, double interval_modifier, double maximum_interval) {
  return std::min(std::max(1.0, JsRound(stability * interval_modifier)), maximum_interval);
}

// ts-fsrs FUZZ_RANGES and get_fuzz_range.
struct FuzzBand {
  double start;
  double end;
  double factor;
};
constexpr std::array<FuzzBand, 3> kFuzzBands = {
    {{2.5, 7, 0.15}, {7, 20, 0.1}, {20, std::numeric_limits<double>::infinity(), 0.05}}};

struct FuzzRange {
  double min_interval;
  double max_interval;
};

FuzzRange FuzzRangeFor(double interval, double elapsed_days, double maximum_interval) {
  double delta = 1;
  for (const FuzzBand& band : kFuzzBands) {
    delta += band.factor * std::max(std::min(interval, band.end) - band.start, 0.0);
  }
  interval = std::min(interval, maximum_interval);
  double min_interval = std::max(2.0, JsRound(interval - delta));
  const double max_interval = std::min(JsRound(interval + delta), maximum_interval);
  if (interval > elapsed_days) min_interval = std::max(min_interval, elapsed_days + 1);
  min_interval = std::min(min_interval, max_interval);
  return {min_interval, max_interval};
}

// JavaScript ToUint32 / ToInt32 of a finite double.
double ToUint32(double x) {
  double m = std::fmod(std::trunc(x), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return m;
}
double ToInt32(double x) {
  const double m = ToUint32(x);
  return m >= 2147483648.0 ? m - 4294967296.0 : m;
}

// Johannes Baagøe's Mash hash as ts-fsrs runs it: the state `n` carries over between calls.
class Mash {
 public:
  double operator()(std::string_view data) {
    for (const char c : data) {
      n_ += static_cast<unsigned char>(c);
      double h = 0.02519603282416938 * n_;
      n_ = ToUint32(h);
      h -= n_;
      h *= n_;
      n_ = ToUint32(h);
      h -= n_;
      n_ += h * 4294967296.0;
    }
    return ToUint32(n_) * kTwoToMinus32;
  }

  static constexpr double kTwoToMinus32 = 1.0 / 4294967296.0;

 private:
  double n_ = 4022871197.0;
};

// Baagøe's Alea generator (ts-fsrs alea.ts), doubles in [0, 1).
class Alea {
 public:
  explicit Alea(std::string_view seed) {
    Mash mash;
    s0_ = mash(" ");
    s1_ = mash(" ");
    s2_ = mash(" ");
    s0_ = WrapBelowOne(s0_ - mash(seed));
    s1_ = WrapBelowOne(s1_ - mash(seed));
    s2_ = WrapBelowOne(s2_ - mash(seed));
  }

  double Next() {
    const double t = 2091639 * s0_ + c_ * Mash::kTwoToMinus32;
    s0_ = s1_;
    s1_ = s2_;
    c_ = ToInt32(t);
    s2_ = t - c_;
    return s2_;
  }

 private:
  static double WrapBelowOne(double s) { return s < 0 ? s + 1 : s; }

  double c_ = 1;
  double s0_ = 0;
  double s1_ = 0;
  double s2_ = 0;
};

std::string NumberForMessage(double x) {
  return std::isfinite(x) ? internal::JsNumberText(x)
                          : (std::isnan(x) ? "NaN" : (x > 0 ? "Infinity" : "-Infinity"));
}

void CheckSteps(const std::vector<std::int64_t>& steps, std::string_view field,
                std::vector<ErrorDetail>& problems) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::int64_t s = steps[i];
    if (s < 0 || s > kMaxStepSeconds || s % 60 != 0) {
      problems.push_back(
          {std::string(field) + "[" + std::to_string(i) + "]",
           "expected a whole number of minutes, in seconds (a multiple of 60 from 0 to " +
               std::to_string(kMaxStepSeconds) + "), as ts-fsrs counts steps in minutes; got " +
               std::to_string(s)});
    }
  }
}

}  // namespace

namespace internal {

double JsRound(double x) {
  const double below = std::floor(x);
  return x - below >= 0.5 ? below + 1 : below;
}

double Round8(double x) { return JsRound(x * 1e8) / 1e8; }

double ToFixed8(double x) {
  if (std::isnan(x) || x == 0) return x;
  if (x < 0) return -ToFixed8(-x);
  const double scaled = x * 1e8;
  // Beyond 2^52 every double is an integer and the exact analysis below is not needed.
  if (scaled >= 4503599627370496.0) return JsRound(scaled) / 1e8;
  // x * 1e8 == scaled + error exactly; round that exact value, halves up.
  const double error = std::fma(x, 1e8, -scaled);
  const double whole = std::floor(scaled);
  const double above_half = (scaled - whole - 0.5) + error;
  return (above_half >= 0 ? whole + 1 : whole) / 1e8;
}

std::string JsNumberText(double x) {
  if (std::isnan(x)) return "NaN";
  if (x == 0) return "0";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x < 0) return "-" + JsNumberText(-x);
  // The shortest digits that read back as x, as "d.ddde±XX".
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  GOCLAW_CHECK(ec == std::errc());
  const std::string_view text(buf, static_cast<std::size_t>(end - buf));
  const std::size_t e_pos = text.find('e');
  std::string digits;
  for (const char c : text.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  const int k = static_cast<int>(digits.size());
  const int n = std::atoi(std::string(text.substr(e_pos + 1)).c_str()) + 1;  // point after n digits
  // ECMAScript Number::toString.
  if (k <= n && n <= 21) return digits + std::string(static_cast<std::size_t>(n - k), '0');
  if (0 < n && n <= 21)
    return digits.substr(0, static_cast<std::size_t>(n)) + "." +
           digits.substr(static_cast<std::size_t>(n));
  if (-6 < n && n <= 0) return "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
  const int exponent = n - 1;
  std::string out = digits.substr(0, 1);
  if (k > 1) out += "." + digits.substr(1);
  out += exponent < 0 ? "e-" : "e+";
  out += std::to_string(std::abs(exponent));
  return out;
}

double AleaFirst(std::string_view seed) { return Alea(seed).Next(); }

}  // namespace internal

std::string_view StateName(State state) {
  switch (state) {
    case State::kNew:
      return "new";
    case State::kLearning:
      return "learning";
    case State::kReview:
      return "review";
    case State::kRelearning:
      return "relearning";
  }
  return "new";
}

double Decay(const Weights& w) { return w[20]; }

double ForgettingCurve(double elapsed_days, double stability, double decay) {
  return Round8(std::pow(1 + DecayFactor(decay) * elapsed_days / stability, -decay));
}

double NextIntervalDays(double stability, double request_retention, double maximum_interval,
                        double decay) {
  return JsRound(
      UnfuzzedInterval(stability, IntervalModifier(request_retention, decay), maximum_interval));
}

double InitialStability(const Weights& w, Rating rating) {
  return std::max(w[static_cast<std::size_t>(rating) - 1], 0.1);
}

double InitialDifficulty(const Weights& w, Rating rating) {
  return Round8(w[4] - std::exp((Grade(rating) - 1) * w[5]) + 1);
}

double NextDifficulty(const Weights& w, double difficulty, Rating rating) {
  const double delta = -w[6] * (Grade(rating) - 3);
  // Linear damping: the change shrinks as D approaches 10.
  const double damped = difficulty + Round8(delta * (10 - difficulty) / 9);
  // Mean reversion towards D0(Easy).
  const double reverted = Round8(w[7] * InitialDifficulty(w, Rating::kEasy) + (1 - w[7]) * damped);
  return Clamp(reverted, 1, 10);
}

double RecallStability(const Weights& w, double difficulty, double stability, double retrievability,
                       Rating rating) {
  const double hard_penalty = rating == Rating::kHard ? w[15] : 1;
  const double easy_bonus = rating == Rating::kEasy ? w[16] : 1;
  const double growth = std::exp(w[8]) * (11 - difficulty) * std::pow(stability, -w[9]) *
                        (std::exp((1 - retrievability) * w[10]) - 1) * hard_penalty * easy_bonus;
  return Round8(Clamp(stability * (1 + growth), kMinStability, kMaxStability));
}

double ForgetStability(const Weights& w, double difficulty, double stability,
                       double retrievability) {
  const double s = w[11] * std::pow(difficulty, -w[12]) * (std::pow(stability + 1, w[13]) - 1) *
                   std::exp((1 - retrievability) * w[14]);
  return Round8(Clamp(s, kMinStability, kMaxStability));
}

double ShortTermStability(const Weights& w, double stability, Rating rating) {
  const double increase =
      std::pow(stability, -w[19]) * std::exp(w[17] * (Grade(rating) - 3 + w[18]));
  // Only Again may lower stability within a day.
  const double masked = rating >= Rating::kHard ? std::max(increase, 1.0) : increase;
  return Round8(Clamp(stability * masked, kMinStability, kMaxStability));
}

std::array<WeightRange, kWeightCount> WeightRanges(const Weights& w,
                                                   std::size_t relearning_step_count,
                                                   bool enable_short_term) {
  std::array<WeightRange, kWeightCount> ranges = {{
      {kMinStability, 100},
      {kMinStability, 100},
      {kMinStability, 100},
      {kMinStability, 100},
      {1, 10},
      {0.001, 4},
      {0.001, 4},
      {0.001, 0.75},
      {0, 4.5},
      {0, 0.8},
      {0.001, 3.5},
      {0.001, 5},
      {0.001, 0.25},
      {0.001, 0.9},
      {0, 4},
      {0, 1},
      {1, 6},
      {0, kShortTermWeightCeiling},
      {0, kShortTermWeightCeiling},
      {enable_short_term ? 0.01 : 0, 0.8},
      {0.1, 0.8},
  }};
  if (relearning_step_count > 1) {
    // Several relearning steps multiply the short-term stability change; ts-fsrs bounds
    // w17 * w18 so that they cannot raise stability above what a lapse leaves.
    const auto clamped = [&](std::size_t i) {
      return Clamp(std::isnan(w[i]) ? 0 : w[i], ranges[i].min, ranges[i].max);
    };
    const double value =
        -(std::log(clamped(11)) + std::log(std::pow(2, clamped(13)) - 1) + clamped(14) * 0.3) /
        static_cast<double>(relearning_step_count);
    const double ceiling =
        Clamp(Round8(std::sqrt(std::max(value, 0.0))), 0.01, kShortTermWeightCeiling);
    ranges[17].max = ceiling;
    ranges[18].max = ceiling;
  }
  return ranges;
}

Weights ClipWeights(const Weights& w, std::size_t relearning_step_count, bool enable_short_term) {
  const auto ranges = WeightRanges(w, relearning_step_count, enable_short_term);
  Weights clipped{};
  for (std::size_t i = 0; i < kWeightCount; ++i) {
    clipped[i] = Clamp(std::isnan(w[i]) ? 0 : w[i], ranges[i].min, ranges[i].max);
  }
  return clipped;
}

// ---------------------------------------------------------------------------------------------
// Scheduler

// ts-fsrs AbstractScheduler's state for one review.
struct Scheduler::ReviewContext {
  Card current;  // the reviewed card with reps + 1, last review = now, elapsed days set
  double elapsed_days = 0;
  std::int64_t now_us = 0;
  std::string fuzz_seed;  // empty unless fuzz is enabled
};

// What the learning steps say for one rating (ts-fsrs getLearningInfo).
struct Scheduler::StepPlan {
  double scheduled_minutes = 0;  // 0: no step; the card graduates to review
  int next_step = 0;
};

Status Scheduler::Validate(const Parameters& p) {
  std::vector<ErrorDetail> problems;
  const auto ranges = WeightRanges(p.w, 0, p.enable_short_term);
  for (std::size_t i = 0; i < kWeightCount; ++i) {
    if (!std::isfinite(p.w[i]) || p.w[i] < ranges[i].min || p.w[i] > ranges[i].max) {
      problems.push_back({"w[" + std::to_string(i) + "]",
                          "expected a number from " + NumberForMessage(ranges[i].min) + " to " +
                              NumberForMessage(ranges[i].max) +
                              " (the range ts-fsrs allows for this weight), got " +
                              NumberForMessage(p.w[i])});
    }
  }
  if (!(p.request_retention > 0 && p.request_retention <= 1)) {
    problems.push_back({"request_retention", "expected a probability in (0, 1], got " +
                                                 NumberForMessage(p.request_retention)});
  }
  if (!(p.maximum_interval >= 1 && p.maximum_interval <= kMaxMaximumInterval)) {
    problems.push_back({"maximum_interval", "expected a number of days from 1 to " +
                                                NumberForMessage(kMaxMaximumInterval) + ", got " +
                                                NumberForMessage(p.maximum_interval)});
  }
  CheckSteps(p.learning_steps_s, "learning_steps_s", problems);
  CheckSteps(p.relearning_steps_s, "relearning_steps_s", problems);
  if (problems.empty()) return OkStatus();
  std::string message = "invalid FSRS parameters: ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (i > 0) message += "; ";
    message += problems[i].path + ": " + problems[i].message;
  }
  return MakeError(Error(ErrorCode::kInvalidArgument, std::move(message), std::move(problems)));
}

Scheduler::Scheduler(Parameters p) : params_(std::move(p)) {
  GOCLAW_CHECK(Validate(params_).has_value());
  params_.w = ClipWeights(params_.w, params_.relearning_steps_s.size(), params_.enable_short_term);
  decay_ = Decay(params_.w);
  interval_modifier_ = IntervalModifier(params_.request_retention, decay_);
}

Result<Scheduler> Scheduler::Create(Parameters p) {
  GOCLAW_RETURN_IF_ERROR(Validate(p));
  return Scheduler(std::move(p));
}

Status Scheduler::ValidateCard(const Card& card) {
  const auto invalid = [](std::string what) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid FSRS card: " + std::move(what));
  };
  const int state = static_cast<int>(card.state);
  if (state < 0 || state > 3) return invalid("state " + std::to_string(state) + " is not 0 to 3");
  if (card.reps < 0 || card.lapses < 0 || card.learning_steps < 0) {
    return invalid("reps, lapses and learning_steps must not be negative");
  }
  if (!std::isfinite(card.stability) || !std::isfinite(card.difficulty) ||
      !std::isfinite(card.scheduled_days) || !std::isfinite(card.elapsed_days)) {
    return invalid("numbers must be finite");
  }
  if (card.state == State::kNew) return OkStatus();
  if (card.stability < kMinStability) {
    return invalid("stability " + NumberForMessage(card.stability) + " is below " +
                   NumberForMessage(kMinStability));
  }
  if (card.difficulty < 1 || card.difficulty > 10) {
    return invalid("difficulty " + NumberForMessage(card.difficulty) + " is outside [1, 10]");
  }
  if (card.last_review_us == 0) return invalid("a reviewed card needs its last review time");
  return OkStatus();
}

Card Scheduler::NewCard(std::int64_t now_us) const {
  Card card;
  card.due_us = now_us;
  return card;
}

double Scheduler::Retrievability(const Card& card, std::int64_t now_us) const {
  if (card.state == State::kNew) return 0;
  const double days =
      static_cast<double>(std::max<std::int64_t>(WholeDaysBetween(card.last_review_us, now_us), 0));
  return ForgettingCurve(days, internal::ToFixed8(card.stability), decay_);
}

Scheduler::MemoryState Scheduler::NextMemoryState(const Card& card, double elapsed_days,
                                                  Rating rating,
                                                  const double* retrievability) const {
  const Weights& w = params_.w;
  const double d = card.difficulty;
  const double s = card.stability;
  if (d == 0 && s == 0) {
    return {Clamp(InitialDifficulty(w, rating), 1, 10), InitialStability(w, rating)};
  }
  const double r =
      retrievability != nullptr ? *retrievability : ForgettingCurve(elapsed_days, s, decay_);
  double next_s = 0;
  if (elapsed_days == 0 && params_.enable_short_term) {
    next_s = ShortTermStability(w, s, rating);
  } else if (rating == Rating::kAgain) {
    const double after_lapse = ForgetStability(w, d, s, r);
    const double w17 = params_.enable_short_term ? w[17] : 0;
    const double w18 = params_.enable_short_term ? w[18] : 0;
    // A lapse never leaves more stability than the relearning steps would add back.
    const double lapse_ceiling = s / std::exp(w17 * w18);
    next_s = Clamp(Round8(lapse_ceiling), kMinStability, after_lapse);
  } else {
    next_s = RecallStability(w, d, s, r, rating);
  }
  return {NextDifficulty(w, d, rating), next_s};
}

double Scheduler::ApplyFuzz(double interval, double elapsed_days,
                            const std::string& fuzz_seed) const {
  if (!params_.enable_fuzz || interval < 2.5) return JsRound(interval);
  const double fuzz_factor = internal::AleaFirst(fuzz_seed);
  const FuzzRange range = FuzzRangeFor(interval, elapsed_days, params_.maximum_interval);
  return std::floor(fuzz_factor * (range.max_interval - range.min_interval + 1) +
                    range.min_interval);
}

double Scheduler::NextInterval(double stability, double elapsed_days,
                               const std::string& fuzz_seed) const {
  return ApplyFuzz(UnfuzzedInterval(stability, interval_modifier_, params_.maximum_interval),
                   elapsed_days, fuzz_seed);
}

Scheduler::StepPlan Scheduler::PlanStep(const Card& current, Rating rating) const {
  const bool relearning = current.state == State::kRelearning || current.state == State::kReview;
  const std::vector<std::int64_t>& steps =
      relearning ? params_.relearning_steps_s : params_.learning_steps_s;
  const int count = static_cast<int>(steps.size());
  const int step = current.learning_steps;
  if (count == 0 || step >= count) return {};
  const auto minutes = [&](int i) {
    return static_cast<double>(steps[static_cast<std::size_t>(i)] / 60);
  };
  StepPlan plan;
  if (current.state == State::kReview) {
    // A lapse enters relearning at the card's step (0 for a card that graduated normally).
    if (rating == Rating::kAgain) plan = {minutes(std::max(0, step)), 0};
  } else {
    switch (rating) {
      case Rating::kAgain:
        plan = {minutes(0), 0};
        break;
      case Rating::kHard:
        plan = {count == 1 ? JsRound(minutes(0) * 1.5) : JsRound((minutes(0) + minutes(1)) / 2),
                step};
        break;
      case Rating::kGood:
        if (step + 1 >= 0 && step + 1 < count && minutes(step + 1) != 0) {
          plan = {JsRound(minutes(step + 1)), step + 1};
        }
        break;
      case Rating::kEasy:
        break;
    }
  }
  plan.scheduled_minutes = std::max(0.0, plan.scheduled_minutes);
  plan.next_step = std::max(0, plan.next_step);
  return plan;
}

void Scheduler::ApplyLearningSteps(const ReviewContext& ctx, Rating rating, State to_state,
                                   Card& next) const {
  const StepPlan plan = PlanStep(ctx.current, rating);
  const auto due_after_minutes = [&](double minutes) {
    return ctx.now_us + static_cast<std::int64_t>(JsRound(minutes)) * kMicrosPerMinute;
  };
  if (plan.scheduled_minutes > 0 && plan.scheduled_minutes < kMinutesPerDay) {
    next.learning_steps = plan.next_step;
    next.scheduled_days = 0;
    next.state = to_state;
    next.due_us = due_after_minutes(plan.scheduled_minutes);
    return;
  }
  next.state = State::kReview;
  if (plan.scheduled_minutes >= kMinutesPerDay) {
    // A step of a day or more: a review card that keeps its step index.
    next.learning_steps = plan.next_step;
    next.due_us = due_after_minutes(plan.scheduled_minutes);
    next.scheduled_days = std::floor(plan.scheduled_minutes / kMinutesPerDay);
    return;
  }
  next.learning_steps = 0;
  const double interval = NextInterval(next.stability, ctx.elapsed_days, ctx.fuzz_seed);
  next.scheduled_days = interval;
  next.due_us = ctx.now_us + static_cast<std::int64_t>(interval) * kMicrosPerDay;
}

Card Scheduler::NextCard(const ReviewContext& ctx, double elapsed_days, Rating rating,
                         const double* retrievability) const {
  Card next = ctx.current;
  const MemoryState memory = NextMemoryState(ctx.current, elapsed_days, rating, retrievability);
  next.difficulty = memory.difficulty;
  next.stability = memory.stability;
  return next;
}

Card Scheduler::ReviewShortTermNewOrLearning(const ReviewContext& ctx, Rating rating,
                                             State to_state) const {
  Card next = NextCard(ctx, ctx.elapsed_days, rating, nullptr);
  ApplyLearningSteps(ctx, rating, to_state, next);
  return next;
}

Card Scheduler::ReviewShortTermReview(const ReviewContext& ctx, Rating rating) const {
  const double t = ctx.elapsed_days;
  const double r = ForgettingCurve(t, ctx.current.stability, decay_);
  if (rating == Rating::kAgain) {
    Card next = NextCard(ctx, t, rating, &r);
    ApplyLearningSteps(ctx, rating, State::kRelearning, next);
    next.lapses += 1;
    return next;
  }
  std::array<Card, 3> cards = {NextCard(ctx, t, Rating::kHard, &r),
                               NextCard(ctx, t, Rating::kGood, &r),
                               NextCard(ctx, t, Rating::kEasy, &r)};
  double hard = NextInterval(cards[0].stability, t, ctx.fuzz_seed);
  double good = NextInterval(cards[1].stability, t, ctx.fuzz_seed);
  hard = std::min(hard, good);
  good = std::max(good, hard + 1);
  const double easy = std::max(NextInterval(cards[2].stability, t, ctx.fuzz_seed), good + 1);
  const std::array<double, 3> intervals = {hard, good, easy};
  const std::size_t chosen =
      static_cast<std::size_t>(rating) - static_cast<std::size_t>(Rating::kHard);
  Card next = cards[chosen];
  next.scheduled_days = intervals[chosen];
  next.due_us = ctx.now_us + static_cast<std::int64_t>(intervals[chosen]) * kMicrosPerDay;
  next.state = State::kReview;
  next.learning_steps = 0;
  return next;
}

Card Scheduler::ReviewLongTerm(const ReviewContext& review, Rating rating) const {
  ReviewContext ctx = review;
  const bool is_new = ctx.current.state == State::kNew;
  double r = 0;
  const double* retrievability = nullptr;
  double t = 0;
  if (is_new) {
    ctx.current.scheduled_days = 0;
    ctx.current.elapsed_days = 0;
  } else {
    t = ctx.elapsed_days;
    r = ForgettingCurve(t, ctx.current.stability, decay_);
    retrievability = &r;
  }
  std::array<Card, 4> cards;
  std::array<double, 4> intervals{};
  for (int g = 1; g <= 4; ++g) {
    const auto i = static_cast<std::size_t>(g - 1);
    cards[i] = NextCard(ctx, t, static_cast<Rating>(g), retrievability);
    intervals[i] = NextInterval(cards[i].stability, t, ctx.fuzz_seed);
  }
  // Better ratings never get shorter intervals.
  intervals[0] = std::min(intervals[0], intervals[1]);
  intervals[1] = std::max(intervals[1], intervals[0] + 1);
  intervals[2] = std::max(intervals[2], intervals[1] + 1);
  intervals[3] = std::max(intervals[3], intervals[2] + 1);
  const auto chosen = static_cast<std::size_t>(rating) - 1;
  Card next = cards[chosen];
  next.scheduled_days = intervals[chosen];
  next.due_us = ctx.now_us + static_cast<std::int64_t>(intervals[chosen]) * kMicrosPerDay;
  next.state = State::kReview;
  next.learning_steps = 0;
  if (!is_new && rating == Rating::kAgain) next.lapses += 1;
  return next;
}

Card Scheduler::Review(const Card& card, std::int64_t now_us, Rating rating) const {
  GOCLAW_DCHECK(ValidateCard(card).has_value());
  ReviewContext ctx;
  ctx.now_us = now_us;
  ctx.current = card;
  double elapsed = 0;
  if (card.state != State::kNew && card.last_review_us != 0) {
    elapsed = static_cast<double>(
        std::max<std::int64_t>(CalendarDaysBetween(card.last_review_us, now_us), 0));
  }
  ctx.elapsed_days = elapsed;
  ctx.current.last_review_us = now_us;
  ctx.current.elapsed_days = elapsed;
  ctx.current.reps += 1;
  if (params_.enable_fuzz) {
    // ts-fsrs DefaultInitSeedStrategy, with D and S from before the review.
    ctx.fuzz_seed = std::to_string(MillisOf(now_us)) + "_" + std::to_string(ctx.current.reps) +
                    "_" + internal::JsNumberText(card.difficulty * card.stability);
  }
  if (!params_.enable_short_term) return ReviewLongTerm(ctx, rating);
  switch (card.state) {
    case State::kNew:
      return ReviewShortTermNewOrLearning(ctx, rating, State::kLearning);
    case State::kLearning:
    case State::kRelearning:
      return ReviewShortTermNewOrLearning(ctx, rating, card.state);
    case State::kReview:
      return ReviewShortTermReview(ctx, rating);
  }
  return ReviewShortTermReview(ctx, rating);
}

}  // namespace goclaw::memory::fsrs
