// FSRS-6, the Free Spaced Repetition Scheduler, computed exactly as the npm package ts-fsrs 5.x
// computes it (5.4.2 when written; tests/fsrs/vectors.json holds its outputs and
// fsrs_lines_test.cc replays them), so a card scheduled here and one scheduled by a ts-fsrs
// client agree on every number.
//
// A memory item keeps a `Card`: stability S (days until recall probability falls to 90%),
// difficulty D in [1, 10], a learning state and the due time. `Scheduler::Review` turns a card
// and a rating into the next card, like ts-fsrs's `fsrs(params).next(card, now, rating).card`.
//
// What "exactly" takes, beyond the published formulas:
//   - ts-fsrs rounds most intermediate results to 8 decimals (Math.round(x * 1e8) / 1e8, ties
//     toward +infinity) and so do we, at the same points, with the same operation order.
//   - Two different day counts: scheduling counts UTC calendar days between the last review
//     and now (23:59 -> 00:01 is one day), while `Retrievability` counts whole 24-hour periods
//     (floor of the difference). Times are compared at millisecond precision, as JavaScript
//     Dates hold them.
//   - Learning steps are whole minutes ("1m", "10m" in ts-fsrs); here they are seconds and must
//     be multiples of 60.
//   - Fuzz uses ts-fsrs's Alea generator seeded with "<review ms>_<reps>_<D*S as JavaScript
//     prints it>", so fuzzed intervals match too.
// Results could differ from ts-fsrs in the last bit where V8's exp/log/pow and the C library's
// differ by an ulp; the 8-decimal rounding hides that: every number of the vectors is equal.
//
// Decay convention: ts-fsrs stores the forgetting curve's exponent as -w[20]. Here `decay` is
// always the positive w[20] (0.1542 by default) and R(t, S) = (1 + factor * t / S)^(-decay).
//
// Unlike ts-fsrs, which silently clips out-of-range weights, `Scheduler::Create` rejects
// them (`ClipWeights` offers ts-fsrs's clipping to callers who want it). Like ts-fsrs, the
// ceiling on w[17] and w[18] shrinks when there is more than one relearning step; that one is
// applied, not rejected, because the defaults themselves exceed it at three steps.
//
// Thread-safety: plain values and pure functions; a Scheduler is immutable after construction
// and may be shared between threads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "goclaw/core/status.h"

namespace goclaw::memory::fsrs {

inline constexpr std::size_t kWeightCount = 21;
using Weights = std::array<double, kWeightCount>;

// ts-fsrs default_w (FSRS-6).
inline constexpr Weights kDefaultWeights = {0.212,  1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194,
                                            0.001,  1.8722, 0.1666, 0.796,  1.4835, 0.0614, 0.2629,
                                            1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542};

// Stability bounds (ts-fsrs S_MIN, S_MAX), in days.
inline constexpr double kMinStability = 0.001;
inline constexpr double kMaxStability = 36500;

enum class Rating : int { kAgain = 1, kHard = 2, kGood = 3, kEasy = 4 };
enum class State : int { kNew = 0, kLearning = 1, kReview = 2, kRelearning = 3 };

// "new", "learning", "review", "relearning".
std::string_view StateName(State state);

struct Parameters {
  Weights w = kDefaultWeights;
  double request_retention = 0.9;   // (0, 1]
  double maximum_interval = 36500;  // days, [1, kMaxMaximumInterval]
  bool enable_fuzz = false;
  // true: ts-fsrs's BasicScheduler (learning steps, same-day reviews change stability);
  // false: its LongTermScheduler (every rating schedules whole days).
  bool enable_short_term = true;
  std::vector<std::int64_t> learning_steps_s = {60, 600};  // ts-fsrs "1m", "10m"
  std::vector<std::int64_t> relearning_steps_s = {600};    // "10m"
};

// Upper bound accepted for Parameters::maximum_interval (ts-fsrs has none; intervals beyond
// this are meaningless and would push due dates past what timestamps hold).
inline constexpr double kMaxMaximumInterval = 1e6;
// Upper bound for one learning step.
inline constexpr std::int64_t kMaxStepSeconds = 365LL * 86400;

// Kept per memory item; times are microseconds since the Unix epoch (UTC).
struct Card {
  double stability = 0;
  double difficulty = 0;
  State state = State::kNew;
  int reps = 0;
  int lapses = 0;
  int learning_steps = 0;  // index of the current (re)learning step
  double scheduled_days = 0;
  double elapsed_days = 0;  // calendar days between the last two reviews
  std::int64_t due_us = 0;
  std::int64_t last_review_us = 0;  // 0: never reviewed

