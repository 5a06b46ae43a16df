// Searches one memory session (POST /api/v1/memory/{session}/search {query, mode, top_k,
// review}) and shows every hit with every score field the server returned (the fused `score`,
// `bm25_rank`, `vector_rank` and any other), the item's retrievability and FSRS card, and a
// Forget button. Searching counts as a review only when asked: browsing should not
// strengthen memories.
import { useId, useState, type FormEvent } from 'react';
import { call } from '../api/client';
import type { MemoryHit } from '../api/types';
import { DataTable, EmptyState, ErrorState, type Column } from '../components';
import { ForgetButton, clip } from './ForgetButton';
import { percent, score } from './format';
import { CardCell, MetadataChips, Provenance } from './MemoryItems';

export const MODES = ['hybrid', 'bm25', 'vector'] as const;
export type SearchMode = (typeof MODES)[number];

/** Score fields of the hits: `score` first, then the ranks, then anything else the server added. */
export function scoreFields(hits: MemoryHit[]): string[] {
  const seen = new Set<string>();
  for (const h of hits) for (const k of Object.keys(h)) if (k !== 'entry') seen.add(k);
  const order = ['score', 'bm25_rank', 'vector_rank'];
  return [...order.filter((k) => seen.has(k)), ...[...seen].filter((k) => !order.includes(k)).sort()];
}

const FIELD_HEADERS: Record<string, string> = { score: 'Score', bm25_rank: 'BM25 rank', vector_rank: 'Vector rank' };

export function MemorySearch({ session, onForgotten }: { session: string; onForgotten: (id: string) => void }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<SearchMode>('hybrid');
  const [limit, setLimit] = useState('10');
  const [review, setReview] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [hits, setHits] = useState<MemoryHit[]>();
  const [asked, setAsked] = useState<{ query: string; mode: string }>();

  const search = async (e?: FormEvent) => {
    e?.preventDefault();
    const q = query.trim();
    if (!q) return;
    setBusy(true);
    setError(undefined);
    const body: Record<string, unknown> = { query: q, mode, review };
    // An empty limit leaves the server's default; anything else goes as typed for the server to check.
    if (limit.trim() !== '') body.top_k = Number.isFinite(Number(limit)) ? Number(limit) : limit.trim();
    try {
      const r = await call<MemoryHit[]>('searchMemory', { params: { session }, body });
      setHits(r);
      setAsked({ query: q, mode });
    } catch (err) {
      setError(err);
      setHits(undefined);
    } finally {
      setBusy(false);
    }
  };

  const fields = hits ? scoreFields(hits) : [];
  const columns: Column<MemoryHit & { rank: number }>[] = [
    { key: 'rank', header: '#', align: 'right', sortValue: (h) => h.rank, render: (h) => h.rank },
    {
      key: 'content', header: 'Content', className: 'u2-wide',
      render: (h) => (
        <div>
          <div className="u2-content">{h.entry.content}</div>
          <MetadataChips metadata={h.entry.metadata} />
          <div><Provenance item={h.entry} /></div>
        </div>
      ),
    },
    ...fields.map((f): Column<MemoryHit & { rank: number }> => ({
      key: `f:${f}`, header: FIELD_HEADERS[f] ?? f, align: 'right',
      sortValue: (h) => (typeof h[f] === 'number' ? (h[f] as number) : null),
      render: (h) => score(h[f]),
    })),
    { key: 'retrievability', header: 'Retrievability', align: 'right', sortValue: (h) => h.entry.retrievability, render: (h) => percent(h.entry.retrievability) },
    { key: 'card', header: 'FSRS card', sortValue: (h) => h.entry.stability, render: (h) => <CardCell item={h.entry} /> },
    {
      key: 'forget', header: <span className="sr-only">Actions</span>,
      render: (h) => (
        <ForgetButton session={session} id={h.entry.id} preview={clip(h.entry.content)} onForgotten={(gone) => {
          setHits((xs) => xs?.filter((x) => x.entry.id !== gone));
          onForgotten(gone);
        }} />
      ),
    },
  ];

  return (
    <div className="stack">
      <form className="row" style={{ alignItems: 'flex-end' }} onSubmit={search} noValidate role="search" aria-label={`Search memory ${session}`}>
        <div className="u2-field" style={{ flex: 1, minWidth: 220 }}>
          <label htmlFor={`${id}-q`}>Search query</label>
          <input id={`${id}-q`} type="search" value={query} placeholder="when does the staging database deploy? / 部署" onChange={(e) => setQuery(e.target.value)} />
        </div>
        <div className="u2-field">
          <label htmlFor={`${id}-mode`}>Mode</label>
          <select id={`${id}-mode`} value={mode} onChange={(e) => setMode(e.target.value as SearchMode)}>
            {MODES.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </div>
        <div className="u2-field">
          <label htmlFor={`${id}-limit`}>Limit</label>
          <input id={`${id}-limit`} type="number" min={1} step={1} value={limit} style={{ width: 80 }} onChange={(e) => setLimit(e.target.value)} />
        </div>
        <label className="inline" title="A retrieval that counts as a review strengthens the memories it finds (FSRS)">
          <input type="checkbox" checked={review} onChange={(e) => setReview(e.target.checked)} />
          Count as a review
        </label>
        <button type="submit" className="primary" disabled={busy || !query.trim()}>{busy ? 'Searching…' : 'Search'}</button>
      </form>
      {error ? <ErrorState error={error} onRetry={() => search()} title="The search failed" compact /> : null}
      {hits && asked ? (
        <div>
          <p className="muted small" role="status">
            {hits.length} result{hits.length === 1 ? '' : 's'} for “{asked.query}” ({asked.mode})
          </p>
          <DataTable
            label={`Search results in ${session}`}
            columns={columns}
            rows={hits.map((h, i) => ({ ...h, rank: i + 1 }))}
            rowKey={(h) => h.entry.id}
            empty={<EmptyState title="Nothing matches.">Try another mode, or other words.</EmptyState>}
          />
        </div>
      ) : null}
    </div>
  );
}
