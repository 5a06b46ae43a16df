// Number formats of the memory page: retrievability as a percentage, FSRS stability in days,
// fused scores with enough digits to tell RRF scores (~0.016) apart.
export function percent(v?: number | null): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  return `${(v * 100).toFixed(v >= 0.995 || v === 0 ? 0 : 1)}%`;
}

export function days(v?: number | null): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '—';
  return `${v < 10 ? v.toFixed(2) : v.toFixed(0)} d`;
}

export function score(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v === undefined || v === null ? '—' : String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(3);
}

export function bytes(n?: number | null): string {
  if (n === undefined || n === null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
