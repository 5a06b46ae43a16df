// Sessions: the sessions with an active run or waiting inputs (GET /api/v1/sessions, paged by
// limit/offset), each with its kind, queue mode, active run and waiting count. Picking one
// (?key=…), or typing any key, opens it: its active run, its waiting inputs and a form that
// sends it an input.
import { useId, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useApi } from '../api/useApi';
import type { SessionList, SessionSummary } from '../api/types';
import { DataTable, EmptyState, ErrorState, Loading, Page, StateBadge, shortId, type Column } from '../components';
import { Pager } from '../lanes/Pager';
import { SessionDetail } from '../sessions/SessionDetail';
import '../lanes/lanes.css';

export const SESSIONS_PAGE_SIZE = 20;
export const SESSIONS_REFRESH_MS = 5000;

function OpenSession({ onOpen }: { onOpen: (key: string) => void }) {
  const id = useId();
  const [key, setKey] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const k = key.trim();
    if (k) onOpen(k);
  };
  return (
    <form className="row" onSubmit={submit} aria-label="Open a session by key">
      <div className="u2-field">
        <label htmlFor={`${id}-key`}>Session key</label>
        <input id={`${id}-key`} value={key} placeholder="chat:alice" onChange={(e) => setKey(e.target.value)} />
      </div>
      <button type="submit" style={{ alignSelf: 'flex-end' }} disabled={!key.trim()}>Open session</button>
    </form>
  );
}

export default function SessionsPage() {
  const [params, setParams] = useSearchParams();
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const selected = params.get('key');
  const { data, error, loading, reload } = useApi<SessionList>(
    'listSessions', { query: { limit: SESSIONS_PAGE_SIZE, offset } }, [], SESSIONS_REFRESH_MS);

  const setParam = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v === null || v === '' || (k === 'offset' && v === '0')) next.delete(k);
    else next.set(k, v);
    setParams(next, { replace: k !== 'key' });
  };

  const columns: Column<SessionSummary>[] = [
    {
      key: 'session', header: 'Session', sortValue: (s) => s.session,
      render: (s) => (
        <span className="lane-name">
          <button type="button" className="link u2-open" title={s.session} aria-label={`Open session ${s.session}`} onClick={() => setParam('key', s.session)}>
            {s.session}
          </button>
          <span className="muted small nowrap"><code>{s.match}</code> · {s.queue_mode}</span>
        </span>
      ),
    },
    {
      key: 'active_run', header: 'Active run', sortValue: (s) => s.active_run ?? '',
      render: (s) => (s.active_run ? (
        <Link to={`/workflows/${encodeURIComponent(s.active_run)}`} title={s.active_run} className="nowrap" aria-label={`Active run ${s.active_run} of ${s.session}`}>
          {shortId(s.active_run)}
        </Link>
      ) : <StateBadge state="idle" />),
    },
    { key: 'waiting', header: 'Waiting', align: 'right', sortValue: (s) => s.waiting, render: (s) => s.waiting },
  ];

  return (
    <Page
      title="Sessions"
      subtitle="Conversations that run one workflow at a time; inputs that arrive meanwhile steer, wait or merge by queue mode."
      actions={<button type="button" onClick={reload}>Refresh</button>}
    >
      <div className="u2-split">
        <div className="stack">
          <OpenSession onOpen={(k) => setParam('key', k)} />
          {error ? <ErrorState error={error} onRetry={reload} title="Could not load the sessions" compact={!!data} /> : null}
          {!data && loading ? <Loading label="Loading sessions…" /> : null}
          {data ? (
            <>
              <DataTable
                label="Sessions"
                columns={columns}
                rows={data.sessions}
                rowKey={(s) => s.session}
                onRowActivate={(s) => setParam('key', s.session)}
                rowClassName={(s) => (s.session === selected ? 'selected' : undefined)}
                empty={
                  <EmptyState title={offset > 0 ? 'No sessions on this page.' : 'No session has an active run or waiting inputs.'}>
                    Sessions appear when an input arrives for a key a session kind matches (sessions: in the
                    server’s configuration). Type a key above to send one.
                  </EmptyState>
                }
              />
              <Pager total={data.total} limit={data.limit} offset={data.offset} noun="sessions" onOffset={(o) => setParam('offset', String(o))} />
            </>
          ) : null}
        </div>
        <div>
          {selected ? (
            <SessionDetail key={selected} sessionKey={selected} onClose={() => setParam('key', null)} onChanged={reload} />
          ) : (
            <EmptyState title="No session selected.">Pick a session from the list, or type a key, to see its run and send it an input.</EmptyState>
          )}
        </div>
      </div>
    </Page>
  );
}
