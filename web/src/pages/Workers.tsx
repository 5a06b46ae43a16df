// Workers: the connected pull workers (GET /api/v1/workers) with their queues, labels,
// capacity and free credits, how long since each was heard from, and the attempts each runs
// (links to their workflows); and per queue the tasks waiting for a worker. Refreshes every
// two seconds.
import { Link } from 'react-router-dom';
import { useApi } from '../api/useApi';
import type { WorkerInfo, WorkerQueue, WorkersAnswer } from '../api/types';
import { AutoRefresh, DataTable, EmptyState, ErrorState, Loading, Page, formatCount, formatDuration, formatTime, shortId, useAutoRefresh, type Column } from '../components';
import { parseAttempt } from '../workers/attempts';
import '../lanes/lanes.css';

export const WORKERS_REFRESH_MS = 2000;

function Attempts({ worker }: { worker: WorkerInfo }) {
  if (worker.attempts.length === 0) return <span className="muted">idle</span>;
  return (
    <ul className="u2-attempts" aria-label={`Attempts running on ${worker.name}`}>
      {worker.attempts.map((raw) => {
        const a = parseAttempt(raw);
        return (
          <li key={raw}>
            <Link to={`/workflows/${encodeURIComponent(a.workflowId)}`} title={raw}
              aria-label={`${a.taskId} attempt ${a.attempt ?? '?'} of workflow ${a.workflowId}`}>
              {shortId(a.workflowId)}
            </Link>
            <span className="muted small"> {a.taskId}{a.attempt !== undefined ? ` #${a.attempt}` : ''}</span>
          </li>
        );
      })}
    </ul>
  );
}

function Credits({ worker }: { worker: WorkerInfo }) {
  const used = Math.max(0, worker.capacity - worker.free_credits);
  const pct = worker.capacity > 0 ? (used / worker.capacity) * 100 : 0;
  return (
    <span className="lane-load" title={`${used} of ${worker.capacity} credits in use, ${worker.free_credits} free`}>
      <span className="nowrap">{worker.free_credits} <span className="muted">free / {worker.capacity}</span></span>
      <span className="lane-meter" aria-hidden="true"><span style={{ width: `${pct}%` }} className={pct >= 100 ? 'full' : undefined} /></span>
    </span>
  );
}

export default function WorkersPage() {
  const refresh = useAutoRefresh(WORKERS_REFRESH_MS);
  const { data, error, loading, reload } = useApi<WorkersAnswer>('listWorkers', undefined, [], refresh.refreshMs);

  const queueColumns: Column<WorkerQueue>[] = [
    { key: 'name', header: 'Queue', sortValue: (q) => q.name, render: (q) => <strong>{q.name}</strong> },
    {
      key: 'waiting', header: 'Waiting tasks', align: 'right', sortValue: (q) => q.waiting,
      render: (q) => <span className={q.waiting > 0 && q.workers === 0 ? 'lane-bad' : undefined}>{formatCount(q.waiting)}</span>,
    },
    { key: 'workers', header: 'Workers', align: 'right', sortValue: (q) => q.workers, render: (q) => formatCount(q.workers) },
    { key: 'free_credits', header: 'Free credits', align: 'right', sortValue: (q) => q.free_credits, render: (q) => formatCount(q.free_credits) },
    {
      key: 'note', header: 'Note',
      render: (q) => (q.workers === 0 && q.waiting > 0 ? <span className="lane-bad small">no worker serves this queue</span>
        : q.free_credits === 0 && q.waiting > 0 ? <span className="small">every worker is busy</span> : null),
    },
  ];

  const workerColumns: Column<WorkerInfo>[] = [
    {
      key: 'name', header: 'Worker', sortValue: (w) => w.name,
      render: (w) => (
        <span className="lane-name">
          <strong>{w.name}</strong>
          <code className="muted small">{w.id}</code>
        </span>
      ),
    },
    { key: 'queues', header: 'Queues', render: (w) => <span className="u2-chips">{w.queues.map((q) => <span key={q} className="u2-chip">{q}</span>)}</span> },
    {
      key: 'labels', header: 'Labels',
      render: (w) => (Object.keys(w.labels).length
        ? <span className="u2-chips">{Object.entries(w.labels).map(([k, v]) => <span key={k} className="u2-chip">{k}={v}</span>)}</span>
        : <span className="muted">—</span>),
    },
    { key: 'credits', header: 'Credits', align: 'right', sortValue: (w) => w.free_credits, render: (w) => <Credits worker={w} /> },
    { key: 'attempts', header: 'Current attempts', sortValue: (w) => w.attempts.length, render: (w) => <Attempts worker={w} /> },
    { key: 'connected_at', header: 'Connected', sortValue: (w) => w.connected_at, render: (w) => <span className="nowrap">{formatTime(w.connected_at)}</span> },
    {
      key: 'silent_ms', header: 'Last heard', align: 'right', sortValue: (w) => w.silent_ms,
      render: (w) => <span className="nowrap">{formatDuration(w.silent_ms / 1000)} ago</span>,
    },
  ];

  const totals = data ? {
    workers: data.workers.length,
    capacity: data.workers.reduce((s, w) => s + w.capacity, 0),
    free: data.workers.reduce((s, w) => s + w.free_credits, 0),
    running: data.workers.reduce((s, w) => s + w.attempts.length, 0),
    waiting: data.queues.reduce((s, q) => s + q.waiting, 0),
  } : undefined;

  return (
    <Page
      title="Workers"
      subtitle="Pull workers connected over gRPC, the queues they serve and the remote tasks they run."
      actions={<AutoRefresh auto={refresh.auto} onAutoChange={refresh.setAuto} everyMs={WORKERS_REFRESH_MS} onRefresh={reload} />}
    >
      {error ? (
        <ErrorState error={error} onRetry={reload} compact={!!data}
          title={data ? 'Refreshing the workers failed (showing the last answer)' : 'Could not load the workers'} />
      ) : null}
      {!data && loading ? <Loading label="Loading workers…" /> : null}
      {data && totals ? (
        <div className="stack">
          <div className="card">
            <dl className="lane-facts" aria-label="Worker totals">
              <div><dt>Workers</dt><dd>{formatCount(totals.workers)}</dd></div>
              <div><dt>Capacity</dt><dd>{formatCount(totals.capacity)}</dd></div>
              <div><dt>Free credits</dt><dd>{formatCount(totals.free)}</dd></div>
              <div><dt>Running attempts</dt><dd>{formatCount(totals.running)}</dd></div>
              <div><dt>Waiting tasks</dt><dd>{formatCount(totals.waiting)}</dd></div>
            </dl>
          </div>
          <section aria-labelledby="queues-title">
            <h2 id="queues-title">Queues</h2>
            <DataTable label="Queues" columns={queueColumns} rows={data.queues} rowKey={(q) => q.name}
              empty={<EmptyState title="No queues.">A queue appears when a worker serves it or a remote task waits on it.</EmptyState>} />
          </section>
          <section aria-labelledby="workers-title">
            <h2 id="workers-title">Connected workers</h2>
            <DataTable label="Workers" columns={workerColumns} rows={data.workers} rowKey={(w) => w.id}
              empty={
                <EmptyState title="No workers are connected.">
                  Start one against the server’s gRPC port, e.g. <code>goclaw_example_worker_cpp --target 127.0.0.1:9090</code> or
                  {' '}<code>examples/workers/python/research_worker.py</code>.
                </EmptyState>
              } />
          </section>
        </div>
      ) : null}
    </Page>
  );
}
