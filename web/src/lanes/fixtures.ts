// Lane JSON as a real `goclaw server` answered GET /api/v1/lanes (five lanes under load: llm
// with a rate, web dropping, overflow redirecting, a session:* template), for the tests.
import type { LaneList, LaneStats, LaneWaitBucket } from '../api/types';

const BOUNDS = [0.000001, 0.000005, 0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0, 300.0, null];

/** Cumulative buckets as the server writes them; `counts` has one entry per bound. */
export function buckets(counts: number[]): LaneWaitBucket[] {
  return BOUNDS.map((le, i) => ({ le, count: counts[Math.min(i, counts.length - 1)] }));
}

const flat = (n: number) => buckets([n]);

export const llmLane: LaneStats = {
  name: 'llm', keyed: false, max_concurrency: 2, capacity: 100, on_full: 'block', closed: false,
  running: 2, waiting: 10, blocked: 0, accepted: 12, admitted: 2, dropped: 0, redirected: 0, rejected: 0,
  cancelled: 0, rate: { per_second: 5.0, burst: 10.0 }, tokens: 10.0,
  wait_seconds: { count: 12, sum: 74.355987, p50: 5.0, p99: 29.5,
    buckets: buckets([2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 6, 12, 12, 12]) },
};

export const lanesBusy: LaneList = {
  lanes: [
    { name: 'default', keyed: false, max_concurrency: 16, capacity: 10000, on_full: 'block', closed: false,
      running: 7, waiting: 0, blocked: 0, accepted: 33, admitted: 33, dropped: 0, redirected: 0, rejected: 0,
      cancelled: 0, rate: null, wait_seconds: { count: 33, sum: 0.0, p50: 0.000001, p99: 0.000001, buckets: flat(33) } },
    llmLane,
    { name: 'overflow', keyed: false, max_concurrency: 1, capacity: 2, on_full: 'redirect', closed: false,
      running: 1, waiting: 2, blocked: 0, accepted: 3, admitted: 1, dropped: 0, redirected: 3, rejected: 0,
      cancelled: 0, rate: null, wait_seconds: { count: 1, sum: 0.0, p50: 0.000001, p99: 0.000001, buckets: flat(1) } },
    { name: 'session:*', keyed: true, max_concurrency: 1, capacity: 10000, on_full: 'block', closed: false,
      running: 0, waiting: 0, blocked: 0, accepted: 0, admitted: 0, dropped: 0, redirected: 0, rejected: 0,
      cancelled: 0, keys: 0, rate: null, wait_seconds: { count: 0, sum: 0.0, p50: 0.0, p99: 0.0, buckets: flat(0) } },
    { name: 'web', keyed: false, max_concurrency: 4, capacity: 50, on_full: 'drop', closed: false,
      running: 4, waiting: 50, blocked: 0, accepted: 54, admitted: 4, dropped: 6, redirected: 0, rejected: 0,
      cancelled: 0, rate: null, wait_seconds: { count: 4, sum: 0.0, p50: 0.000001, p99: 0.000001, buckets: flat(4) } },
  ],
};
