// Writes the FSRS-6 test vectors (vectors.json) that src/goclaw/memory/fsrs_lines_test.cc
// replays through FsrsLine. Every expected value comes from ts-fsrs itself (the version pinned
// in package-lock.json); the inputs are in the JSON-lines op format of
// src/goclaw/memory/fsrs_lines.h, so each case's `input` is one line the C++ side accepts.
//
// Deterministic: the only randomness is the seeded generator below, and the output does not
// depend on the machine's time zone or clock.
//
//   cd tests/fsrs && npm ci && node generate_vectors.mjs > vectors.json
import {
  CLAMP_PARAMETERS,
  FSRSVersion,
  Rating,
  State,
  createEmptyCard,
  default_w,
  forgetting_curve,
  fsrs,
} from 'ts-fsrs';

// A small seeded generator (splitmix32-style mixing of a counter); deterministic across
// machines because it only uses 32-bit integer arithmetic.
function makeRandom(seed) {
  let counter = seed >>> 0;
  const next = () => {
    counter = (counter + 0x9e3779b9) >>> 0;
    let z = counter;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
  return {
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),  // inclusive
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    // Log-uniform: as many small values as large ones.
    logUniform: (lo, hi) => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * next()),
  };
}

const rnd = makeRandom(20260101);
const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const DEFAULT_DECAY = default_w[20];

const roundDigits = (x, digits) => Number(x.toFixed(digits));

// Stabilities from S_MIN to S_MAX, as many small as large, with 2 to 8 decimals.
function randomStability() {
  const s = roundDigits(rnd.logUniform(0.001, 36500), rnd.pick([2, 4, 8]));
  return s > 0 ? s : 0.001;
}

function retrievabilityCases(count) {
  const cases = [];
  for (let i = 0; i < count; i++) {
    const stability = randomStability();
    let t;
    switch (i % 4) {
      case 0: t = rnd.int(0, Math.max(1, Math.ceil(stability * 3))); break;  // whole days
      case 1: t = roundDigits(rnd.uniform(0, stability * 5), 6); break;      // fractional days
      case 2: t = stability; break;                                          // R(S) = 0.9
      default: t = rnd.int(0, 100000); break;                                // far past S
    }
    const input = { op: 'retrievability', t, s: stability };
    let decay = DEFAULT_DECAY;
    if (i % 3 !== 0) {
      decay = roundDigits(rnd.uniform(0.1, 0.8), rnd.pick([4, 8]));
      input.decay = decay;
    }
    cases.push({
      name: `retrievability-${i}`,
      input,
      expected: { r: forgetting_curve(decay, t, stability) },
    });
  }
  return cases;
}

function intervalCases(count) {
  const retentions = [0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99, 0.999, 1];
  const maximums = [36500, 365, 100, 30, 2, 1000, 180.5];
  const cases = [];
  for (let i = 0; i < count; i++) {
    const s = randomStability();
    const input = { op: 'interval', s };
    const params = {};
    if (i % 4 !== 0) {
      const r = i % 5 === 0 ? roundDigits(rnd.uniform(0.5, 0.99), 4) : rnd.pick(retentions);
      input.request_retention = r;
      params.request_retention = r;
    }
    if (i % 3 !== 0) {
      const m = i % 7 === 0 ? rnd.int(1, 50000) : rnd.pick(maximums);
      input.maximum_interval = m;
      params.maximum_interval = m;
    }
    if (i % 6 === 5) {
      const decay = roundDigits(rnd.uniform(0.1, 0.8), 4);
      input.decay = decay;
      params.w = [...default_w.slice(0, 20), decay];
    }
    const f = fsrs({ ...params, enable_fuzz: false });
    cases.push({
      name: `interval-${i}`,
      input,
      expected: { interval_days: f.next_interval(s, 0) },
    });
  }
  return cases;
}

// Weights near the defaults, inside the ranges ts-fsrs clips to (before its extra w17/w18
// ceiling for several relearning steps, which the C++ side must apply itself).
function randomWeights(enableShortTerm) {
  const ranges = CLAMP_PARAMETERS(2, enableShortTerm);
  return default_w.map((w, i) => {
    const v = roundDigits(w * rnd.uniform(0.75, 1.25) + rnd.uniform(-0.01, 0.01), 4);
    const [lo, hi] = ranges[i];
    return Math.min(Math.max(v, lo), hi);
  });
}

const STEP_CHOICES = [[], ['1m'], ['1m', '10m'], ['5m', '30m', '2h'], ['10m', '1d'], ['2d'],
  ['1h', '12h', '3d'], ['0m', '10m']];
const RELEARNING_CHOICES = [[], ['10m'], ['10m', '1h'], ['5m', '20m', '1h'], ['1d'], ['30m', '2d']];

