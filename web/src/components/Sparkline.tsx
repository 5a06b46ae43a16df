// A tiny SVG line chart of a series (nulls are gaps), with an accessible label and the last
// value printed beside it.
export interface SparklineProps {
  values: (number | null | undefined)[];
  label: string;
  width?: number;
  height?: number;
  format?: (v: number) => string;
  color?: string;
  /** Text shown beside the line instead of the last value (e.g. a total over the window). */
  summary?: string;
}

export function sparkPoints(values: (number | null | undefined)[], width: number, height: number): string[] {
  const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (nums.length === 0) return [];
  const max = Math.max(...nums);
  const min = Math.min(0, ...nums);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const segments: string[] = [];
  let cur: string[] = [];
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      if (cur.length) segments.push(cur.join(' '));
      cur = [];
      return;
    }
    const x = values.length > 1 ? i * step : width / 2;
    const y = height - 2 - ((v - min) / span) * (height - 4);
    cur.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (cur.length) segments.push(cur.join(' '));
  return segments;
}

export function Sparkline({ values, label, width = 160, height = 36, format = (v) => String(v), color, summary }: SparklineProps) {
  const segs = sparkPoints(values, width, height);
  const last = [...values].reverse().find((v): v is number => typeof v === 'number');
  const text = summary ?? (last === undefined ? '—' : format(last));
  return (
    <figure className="sparkline">
      <figcaption>{label}</figcaption>
      <div className="sparkline-body">
        <svg width={width} height={height} role="img" aria-label={`${label}: ${summary ?? (last === undefined ? 'no data' : format(last))}`}>
          <line x1={0} y1={height - 1} x2={width} y2={height - 1} className="spark-axis" />
          {segs.map((pts, i) =>
            pts.includes(' ') ? (
              <polyline key={i} points={pts} fill="none" stroke={color ?? 'var(--accent)'} strokeWidth={1.5} />
            ) : (
              <circle key={i} cx={pts.split(',')[0]} cy={pts.split(',')[1]} r={1.5} fill={color ?? 'var(--accent)'} />
            ),
          )}
        </svg>
        <span className="spark-last">{text}</span>
      </div>
    </figure>
  );
}