  friend bool operator==(const Card&, const Card&) = default;
};

// The forgetting curve's decay as a positive number: w[20].
double Decay(const Weights& w);

// Retrievability after `elapsed_days` (may be fractional) of a memory of `stability` days:
// ts-fsrs forgetting_curve, rounded to 8 decimals. `decay` is positive (see above).
double ForgettingCurve(double elapsed_days, double stability, double decay);

// The interval in whole days after which retrievability falls to `request_retention`, clamped
// to [1, maximum_interval]: ts-fsrs next_interval without fuzz.
double NextIntervalDays(double stability, double request_retention, double maximum_interval,
                        double decay);

// The memory-state formulas, as ts-fsrs's FSRSAlgorithm computes them with weights `w`.
double InitialStability(const Weights& w, Rating rating);   // max(w[g-1], 0.1)
double InitialDifficulty(const Weights& w, Rating rating);  // w4 - e^((g-1) w5) + 1, unclamped
double NextDifficulty(const Weights& w, double difficulty, Rating rating);
double RecallStability(const Weights& w, double difficulty, double stability, double retrievability,
                       Rating rating);
double ForgetStability(const Weights& w, double difficulty, double stability,
                       double retrievability);
double ShortTermStability(const Weights& w, double stability, Rating rating);

// The range ts-fsrs clips each weight to (CLAMP_PARAMETERS), including its ceiling on w[17]
// and w[18] when there is more than one relearning step.
struct WeightRange {
  double min;
  double max;
};
std::array<WeightRange, kWeightCount> WeightRanges(const Weights& w,
                                                   std::size_t relearning_step_count,
                                                   bool enable_short_term);
// ts-fsrs clipParameters: every weight clamped into WeightRanges.
Weights ClipWeights(const Weights& w, std::size_t relearning_step_count, bool enable_short_term);

class Scheduler {
 public:
  // `p` must be valid (GOCLAW_CHECK): for literal parameters. Use Create for parameters that
  // come from outside.
  explicit Scheduler(Parameters p = {});

  // kInvalidArgument naming the field and the accepted range when a value is out of range:
  // a weight non-finite or outside ts-fsrs's range for it, request_retention outside (0, 1],
  // maximum_interval outside [1, kMaxMaximumInterval], a step negative, above a year or not a
  // whole number of minutes.
  static Result<Scheduler> Create(Parameters p);
  static Status Validate(const Parameters& p);

  // A card never reviewed, due at `now_us` (ts-fsrs createEmptyCard).
  Card NewCard(std::int64_t now_us) const;

  // The card after reviewing `card` at `now_us` with `rating`: ts-fsrs `next(card, now,
  // rating).card`. `card` must come from NewCard or Review (see ValidateCard). A review dated
  // before the last one counts as on the same day (ts-fsrs throws when it is a calendar day
  // earlier).
  Card Review(const Card& card, std::int64_t now_us, Rating rating) const;

  // Probability of recall at `now_us`: ts-fsrs get_retrievability(card, now, false); 0 for a
  // new card.
  double Retrievability(const Card& card, std::int64_t now_us) const;

  // The parameters in use: as given, except w[17] and w[18] clipped like ts-fsrs does for
  // several relearning steps.
  const Parameters& params() const { return params_; }

  // kInvalidArgument when `card` could not have come from a Scheduler (a card read from
  // storage, say): counters negative, a reviewed card without stability >= kMinStability and
  // difficulty in [1, 10], a review time missing.
  static Status ValidateCard(const Card& card);

 private:
  struct MemoryState {
    double difficulty;
    double stability;
  };
  struct ReviewContext;
  struct StepPlan;

  MemoryState NextMemoryState(const Card& card, double elapsed_days, Rating rating,
                              const double* retrievability) const;
  double NextInterval(double stability, double elapsed_days, const std::string& fuzz_seed) const;
  double ApplyFuzz(double interval, double elapsed_days, const std::string& fuzz_seed) const;
  StepPlan PlanStep(const Card& current, Rating rating) const;
  void ApplyLearningSteps(const ReviewContext& ctx, Rating rating, State to_state,
                          Card& next) const;
  Card NextCard(const ReviewContext& ctx, double elapsed_days, Rating rating,
                const double* retrievability) const;

  Card ReviewShortTermNewOrLearning(const ReviewContext& ctx, Rating rating, State to_state) const;
  Card ReviewShortTermReview(const ReviewContext& ctx, Rating rating) const;
  Card ReviewLongTerm(const ReviewContext& ctx, Rating rating) const;

  Parameters params_;
  double decay_;              // w[20], positive
  double interval_modifier_;  // ts-fsrs intervalModifier
};

// Internals exposed for tests (fsrs_test.cc); not API.
namespace internal {
// JavaScript Math.round: nearest integer, halves toward +infinity.
double JsRound(double x);
// ts-fsrs roundTo(x, 8).
double Round8(double x);
// JavaScript +x.toFixed(8): the exact decimal value rounded half up.
double ToFixed8(double x);
// JavaScript String(x) for a finite double.
std::string JsNumberText(double x);
// The first number of ts-fsrs's alea(seed) generator.
double AleaFirst(std::string_view seed);
}  // namespace internal

}  // namespace goclaw::memory::fsrs
