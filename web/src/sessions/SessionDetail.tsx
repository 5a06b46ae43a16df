// One session (GET /api/v1/sessions/{key}): its kind, queue mode, active run (a link to the
// workflow) and the inputs waiting for the next run, refreshed every few seconds; plus the form
// that sends it an input. A key that has never been used shows as idle: sending starts it.
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useApi } from '../api/useApi';
import type { SessionDetail as SessionDoc } from '../api/types';
import { DataTable, EmptyState, ErrorState, Loading, StateBadge, formatTime, type Column } from '../components';
import { SessionInputForm } from './SessionInputForm';

export const SESSION_REFRESH_MS = 3000;

function preview(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

export function SessionDetail({ sessionKey, onClose, onChanged }: { sessionKey: string; onClose: () => void; onChanged?: () => void }) {
  const [poll, setPoll] = useState(true);
  const { data, error, loading, reload } = useApi<SessionDoc>('getSession', { params: { key: sessionKey } }, [], poll ? SESSION_REFRESH_MS : undefined);
  useEffect(() => {
    // A key no session kind serves stays unknown; only a network error is worth polling through.
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) setPoll(false);
  }, [error]);
  const columns: Column<SessionDoc['waiting'][number]>[] = [
    { key: 'seq', header: 'Seq', align: 'right', sortValue: (w) => w.seq, render: (w) => w.seq },
    { key: 'enqueued_at', header: 'Waiting since', sortValue: (w) => w.enqueued_at, render: (w) => <span className="nowrap">{formatTime(w.enqueued_at)}</span> },
    { key: 'input', header: 'Input', render: (w) => <code className="u2-clip" title={preview(w.input)}>{preview(w.input)}</code> },
  ];
  return (
    <section className="card stack" aria-labelledby="session-detail-title">
      <div className="row">
        <h2 id="session-detail-title">Session {sessionKey}</h2>
        <span className="spacer" />
        <button type="button" onClick={reload} aria-label={`Refresh session ${sessionKey}`}>Refresh</button>
        <button type="button" onClick={onClose} aria-label={`Close session ${sessionKey}`}>Close</button>
      </div>
      {error ? <ErrorState error={error} onRetry={reload} title="Could not load the session" compact={!!data} /> : null}
      {!data && loading ? <Loading label="Loading the session…" /> : null}
      {data ? (
        <>
          <dl className="u2-facts">
            <dt>Kind</dt>
            <dd><code>{data.match}</code></dd>
            <dt>Queue mode</dt>
            <dd>{data.queue_mode}</dd>
            <dt>Active run</dt>
            <dd>
              {data.active_run ? (
                <span className="row">
                  <StateBadge state="running" />
                  <Link to={`/workflows/${encodeURIComponent(data.active_run)}`}>{data.active_run}</Link>
                </span>
              ) : (
                <span className="muted">none — the next input starts a run</span>
              )}
            </dd>
          </dl>
          <div>
            <h3>Waiting inputs ({data.waiting.length})</h3>
            <DataTable
              label={`Waiting inputs of ${sessionKey}`}
              columns={columns}
              rows={data.waiting}
              rowKey={(w) => String(w.seq)}
              empty={<EmptyState title="No inputs are waiting." />}
            />
          </div>
        </>
      ) : null}
      <div>
        <h3>Send an input</h3>
        <SessionInputForm sessionKey={sessionKey} onSent={() => { reload(); onChanged?.(); }} />
      </div>
    </section>
  );
}
