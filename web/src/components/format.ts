// Formatting helpers shared by the pages: times, durations, counts.

/** "14:03:07" today, else "2026-12-01 14:03"; '—' for missing. */
export function formatTime(iso?: string | null, now: Date = new Date()): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const hms = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (d.toDateString() === now.toDateString()) return hms;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hms.slice(0, 5)}`;
}

/** 0.000033 → "33µs", 0.2 → "200ms", 75 → "1m15s". */
export function formatDuration(seconds?: number | null): string {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 0) return '—';
  if (seconds < 0.001) return `${Math.round(seconds * 1e6)}µs`;
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return `${m}m${s ? `${s}s` : ''}`;
  const h = Math.floor(m / 60);
  return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
}

/** Seconds between two ISO times (end defaults to now). */
export function secondsBetween(start?: string | null, end?: string | null, now: number = Date.now()): number | undefined {
  if (!start) return undefined;
  const a = Date.parse(start);
  const b = end ? Date.parse(end) : now;
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  return Math.max(0, (b - a) / 1000);
}

export function formatCount(n?: number | null): string {
  if (n === undefined || n === null) return '—';
  return n.toLocaleString('en-US');
}

/** Shortens "wf-01a2399e-5469-7000-b4c3-4a1e1ff04cee" to "wf-01a2399e…4cee" for narrow cells. */
export function shortId(id: string): string {
  return id.length > 20 ? `${id.slice(0, 11)}…${id.slice(-4)}` : id;
}
