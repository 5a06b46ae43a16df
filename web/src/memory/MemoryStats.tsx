// A memory session's figures (GET /api/v1/memory/{session}/stats): items, vectors and their
// index, terms, bytes, average retrievability, weak items and how many cards are in each FSRS
// state.
import type { MemoryStats as Stats } from '../api/types';
import { ErrorState, Loading, formatCount } from '../components';
import { bytes, percent } from './format';

export function MemoryStats({ stats, error, loading, onRetry }: { stats?: Stats; error?: Error; loading: boolean; onRetry: () => void }) {
  if (error && !stats) return <ErrorState error={error} onRetry={onRetry} title="Could not load the session’s statistics" compact />;
  if (!stats) return loading ? <Loading label="Loading statistics…" /> : null;
  const facts: [string, string][] = [
    ['Items', formatCount(stats.total_entries)],
    ['Avg. retrievability', percent(stats.average_retrievability)],
    ['Weak items', formatCount(stats.weak_entries)],
    ['Vectors', `${formatCount(stats.vectors)}${stats.dimensions ? ` × ${stats.dimensions}` : ''}`],
    ['Vector index', stats.vector_index],
    ['Terms', formatCount(stats.terms)],
    ['Size', bytes(stats.bytes)],
  ];
  return (
    <div aria-label={`Statistics of ${stats.session_id}`} role="group">
      <dl className="lane-facts">
        {facts.map(([k, v]) => (
          <div key={k}><dt>{k}</dt><dd>{v}</dd></div>
        ))}
      </dl>
      <div className="u2-chips" aria-label="Cards by FSRS state">
        {Object.entries(stats.states ?? {}).map(([k, v]) => (
          <span key={k} className="u2-chip">{k}: {formatCount(v)}</span>
        ))}
      </div>
    </div>
  );
}
