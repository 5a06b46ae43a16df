// Memory: the sessions holding memories (GET /api/v1/memory) with their item counts; picking
// one (?session=…) shows its statistics, a search (hybrid / bm25 / vector) with every score
// field and each hit's retrievability, and its items page by page, each of which can be
// forgotten after a confirmation. A form memorizes a new item (into the open session or any
// other); a session's items can be forgotten all at once or only the weak ones (confirmed).
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useApi } from '../api/useApi';
import type { MemorySessionSummary, MemorySessions, MemoryStats as Stats } from '../api/types';
import { DataTable, EmptyState, ErrorState, Loading, Page, formatCount, type Column } from '../components';
import { ForgetSession } from '../memory/ForgetSession';
import { MemorizeForm } from '../memory/MemorizeForm';
import { MemoryItems } from '../memory/MemoryItems';
import { MemorySearch } from '../memory/MemorySearch';
import { MemoryStats } from '../memory/MemoryStats';
import '../lanes/lanes.css';

function SessionMemory({ session, onChanged, onMemorized, onClose }: {
  session: string;
  onChanged: () => void;
  onMemorized: (session: string) => void;
  onClose: () => void;
}) {
  const [version, setVersion] = useState(0);
  const stats = useApi<Stats>('memoryStats', { params: { session } }, [version]);
  const changed = () => {
    setVersion((v) => v + 1);
    onChanged();
  };
  return (
    <section className="card stack" aria-labelledby="memory-session-title">
      <div className="row">
        <h2 id="memory-session-title">Memory {session}</h2>
        <span className="spacer" />
        <button type="button" aria-label={`Refresh memory ${session}`} onClick={() => setVersion((v) => v + 1)}>Refresh</button>
        <button type="button" aria-label={`Close memory ${session}`} onClick={onClose}>Close</button>
      </div>
      <MemoryStats stats={stats.data} error={stats.error} loading={stats.loading} onRetry={stats.reload} />
      <div>
        <h3>Memorize</h3>
        <MemorizeForm session={session} onMemorized={(s) => (s === session ? changed() : onMemorized(s))} />
      </div>
      <div>
        <h3>Search</h3>
        <MemorySearch session={session} onForgotten={changed} />
      </div>
      <div>
        <h3>Items</h3>
        <MemoryItems session={session} version={version} onForgotten={changed} />
      </div>
      <div>
        <h3>Forget in bulk</h3>
        <ForgetSession session={session} onForgotten={changed} />
      </div>
    </section>
  );
}

export default function MemoryPage() {
  const [params, setParams] = useSearchParams();
  const selected = params.get('session');
  const { data, error, loading, reload } = useApi<MemorySessions>('listMemorySessions');
  const select = (s: string | null) => {
    const next = new URLSearchParams(params);
    if (s) next.set('session', s);
    else next.delete('session');
    setParams(next);
  };

  const columns: Column<MemorySessionSummary>[] = [
    {
      key: 'session_id', header: 'Session', sortValue: (s) => s.session_id,
      render: (s) => (
        <button type="button" className="link u2-open" title={s.session_id} aria-label={`Open memory ${s.session_id}`} onClick={() => select(s.session_id)}>
          {s.session_id}
        </button>
      ),
    },
    { key: 'entries', header: 'Items', align: 'right', sortValue: (s) => s.entries, render: (s) => formatCount(s.entries) },
  ];

  return (
    <Page
      title="Memory"
      subtitle="What agents memorized, found by BM25 and vectors and weighted by how well it is remembered (FSRS-6)."
      actions={<button type="button" onClick={reload}>Refresh</button>}
    >
      <div className="u2-split u2-split-narrow">
        <div className="stack">
          {error ? <ErrorState error={error} onRetry={reload} title="Could not load the memory sessions" compact={!!data} /> : null}
          {!data && loading ? <Loading label="Loading memory sessions…" /> : null}
          {data ? (
            <>
              <p className="muted small">
                {formatCount(data.session_count)} session{data.session_count === 1 ? '' : 's'}, {formatCount(data.total_entries)} item{data.total_entries === 1 ? '' : 's'}
              </p>
              <DataTable
                label="Memory sessions"
                columns={columns}
                rows={data.sessions}
                rowKey={(s) => s.session_id}
                onRowActivate={(s) => select(s.session_id)}
                rowClassName={(s) => (s.session_id === selected ? 'selected' : undefined)}
                empty={
                  <EmptyState title="No memories yet.">
                    Workflows memorize with the builtin <code>memorize</code> op, or <code>goclaw memory add SESSION TEXT</code>.
                  </EmptyState>
                }
              />
            </>
          ) : null}
        </div>
        <div>
          {selected ? (
            <SessionMemory key={selected} session={selected} onChanged={reload} onClose={() => select(null)}
              onMemorized={(s) => { reload(); select(s); }} />
          ) : (
            <div className="stack">
              <EmptyState title="No session selected.">Pick a session to search its memories and see its items, or memorize something below.</EmptyState>
              <section className="card" aria-labelledby="memorize-title">
                <h2 id="memorize-title">Memorize</h2>
                <MemorizeForm onMemorized={(s) => { reload(); select(s); }} />
              </section>
            </div>
          )}
        </div>
      </div>
    </Page>
  );
}
