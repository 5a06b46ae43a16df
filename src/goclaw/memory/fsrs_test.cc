// FSRS formulas against hand-checked values, their monotonicity, the scheduler's state
// machine on small scenarios, parameter validation, and the JavaScript-compatibility helpers.
// The full comparison with ts-fsrs is fsrs_lines_test.cc (tests/fsrs/vectors.json).
#include "goclaw/memory/fsrs.h"

#include <cmath>
#include <cstdint>
#include <random>

#include <gtest/gtest.h>

#include "goclaw/core/time_text.h"

namespace goclaw::memory::fsrs {
namespace {

constexpr std::int64_t kMinuteUs = 60'000'000;
constexpr std::int64_t kDayUs = 86'400'000'000;
const Weights& kW = kDefaultWeights;

std::int64_t At(std::string_view rfc3339) {
  const auto us = ParseRfc3339(rfc3339);
  EXPECT_TRUE(us.has_value()) << rfc3339;
  return us.value_or(0);
}

// ---------------------------------------------------------------------------------------------
// Formulas

TEST(FsrsForgettingCurve, IsNinetyPercentAfterStabilityDaysForAnyDecay) {
  for (const double decay : {0.1, 0.1542, 0.2, 0.5, 0.8}) {
    for (const double s : {0.01, 1.0, 2.3065, 37.5, 36500.0}) {
      EXPECT_DOUBLE_EQ(ForgettingCurve(s, s, decay), 0.9) << "decay " << decay << " s " << s;
    }
  }
}

TEST(FsrsForgettingCurve, MatchesTheFormulaByHand) {
  // factor = 0.9^(-1/0.1542) - 1 = 0.98034649 (8 decimals); R = (1 + factor * 15 / 5.92)^-0.1542.
  EXPECT_DOUBLE_EQ(ForgettingCurve(15, 5.92, 0.1542), 0.82491997);
  // FSRS-5 decay 0.5: factor = 0.9^-2 - 1 = 19/81.
  const double factor = std::round((std::pow(0.9, -1 / 0.5) - 1) * 1e8) / 1e8;
  EXPECT_NEAR(ForgettingCurve(10, 1, 0.5), std::pow(1 + factor * 10, -0.5), 1e-8);
  EXPECT_DOUBLE_EQ(ForgettingCurve(0, 3, 0.1542), 1.0);
}

TEST(FsrsForgettingCurve, FallsWithTimeAndRisesWithStability) {
  double previous = 1.0;
  for (double t = 0.5; t < 1000; t *= 1.7) {
    const double r = ForgettingCurve(t, 10, Decay(kW));
    EXPECT_LT(r, previous) << t;
    EXPECT_GT(r, 0);
    previous = r;
  }
  previous = 0;
  for (double s = 0.01; s < 36500; s *= 2.3) {
    const double r = ForgettingCurve(30, s, Decay(kW));
    EXPECT_GT(r, previous) << s;
    previous = r;
  }
}

TEST(FsrsNextInterval, AtNinetyPercentRetentionIsTheStabilityRounded) {
  for (const double s : {1.0, 2.3065, 8.2956, 10.2, 99.7, 1234.4}) {
    EXPECT_EQ(NextIntervalDays(s, 0.9, 36500, Decay(kW)), std::round(s)) << s;
  }
}

TEST(FsrsNextInterval, IsClampedToOneDayAndTheMaximum) {
  EXPECT_EQ(NextIntervalDays(0.01, 0.9, 36500, Decay(kW)), 1);
  EXPECT_EQ(NextIntervalDays(0.3, 0.99, 36500, Decay(kW)), 1);
  EXPECT_EQ(NextIntervalDays(5000, 0.9, 365, Decay(kW)), 365);
  EXPECT_EQ(NextIntervalDays(5000, 1.0, 365, Decay(kW)), 1);  // retention 1: never wait
  // ts-fsrs rounds a fractional maximum half up.
  EXPECT_EQ(NextIntervalDays(5000, 0.9, 180.5, Decay(kW)), 181);
}

TEST(FsrsNextInterval, HigherRetentionMeansShorterIntervals) {
  double previous = 1e9;
  for (const double r : {0.5, 0.7, 0.8, 0.9, 0.95, 0.99}) {
    const double interval = NextIntervalDays(500, r, 36500, Decay(kW));
    EXPECT_LT(interval, previous) << r;
    previous = interval;
  }
}

TEST(FsrsInitialState, StabilityIsTheRatingsWeightAtLeastOneTenth) {
  EXPECT_EQ(InitialStability(kW, Rating::kAgain), kW[0]);
  EXPECT_EQ(InitialStability(kW, Rating::kHard), kW[1]);
  EXPECT_EQ(InitialStability(kW, Rating::kGood), kW[2]);
  EXPECT_EQ(InitialStability(kW, Rating::kEasy), kW[3]);
  Weights w = kW;
  w[0] = 0.05;
  EXPECT_EQ(InitialStability(w, Rating::kAgain), 0.1);
}

TEST(FsrsInitialState, DifficultyIsW4MinusExpPlusOne) {
  // D0(G) = w4 - e^((G-1) w5) + 1, by hand with w4 = 6.4133, w5 = 0.8334.
  EXPECT_DOUBLE_EQ(InitialDifficulty(kW, Rating::kAgain), 6.4133);
  EXPECT_DOUBLE_EQ(InitialDifficulty(kW, Rating::kHard), 5.11217071);
  EXPECT_DOUBLE_EQ(InitialDifficulty(kW, Rating::kGood), 2.11810397);
  EXPECT_DOUBLE_EQ(InitialDifficulty(kW, Rating::kEasy), -4.7716307);  // clamped only for a card
}

TEST(FsrsDifficulty, MovesWithTheRatingWithinOneToTen) {
  // Values from ts-fsrs next_difficulty.
  EXPECT_DOUBLE_EQ(NextDifficulty(kW, 5, Rating::kAgain), 8.34176237);
  EXPECT_DOUBLE_EQ(NextDifficulty(kW, 5, Rating::kGood), 4.99022837);
  EXPECT_DOUBLE_EQ(NextDifficulty(kW, 5, Rating::kEasy), 3.31446137);
  EXPECT_DOUBLE_EQ(NextDifficulty(kW, 9.9, Rating::kAgain), 9.95235905);
  for (double d = 1; d <= 10; d += 0.5) {
    const double again = NextDifficulty(kW, d, Rating::kAgain);
    const double hard = NextDifficulty(kW, d, Rating::kHard);
    const double good = NextDifficulty(kW, d, Rating::kGood);
    const double easy = NextDifficulty(kW, d, Rating::kEasy);
    EXPECT_GE(again, hard);
    EXPECT_GE(hard, good);
    EXPECT_GE(good, easy);
    for (const double x : {again, hard, good, easy}) {
      EXPECT_GE(x, 1);
      EXPECT_LE(x, 10);
    }
  }
}

TEST(FsrsStability, RecallGrowsMoreForBetterRatingsAndLapsesShrink) {
  EXPECT_DOUBLE_EQ(RecallStability(kW, 5, 10, 0.9, Rating::kHard), 23.24687511);
  EXPECT_DOUBLE_EQ(RecallStability(kW, 5, 10, 0.9, Rating::kGood), 32.02672948);
  EXPECT_DOUBLE_EQ(RecallStability(kW, 5, 10, 0.9, Rating::kEasy), 51.25386165);
  EXPECT_DOUBLE_EQ(ForgetStability(kW, 5, 10, 0.9), 1.39198697);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> d_dist(1, 10), s_dist(0.1, 3000), r_dist(0.3, 0.99);
  for (int i = 0; i < 500; ++i) {
    const double d = d_dist(rng), s = s_dist(rng), r = r_dist(rng);
    const double hard = RecallStability(kW, d, s, r, Rating::kHard);
    const double good = RecallStability(kW, d, s, r, Rating::kGood);
    const double easy = RecallStability(kW, d, s, r, Rating::kEasy);
    EXPECT_GE(hard, s * 0.999) << d << " " << s << " " << r;
    EXPECT_LE(hard, good);
    EXPECT_LE(good, easy);
    EXPECT_LE(ForgetStability(kW, d, s, r), s);
    // Forgetting later (lower R) is remembered more: recall grows more.
    EXPECT_GE(RecallStability(kW, d, s, r * 0.9, Rating::kGood), good);
  }
}

TEST(FsrsStability, SameDayReviewsOnlyLowerStabilityOnAgain) {
  EXPECT_DOUBLE_EQ(ShortTermStability(kW, 10, Rating::kAgain), 3.05124894);
  EXPECT_DOUBLE_EQ(ShortTermStability(kW, 10, Rating::kHard), 10);
  EXPECT_DOUBLE_EQ(ShortTermStability(kW, 10, Rating::kGood), 10);
  EXPECT_DOUBLE_EQ(ShortTermStability(kW, 10, Rating::kEasy), 15.53430795);
  for (double s = 0.01; s < 1000; s *= 3) {
    EXPECT_LT(ShortTermStability(kW, s, Rating::kAgain), s);
    EXPECT_GE(ShortTermStability(kW, s, Rating::kGood), internal::Round8(s));
  }
}

// ---------------------------------------------------------------------------------------------
// Scheduler

TEST(FsrsScheduler, ANewCardWalksTheLearningSteps) {
  const Scheduler scheduler;
  const std::int64_t t0 = At("2026-03-01T09:00:00Z");
  const Card fresh = scheduler.NewCard(t0);
  EXPECT_EQ(fresh.state, State::kNew);
  EXPECT_EQ(fresh.due_us, t0);

  const Card again = scheduler.Review(fresh, t0, Rating::kAgain);
  EXPECT_EQ(again.state, State::kLearning);
  EXPECT_EQ(again.due_us, t0 + 1 * kMinuteUs);  // first step, 1m
  EXPECT_EQ(again.stability, kW[0]);
  EXPECT_DOUBLE_EQ(again.difficulty, 6.4133);

  const Card hard = scheduler.Review(fresh, t0, Rating::kHard);
  EXPECT_EQ(hard.due_us, t0 + 6 * kMinuteUs);  // (1m + 10m) / 2, rounded half up

  const Card good = scheduler.Review(fresh, t0, Rating::kGood);
  EXPECT_EQ(good.state, State::kLearning);
  EXPECT_EQ(good.learning_steps, 1);
  EXPECT_EQ(good.due_us, t0 + 10 * kMinuteUs);
  EXPECT_EQ(good.reps, 1);
  EXPECT_EQ(good.last_review_us, t0);

  // Good on the last step graduates; a same-day review keeps stability for Good.
  const Card graduated = scheduler.Review(good, good.due_us, Rating::kGood);
  EXPECT_EQ(graduated.state, State::kReview);
  EXPECT_EQ(graduated.learning_steps, 0);
  EXPECT_EQ(graduated.stability, good.stability);
  EXPECT_EQ(graduated.scheduled_days, std::round(good.stability));
  EXPECT_EQ(graduated.due_us,
            good.due_us + static_cast<std::int64_t>(graduated.scheduled_days) * kDayUs);

  const Card easy = scheduler.Review(fresh, t0, Rating::kEasy);
  EXPECT_EQ(easy.state, State::kReview);
  EXPECT_EQ(easy.scheduled_days, 8);  // S0(Easy) = 8.2956 days
}

TEST(FsrsScheduler, ALapseRelearnsAndCounts) {
  const Scheduler scheduler;
  const std::int64_t t0 = At("2026-03-01T09:00:00Z");
  const Card review = scheduler.Review(scheduler.NewCard(t0), t0, Rating::kEasy);
  const std::int64_t later = review.due_us + 3 * kDayUs;
  const Card lapsed = scheduler.Review(review, later, Rating::kAgain);
  EXPECT_EQ(lapsed.state, State::kRelearning);
  EXPECT_EQ(lapsed.lapses, 1);
  EXPECT_EQ(lapsed.due_us, later + 10 * kMinuteUs);
  EXPECT_LT(lapsed.stability, review.stability);
  EXPECT_GT(lapsed.difficulty, review.difficulty);
  EXPECT_EQ(lapsed.elapsed_days, 11);

  const Card relearned = scheduler.Review(lapsed, lapsed.due_us, Rating::kGood);
  EXPECT_EQ(relearned.state, State::kReview);
  EXPECT_EQ(relearned.lapses, 1);
}

TEST(FsrsScheduler, IntervalsGrowWithTheRatingInReview) {
  for (const bool short_term : {true, false}) {
    Parameters p;
    p.enable_short_term = short_term;
    const Scheduler scheduler(p);
    const std::int64_t t0 = At("2026-03-01T09:00:00Z");
    Card card = scheduler.Review(scheduler.NewCard(t0), t0, Rating::kGood);
    card = scheduler.Review(card, t0 + 3 * kDayUs, Rating::kGood);
    const std::int64_t now = card.due_us;
    double previous = 0;
    for (const Rating r : {Rating::kHard, Rating::kGood, Rating::kEasy}) {
      const Card next = scheduler.Review(card, now, r);
      EXPECT_EQ(next.state, State::kReview);
      EXPECT_GT(next.scheduled_days, previous) << short_term;
      previous = next.scheduled_days;
    }
  }
}

TEST(FsrsScheduler, LongTermSchedulingSkipsLearningSteps) {
  Parameters p;
  p.enable_short_term = false;
  const Scheduler scheduler(p);
  const std::int64_t t0 = At("2026-03-01T09:00:00Z");
  const Card fresh = scheduler.NewCard(t0);
  const Card again = scheduler.Review(fresh, t0, Rating::kAgain);
  const Card hard = scheduler.Review(fresh, t0, Rating::kHard);
  EXPECT_EQ(again.state, State::kReview);
  EXPECT_EQ(again.scheduled_days, 1);
  EXPECT_EQ(again.lapses, 0);         // a new card cannot lapse
  EXPECT_EQ(hard.scheduled_days, 2);  // at least one more than Again
}

TEST(FsrsScheduler, ElapsedDaysCountCalendarDaysButRetrievabilityWholeDays) {
  const Scheduler scheduler;
  const std::int64_t evening = At("2026-03-01T23:59:00Z");
  Card card = scheduler.Review(scheduler.NewCard(evening), evening, Rating::kEasy);
  const std::int64_t morning = At("2026-03-02T00:01:00Z");
  // Two minutes later, but the next UTC day: ts-fsrs schedules with one elapsed day...
  EXPECT_EQ(scheduler.Review(card, morning, Rating::kGood).elapsed_days, 1);
  // ...while get_retrievability counts whole days, none yet.
  EXPECT_EQ(scheduler.Retrievability(card, morning), 1.0);
  EXPECT_LT(scheduler.Retrievability(card, evening + kDayUs), 1.0);
}

TEST(FsrsScheduler, RetrievabilityIsZeroForNewCardsAndNinetyPercentAtStability) {
  const Scheduler scheduler;
  const std::int64_t t0 = At("2026-03-01T09:00:00Z");
  const Card fresh = scheduler.NewCard(t0);
  EXPECT_EQ(scheduler.Retrievability(fresh, t0 + 10 * kDayUs), 0);
  Card card = scheduler.Review(fresh, t0, Rating::kEasy);
  card.stability = 20;  // a whole number of days, so R(S) is exactly the 90% point
  EXPECT_EQ(scheduler.Retrievability(card, t0), 1.0);
  EXPECT_DOUBLE_EQ(scheduler.Retrievability(card, t0 + 20 * kDayUs), 0.9);
  EXPECT_EQ(scheduler.Retrievability(card, t0 - kDayUs), 1.0);  // the past counts as now
}

TEST(FsrsScheduler, FuzzKeepsIntervalsNearTheUnfuzzedOne) {
  Parameters fuzzed;
  fuzzed.enable_fuzz = true;
  const Scheduler with_fuzz(fuzzed);
  const Scheduler without_fuzz;
  std::int64_t t = At("2026-03-01T09:00:00Z");
  int differed = 0;
  for (int i = 0; i < 200; ++i) {
    t += 997 * kMinuteUs;
    Card a = with_fuzz.Review(with_fuzz.NewCard(t), t, Rating::kEasy);
    Card b = without_fuzz.Review(without_fuzz.NewCard(t), t, Rating::kEasy);
    a = with_fuzz.Review(a, a.due_us, Rating::kGood);
    b = without_fuzz.Review(b, a.last_review_us, Rating::kGood);
    EXPECT_EQ(a.stability, b.stability);
    EXPECT_NEAR(a.scheduled_days, b.scheduled_days, 0.15 * b.scheduled_days + 1);
    differed += a.scheduled_days != b.scheduled_days;
  }
  EXPECT_GT(differed, 50);
}

TEST(FsrsScheduler, StepsOfADayOrMoreScheduleReviewCards) {
  Parameters p;
  p.learning_steps_s = {600, 2 * 86400};
  const Scheduler scheduler(p);
  const std::int64_t t0 = At("2026-03-01T09:00:00Z");
  const Card good = scheduler.Review(scheduler.NewCard(t0), t0, Rating::kGood);
  EXPECT_EQ(good.state, State::kReview);
  EXPECT_EQ(good.scheduled_days, 2);
  EXPECT_EQ(good.learning_steps, 1);
  EXPECT_EQ(good.due_us, t0 + 2 * kDayUs);
}

TEST(FsrsScheduler, NoLearningStepsGraduateAtOnce) {
  Parameters p;
  p.learning_steps_s = {};
  p.relearning_steps_s = {};
  const Scheduler scheduler(p);
  const std::int64_t t0 = At("2026-03-01T09:00:00Z");
  const Card again = scheduler.Review(scheduler.NewCard(t0), t0, Rating::kAgain);
  EXPECT_EQ(again.state, State::kReview);
  EXPECT_EQ(again.scheduled_days, 1);
  const Card lapsed = scheduler.Review(again, again.due_us, Rating::kAgain);
  EXPECT_EQ(lapsed.state, State::kReview);
  EXPECT_EQ(lapsed.lapses, 1);
}

// ---------------------------------------------------------------------------------------------
// Parameters

TEST(FsrsParameters, DefaultsAreValid) {
  EXPECT_TRUE(Scheduler::Create({}).has_value());
  Parameters p;
  p.request_retention = 1;
  EXPECT_TRUE(Scheduler::Create(p).has_value());
}

TEST(FsrsParameters, BadValuesAreRejectedNamingTheField) {
  struct Case {
    void (*change)(Parameters&);
    std::string_view field;
  };
  const Case cases[] = {
      {[](Parameters& p) { p.request_retention = 0; }, "request_retention"},
      {[](Parameters& p) { p.request_retention = 1.5; }, "request_retention"},
      {[](Parameters& p) { p.request_retention = std::nan(""); }, "request_retention"},
      {[](Parameters& p) { p.maximum_interval = 0.5; }, "maximum_interval"},
      {[](Parameters& p) { p.maximum_interval = INFINITY; }, "maximum_interval"},
      {[](Parameters& p) { p.w[4] = 11; }, "w[4]"},
      {[](Parameters& p) { p.w[0] = -1; }, "w[0]"},
      {[](Parameters& p) { p.w[20] = 0.05; }, "w[20]"},
      {[](Parameters& p) { p.w[13] = std::nan(""); }, "w[13]"},
      {[](Parameters& p) {
         p.learning_steps_s = {60, 90};
       },
       "learning_steps_s[1]"},
      {[](Parameters& p) { p.relearning_steps_s = {-60}; }, "relearning_steps_s[0]"},
  };
  for (const Case& c : cases) {
    Parameters p;
    c.change(p);
    const Result<Scheduler> s = Scheduler::Create(p);
    ASSERT_FALSE(s.has_value()) << c.field;
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message().find(std::string(c.field) + ":"), std::string::npos)
        << s.error().message();
    ASSERT_EQ(s.error().details().size(), 1u);
    EXPECT_EQ(s.error().details()[0].path, c.field);
  }
}

TEST(FsrsParameters, ShortTermWeightW19MayBeZeroOnlyWithoutShortTerm) {
  Parameters p;
  p.w[19] = 0;
  EXPECT_FALSE(Scheduler::Create(p).has_value());
  p.enable_short_term = false;
  EXPECT_TRUE(Scheduler::Create(p).has_value());
}

TEST(FsrsParameters, SeveralRelearningStepsLowerTheW17Ceiling) {
  Parameters p;
  p.relearning_steps_s = {600, 1200, 1800};
  const Result<Scheduler> s = Scheduler::Create(p);
  ASSERT_TRUE(s.has_value());
  EXPECT_DOUBLE_EQ(s->params().w[17],
                   0.49027301);  // ts-fsrs: sqrt(-(ln w11 + ln(2^w13 - 1) + 0.3 w14) / 3)
  EXPECT_EQ(s->params().w[18], kW[18]);
  EXPECT_EQ(s->params().w[16], kW[16]);
  EXPECT_EQ(ClipWeights(kW, 1, true), kW);
}

TEST(FsrsCard, ValidateRejectsImpossibleCards) {
  const Scheduler scheduler;
  const std::int64_t t0 = At("2026-03-01T09:00:00Z");
  const Card good = scheduler.Review(scheduler.NewCard(t0), t0, Rating::kGood);
  EXPECT_TRUE(Scheduler::ValidateCard(good).has_value());
  EXPECT_TRUE(Scheduler::ValidateCard(scheduler.NewCard(t0)).has_value());
  Card bad = good;
  bad.difficulty = 0.5;
  EXPECT_FALSE(Scheduler::ValidateCard(bad).has_value());
  bad = good;
  bad.stability = 0;
  EXPECT_FALSE(Scheduler::ValidateCard(bad).has_value());
  bad = good;
  bad.last_review_us = 0;
  EXPECT_FALSE(Scheduler::ValidateCard(bad).has_value());
  bad = good;
  bad.reps = -1;
  EXPECT_FALSE(Scheduler::ValidateCard(bad).has_value());
}

TEST(FsrsStateName, NamesEveryState) {
  EXPECT_EQ(StateName(State::kNew), "new");
  EXPECT_EQ(StateName(State::kLearning), "learning");
  EXPECT_EQ(StateName(State::kReview), "review");
  EXPECT_EQ(StateName(State::kRelearning), "relearning");
}

// ---------------------------------------------------------------------------------------------
// JavaScript compatibility

TEST(FsrsJavaScript, MathRoundRoundsHalvesUp) {
  EXPECT_EQ(internal::JsRound(2.5), 3);
  EXPECT_EQ(internal::JsRound(-2.5), -2);
  EXPECT_EQ(internal::JsRound(0.49999999999999994), 0);  // floor(x + 0.5) would give 1
  EXPECT_EQ(internal::JsRound(-0.2), 0);
  EXPECT_EQ(internal::Round8(0.123456785), 0.12345679);
}

TEST(FsrsJavaScript, ToFixedRoundsTheExactValueHalfUp) {
  EXPECT_EQ(internal::ToFixed8(0.001953125),
            0.00195313);  // an exact tie: printf would round to even
  EXPECT_EQ(internal::ToFixed8(8.2956), 8.2956);
  EXPECT_EQ(internal::ToFixed8(1.000000005), 1.0);  // the double is just below the half
  EXPECT_EQ(internal::ToFixed8(143.77600045), 143.77600045);
}

TEST(FsrsJavaScript, NumberTextIsWhatStringGives) {
  EXPECT_EQ(internal::JsNumberText(0), "0");
  EXPECT_EQ(internal::JsNumberText(100), "100");
  EXPECT_EQ(internal::JsNumberText(1e21), "1e+21");
  EXPECT_EQ(internal::JsNumberText(1.5e-7), "1.5e-7");
  EXPECT_EQ(internal::JsNumberText(123e-20), "1.23e-18");
  EXPECT_EQ(internal::JsNumberText(0.000001), "0.000001");
  EXPECT_EQ(internal::JsNumberText(-2.5), "-2.5");
  EXPECT_EQ(internal::JsNumberText(8.2956 * 143.77600045), "1192.70818933302");
  EXPECT_EQ(internal::JsNumberText(123456789012345680000.0), "123456789012345680000");
}

TEST(FsrsJavaScript, AleaMatchesTsFsrs) {
  // alea(seed)() as ts-fsrs computes it.
  EXPECT_EQ(internal::AleaFirst(""), 0.1666577742435038);
  EXPECT_EQ(internal::AleaFirst("0"), 0.5945264333859086);
  EXPECT_EQ(internal::AleaFirst("1700000000000_1_0"), 0.3023136421106756);
  EXPECT_EQ(internal::AleaFirst("1684392605632_2_8.2956"), 0.3421771938446909);
  EXPECT_EQ(internal::AleaFirst("hello"), 0.8750656815245748);
}

}  // namespace
}  // namespace goclaw::memory::fsrs
