// Sagas: the sagas (GET /api/v1/sagas) filtered by state and paged, oldest first as the
// server lists them; picking one (?id=…) shows each step's forward and compensation state and
// the Compensate / Recover actions.
import { useId } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useApi } from '../api/useApi';
import { SAGA_STATES, type SagaList, type SagaSummary } from '../api/types';
import { DataTable, EmptyState, ErrorState, Loading, Page, StateBadge, formatTime, shortId, type Column } from '../components';
import { Pager } from '../lanes/Pager';
import { SagaDetail } from '../sagas/SagaDetail';
import '../lanes/lanes.css';

export const SAGAS_PAGE_SIZE = 20;
export const SAGAS_REFRESH_MS = 5000;

export default function SagasPage() {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const state = params.get('state') ?? '';
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const selected = params.get('id');
  const { data, error, loading, reload } = useApi<SagaList>(
    'listSagas', { query: { state: state || undefined, limit: SAGAS_PAGE_SIZE, offset } }, [], SAGAS_REFRESH_MS);

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '' || (k === 'offset' && v === '0')) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: !('id' in changes) });
  };

  const columns: Column<SagaSummary>[] = [
    {
      key: 'name', header: 'Saga', sortValue: (s) => s.name,
      render: (s) => (
        <span className="lane-name">
          <button type="button" className="link u2-open" aria-label={`Open saga ${s.name} ${s.saga_id}`} onClick={() => update({ id: s.saga_id })}>
            {s.name}
          </button>
          <code className="muted small nowrap" title={s.saga_id}>{shortId(s.saga_id)}</code>
        </span>
      ),
    },
    { key: 'state', header: 'State', sortValue: (s) => s.state, render: (s) => <StateBadge state={s.state} /> },
    {
      key: 'created_at', header: 'Created', sortValue: (s) => s.created_at,
      render: (s) => (
        <span className="lane-name small nowrap">
          <span>{formatTime(s.created_at)}</span>
          <span className="muted">{s.completed_at ? `done ${formatTime(s.completed_at)}` : 'not finished'}</span>
        </span>
      ),
    },
  ];

  return (
    <Page
      title="Sagas"
      subtitle="Workflows whose steps are undone in reverse order when one fails."
      actions={<button type="button" onClick={reload}>Refresh</button>}
    >
      <div className="u2-split">
        <div className="stack">
          <div className="row">
            <div className="u2-field">
              <label htmlFor={`${id}-state`}>State</label>
              <select id={`${id}-state`} value={state} onChange={(e) => update({ state: e.target.value, offset: null })}>
                <option value="">All states</option>
                {SAGA_STATES.map((s) => <option key={s} value={s}>{s}</option>)}
              </select>
            </div>
            {data ? <span className="muted small" style={{ alignSelf: 'flex-end' }}>{data.total.toLocaleString('en-US')} saga{data.total === 1 ? '' : 's'}</span> : null}
          </div>
          {error ? <ErrorState error={error} onRetry={reload} title="Could not load the sagas" compact={!!data} /> : null}
          {!data && loading ? <Loading label="Loading sagas…" /> : null}
          {data ? (
            <>
              <DataTable
                label="Sagas"
                columns={columns}
                rows={data.items}
                rowKey={(s) => s.saga_id}
                onRowActivate={(s) => update({ id: s.saga_id })}
                rowClassName={(s) => (s.saga_id === selected ? 'selected' : undefined)}
                empty={
                  <EmptyState title={state ? `No ${state} sagas.` : offset > 0 ? 'No sagas on this page.' : 'No sagas yet.'}>
                    Submit one with <code>goclaw saga submit trip.yaml</code> (examples/saga-booking).
                  </EmptyState>
                }
              />
              <Pager total={data.total} limit={data.limit} offset={data.offset} noun="sagas" onOffset={(o) => update({ offset: String(o) })} />
            </>
          ) : null}
        </div>
        <div>
          {selected ? (
            <SagaDetail key={selected} sagaId={selected} onClose={() => update({ id: null })} onChanged={reload} />
          ) : (
            <EmptyState title="No saga selected.">Pick a saga to see its steps and compensations.</EmptyState>
          )}
        </div>
      </div>
    </Page>
  );
}
