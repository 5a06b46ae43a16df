// The items of a memory session in creation order (GET /api/v1/memory/{session}/list, paged):
// content and metadata, provenance, when, retrievability now and the FSRS card, and a Forget
// button per item.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useApi } from '../api/useApi';
import type { MemoryItem, MemoryPage } from '../api/types';
import { DataTable, EmptyState, ErrorState, Loading, StateBadge, formatTime, type Column } from '../components';
import { Pager } from '../lanes/Pager';
import { ForgetButton, clip } from './ForgetButton';
import { days, percent } from './format';

export const MEMORY_PAGE_SIZE = 20;

export function MetadataChips({ metadata }: { metadata: Record<string, string> }) {
  const entries = Object.entries(metadata ?? {});
  if (entries.length === 0) return null;
  return (
    <span className="u2-chips" aria-label="Metadata">
      {entries.map(([k, v]) => <span key={k} className="u2-chip">{k}={v}</span>)}
    </span>
  );
}

/** The FSRS-6 card of an item in one cell: state, stability, difficulty, reviews, when due. */
export function CardCell({ item }: { item: MemoryItem }) {
  return (
    <span className="lane-name small">
      <StateBadge state={item.state} />
      <span className="nowrap" title="stability (days until retrievability falls to 90%) · difficulty">S {days(item.stability)} · D {item.difficulty.toFixed(2)}</span>
      <span className="muted nowrap">{item.reps} review{item.reps === 1 ? '' : 's'}, {item.lapses} lapse{item.lapses === 1 ? '' : 's'}</span>
      <span className="muted nowrap">due {formatTime(item.due)}</span>
    </span>
  );
}

export function Provenance({ item }: { item: MemoryItem }) {
  const p = item.provenance;
  return (
    <span className="small">
      {p.source} · {p.trust}
      {p.workflow_id ? (
        <>
          {' · '}
          <Link to={`/workflows/${encodeURIComponent(p.workflow_id)}`} aria-label={`Workflow ${p.workflow_id} that memorized it`}>
            {p.task_id || 'workflow'}
          </Link>
        </>
      ) : null}
    </span>
  );
}

export function MemoryItems({ session, version, onForgotten }: { session: string; version: number; onForgotten: (id: string) => void }) {
  const [offset, setOffset] = useState(0);
  const { data, error, loading, reload } = useApi<MemoryPage>(
    'listMemory', { params: { session }, query: { limit: MEMORY_PAGE_SIZE, offset } }, [version]);

  const columns: Column<MemoryItem>[] = [
    {
      key: 'content', header: 'Content', className: 'u2-wide',
      render: (m) => (
        <div>
          <div className="u2-content">{m.content}</div>
          <MetadataChips metadata={m.metadata} />
          <code className="muted small u2-id">{m.id}</code>
        </div>
      ),
    },
    {
      key: 'created_at', header: 'Source · created', sortValue: (m) => m.created_at,
      render: (m) => (
        <span className="lane-name">
          <Provenance item={m} />
          <span className="muted small nowrap">{formatTime(m.created_at)}</span>
        </span>
      ),
    },
    { key: 'retrievability', header: 'Retrievability', align: 'right', sortValue: (m) => m.retrievability, render: (m) => percent(m.retrievability) },
    { key: 'card', header: 'FSRS card', sortValue: (m) => m.stability, render: (m) => <CardCell item={m} /> },
    {
      key: 'forget', header: <span className="sr-only">Actions</span>,
      render: (m) => <ForgetButton session={session} id={m.id} preview={clip(m.content)} onForgotten={(gone) => { onForgotten(gone); reload(); }} />,
    },
  ];

  if (error && !data) return <ErrorState error={error} onRetry={reload} title="Could not list the items" />;
  if (!data) return loading ? <Loading label="Loading items…" /> : null;
  return (
    <div>
      {error ? <ErrorState error={error} onRetry={reload} title="Refreshing the items failed" compact /> : null}
      <DataTable
        label={`Items of ${session}`}
        columns={columns}
        rows={data.entries}
        rowKey={(m) => m.id}
        empty={<EmptyState title={offset > 0 ? 'No items on this page.' : 'This session holds no items.'} />}
      />
      <Pager total={data.total} limit={data.limit} offset={data.offset} noun={`items of ${session}`} onOffset={setOffset} />
    </div>
  );
}
