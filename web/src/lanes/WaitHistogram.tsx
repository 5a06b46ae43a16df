// The wait-time histogram of one lane as SVG bars: how many items waited up to each bucket
// bound (from `wait_seconds.buckets`, cumulative as in /metrics; the last bound is null = +Inf).
// Bars show each bucket's own count; a server without buckets gets a short note instead.
import type { LaneWaitBucket } from '../api/types';

export interface HistogramBar {
  /** Upper bound in seconds; Infinity for the last bucket. */
  le: number;
  label: string;
  count: number;
}

function boundOf(le: LaneWaitBucket['le']): number {
  if (le === null || le === undefined) return Infinity;
  const n = typeof le === 'number' ? le : Number(le);
  return Number.isFinite(n) ? n : Infinity; // "+Inf"
}

/** Seconds as a short exact label: 0.00025 → "250µs", 0.0025 → "2.5ms", 30 → "30s", 300 → "5m". */
export function shortSeconds(s: number): string {
  const fmt = (v: number) => String(Number(v.toPrecision(3)));
  if (s === 0) return '0';
  if (s < 1e-3) return `${fmt(s * 1e6)}µs`;
  if (s < 1) return `${fmt(s * 1e3)}ms`;
  if (s < 60) return `${fmt(s)}s`;
  if (s < 3600) return `${fmt(s / 60)}m`;
  return `${fmt(s / 3600)}h`;
}

/** A bucket bound's label: "1µs", "2.5ms", "5m"; the +Inf bucket is "> <previous bound>". */
export function boundLabel(le: number, previous?: number): string {
  if (!Number.isFinite(le)) return previous !== undefined ? `>${shortSeconds(previous)}` : '+Inf';
  return shortSeconds(le);
}

/** Per-bucket counts from cumulative buckets (a count that goes down is clamped to 0). */
export function barsFromBuckets(buckets: LaneWaitBucket[]): HistogramBar[] {
  const sorted = [...buckets].map((b) => ({ le: boundOf(b.le), count: Number(b.count) || 0 }))
    .sort((a, b) => a.le - b.le);
  let prev = 0;
  return sorted.map((b, i) => {
    const own = Math.max(0, b.count - prev);
    prev = Math.max(prev, b.count);
    return { le: b.le, label: boundLabel(b.le, i > 0 ? sorted[i - 1].le : undefined), count: own };
  });
}

export interface WaitHistogramProps {
  lane: string;
  buckets?: LaneWaitBucket[];
  height?: number;
}

export function WaitHistogram({ lane, buckets, height = 140 }: WaitHistogramProps) {
  if (!buckets || buckets.length === 0) {
    return <p className="muted small">This server does not report wait-time buckets; only P50 and P99 are known.</p>;
  }
  const bars = barsFromBuckets(buckets);
  const total = bars.reduce((s, b) => s + b.count, 0);
  const max = Math.max(1, ...bars.map((b) => b.count));
  const barW = 30;
  const gap = 4;
  const top = 14;
  const labelH = 30;
  const plotH = height - top - labelH;
  const width = bars.length * (barW + gap);
  const summary = total === 0
    ? `No item has waited in lane ${lane} yet.`
    : bars.filter((b) => b.count > 0).map((b) => `${b.count} up to ${b.label}`).join(', ');
  return (
    <figure className="lane-histogram">
      <figcaption className="muted small">
        Wait time before admission — {total.toLocaleString('en-US')} item{total === 1 ? '' : 's'} (bars: items per bucket, upper bound below)
      </figcaption>
      <div className="lane-histogram-scroll">
        <svg width={width} height={height} role="img" aria-label={`Wait-time histogram of lane ${lane}: ${summary}`}>
          <line x1={0} x2={width} y1={top + plotH + 0.5} y2={top + plotH + 0.5} className="hist-axis" />
          {bars.map((b, i) => {
            const h = b.count === 0 ? 0 : Math.max(2, (b.count / max) * plotH);
            const x = i * (barW + gap) + gap / 2;
            return (
              <g key={i}>
                <title>{`${b.label}: ${b.count}`}</title>
                <rect x={x} y={top + plotH - h} width={barW} height={h} className="hist-bar" rx={2} />
                {b.count > 0 ? (
                  <text x={x + barW / 2} y={top + plotH - h - 3} textAnchor="middle" className="hist-count">
                    {b.count}
                  </text>
                ) : null}
                <text x={x + barW / 2} y={top + plotH + 12} textAnchor="middle" className="hist-label">
                  {b.label}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}