// The gap before the next review: mostly near the card's due time (as a learner would), else
// anything from seconds to months.
function nextReviewTime(card, now) {
  const kind = rnd.int(0, 9);
  if (kind <= 3) {
    const due = card.due.getTime();
    const gap = Math.max(0, due - now);
    const jitter = Math.round(rnd.uniform(-0.25, 0.35) * Math.max(gap, 10 * MINUTE_MS));
    return Math.max(now, due + jitter);
  }
  if (kind === 4) return now;  // the same instant
  if (kind === 5) return now + rnd.int(1, 59 * MINUTE_MS);
  if (kind === 6) return now + rnd.int(1 * HOUR_MS, 48 * HOUR_MS);
  if (kind === 7) return now + rnd.int(1 * DAY_MS, 30 * DAY_MS);
  return now + rnd.int(30 * DAY_MS, 240 * DAY_MS);
}

function randomRating() {
  // Like real reviews: mostly Good, some Again, fewer Hard and Easy.
  const u = rnd.uniform(0, 1);
  if (u < 0.2) return Rating.Again;
  if (u < 0.35) return Rating.Hard;
  if (u < 0.85) return Rating.Good;
  return Rating.Easy;
}

const stateName = (s) => State[s].toLowerCase();

function reviewCase(name, options) {
  const { enableShortTerm, enableFuzz, custom } = options;
  const input = { op: 'review', enable_short_term: enableShortTerm };
  const params = { enable_short_term: enableShortTerm, enable_fuzz: enableFuzz };
  if (enableFuzz) input.enable_fuzz = true;
  if (custom) {
    if (rnd.chance(0.7)) {
      input.w = randomWeights(enableShortTerm);
      params.w = input.w;
    }
    if (rnd.chance(0.6)) {
      input.request_retention = rnd.pick([0.8, 0.85, 0.95, 0.97, roundDigits(rnd.uniform(0.7, 0.98), 3)]);
      params.request_retention = input.request_retention;
    }
    if (rnd.chance(0.5)) {
      input.maximum_interval = rnd.pick([30, 100, 365, 3650, rnd.int(3, 2000)]);
      params.maximum_interval = input.maximum_interval;
    }
    if (rnd.chance(0.6)) {
      input.learning_steps = rnd.pick(STEP_CHOICES);
      params.learning_steps = input.learning_steps;
    }
    if (rnd.chance(0.6)) {
      input.relearning_steps = rnd.pick(RELEARNING_CHOICES);
      params.relearning_steps = input.relearning_steps;
    }
  }
  const f = fsrs(params);
  let now = Date.UTC(2019, 0, 1) + rnd.int(0, 11 * 365) * DAY_MS + rnd.int(0, DAY_MS - 1);
  input.start = new Date(now).toISOString();
  let card = createEmptyCard(new Date(now));
  if (rnd.chance(0.3)) now += rnd.int(0, 5 * DAY_MS);  // first review some time after creation
  const count = rnd.int(1, 12);
  input.reviews = [];
  const expected = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) now = nextReviewTime(card, now);
    const rating = randomRating();
    const at = new Date(now);
    input.reviews.push({ now: at.toISOString(), rating });
    const before = f.get_retrievability(card, at, false);
    card = f.next(card, at, rating).card;
    expected.push({
      stability: card.stability,
      difficulty: card.difficulty,
      state: stateName(card.state),
      scheduled_days: card.scheduled_days,
      elapsed_days: card.elapsed_days,
      reps: card.reps,
      lapses: card.lapses,
      learning_steps: card.learning_steps,
      due: card.due.toISOString(),
      retrievability: f.get_retrievability(card, at, false),
      retrievability_before: before,
    });
  }
  return { name, input, expected: { reviews: expected } };
}

function reviewCases() {
  const cases = [];
  for (let i = 0; i < 60; i++) {
    cases.push(reviewCase(`review-short-term-${i}`, { enableShortTerm: true, enableFuzz: false }));
  }
  for (let i = 0; i < 50; i++) {
    cases.push(reviewCase(`review-long-term-${i}`, { enableShortTerm: false, enableFuzz: false }));
  }
  for (let i = 0; i < 40; i++) {
    cases.push(reviewCase(`review-custom-${i}`, { enableShortTerm: i % 2 === 0, enableFuzz: false, custom: true }));
  }
  for (let i = 0; i < 40; i++) {
    cases.push(reviewCase(`review-fuzz-${i}`, { enableShortTerm: i % 2 === 0, enableFuzz: true, custom: i >= 24 }));
  }
  return cases;
}

const vectors = {
  generator: 'tests/fsrs/generate_vectors.mjs',
  ts_fsrs: FSRSVersion,
  default_w: [...default_w],
  retrievability: retrievabilityCases(240),
  interval: intervalCases(140),
  review: reviewCases(),
};
// One case per line: small diffs when ts-fsrs changes, and greppable by name.
const fields = Object.entries(vectors).map(([key, value]) => {
  const text = Array.isArray(value) && typeof value[0] === 'object'
    ? `[\n${value.map((item) => `  ${JSON.stringify(item)}`).join(',\n')}\n ]`
    : JSON.stringify(value);
  return ` ${JSON.stringify(key)}: ${text}`;
});
process.stdout.write(`{\n${fields.join(',\n')}\n}\n`);
