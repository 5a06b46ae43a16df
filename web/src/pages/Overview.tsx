// Overview: workflows by state (GET /status), throughput and latency sparklines (the server's
// stats series), lanes at a glance, and recent failures with their error. Live: workflow.*
// events trigger a throttled refresh; a reconnect refreshes too (events missed meanwhile).
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { call } from '../api/client';
import { useEvents, useThrottled } from '../api/events';
import type { ServerStatus, StatsBucket, StatsSeries, WorkflowList, WorkflowStatus, WorkflowSummary } from '../api/types';
import { WORKFLOW_STATES } from '../api/types';
import { useApi } from '../api/useApi';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { formatCount, formatDuration, formatTime, shortId } from '../components/format';
import { Loading } from '../components/Loading';
import { Page } from '../components/Page';
import { Sparkline } from '../components/Sparkline';
import { StateBadge } from '../components/StateBadge';

interface Failure extends WorkflowSummary {
  failedTask?: string;
}

/** The error of a failed workflow: its own, else the first failed task's. */
export function failureError(wf: WorkflowStatus): { error?: string; task?: string } {
  if (wf.error) return { error: wf.error };
  const t = wf.tasks?.find((x) => x.status === 'failed' && x.error);
  return t ? { error: t.error, task: t.id } : {};
}

function useRecentFailures(tick: number) {
  const [state, setState] = useState<{ data?: Failure[]; error?: Error; loading: boolean }>({ loading: true });
  const [retry, setRetry] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    (async () => {
      const list = await call<WorkflowList>('listWorkflows', { query: { status: 'failed', order: 'desc', limit: 5 }, signal: ctl.signal });
      const rows: Failure[] = await Promise.all(list.workflows.map(async (w) => {
        if (w.error) return w;
        try {
          const full = await call<WorkflowStatus>('getWorkflow', { params: { id: w.id }, signal: ctl.signal });
          const f = failureError(full);
          return { ...w, error: f.error, failedTask: f.task };
        } catch {
          return w;
        }
      }));
      if (!ctl.signal.aborted) setState({ data: rows, loading: false });
    })().catch((e: unknown) => {
      if (!ctl.signal.aborted) setState((s) => ({ ...s, error: e as Error, loading: false }));
    });
    return () => ctl.abort();
  }, [tick, retry]);
  return { ...state, reload: () => setRetry((n) => n + 1) };
}

function StateCounts({ status }: { status: ServerStatus }) {
  return (
    <div className="state-cards" role="list" aria-label="Workflows by state">
      {WORKFLOW_STATES.map((s) => (
        <Link key={s} role="listitem" className={`card stat state-card`} to={`/workflows?state=${s}`}
          aria-label={`${s}: ${status.workflows[s] ?? 0} workflows`}>
          <span className="value">{formatCount(status.workflows[s] ?? 0)}</span>
          <span className="label"><StateBadge state={s} /></span>
        </Link>
      ))}
      <div role="listitem" className="card stat">
        <span className="value">{formatCount(status.workflows.total ?? 0)}</span>
        <span className="label">total</span>
      </div>
    </div>
  );
}

function Series({ series }: { series: StatsSeries }) {
  const b = series.buckets;
  const step = series.step_seconds;
  if (b.length === 0) return <EmptyState title="No activity recorded yet." />;
  const sum = (f: (x: StatsBucket) => number) => b.reduce((n, x) => n + f(x), 0);
  const count = (f: (x: StatsBucket) => number, what: string) => `${formatCount(sum(f))} ${what}`;
  const lastOf = (f: (x: StatsBucket) => number | null) => {
    for (let i = b.length - 1; i >= 0; i--) { const v = f(b[i]); if (v !== null && v !== undefined) return formatDuration(v); }
    return '—';
  };
  const window = series.window_seconds ?? step * b.length;
  return (
    <div className="spark-grid">
      <Sparkline label="Workflows submitted" values={b.map((x) => x.workflows_submitted)} summary={count((x) => x.workflows_submitted, 'total')} />
      <Sparkline label="Workflows completed" values={b.map((x) => x.workflows_completed)} summary={count((x) => x.workflows_completed, 'total')} color="var(--st-completed-fg)" />
      <Sparkline label="Workflows failed or cancelled" values={b.map((x) => x.workflows_failed + x.workflows_cancelled)}
        summary={count((x) => x.workflows_failed + x.workflows_cancelled, 'total')} color="var(--danger)" />
      <Sparkline label="Tasks completed" values={b.map((x) => x.tasks_completed)} summary={count((x) => x.tasks_completed, 'total')} />
      <Sparkline label="Latency p50" values={b.map((x) => x.workflow_latency_p50_seconds)} format={formatDuration} summary={lastOf((x) => x.workflow_latency_p50_seconds)} />
      <Sparkline label="Latency p99" values={b.map((x) => x.workflow_latency_p99_seconds)} format={formatDuration}
        summary={lastOf((x) => x.workflow_latency_p99_seconds)} color="var(--critical)" />
      <p className="muted small span-all">
        The last {formatDuration(window)} in {formatDuration(step)} buckets (since {formatTime(b[0].start)}); counts per bucket,
        latency from submit to finish (latest bucket with finished workflows).
      </p>
    </div>
  );
}

function LanesGlance({ status }: { status: ServerStatus }) {
  if (status.lanes.length === 0) return <EmptyState title="No lanes configured." />;
  return (
    <ul className="lane-glance" aria-label="Lanes">
      {status.lanes.map((l) => {
        const pct = l.max_concurrency > 0 ? Math.min(100, (l.running / l.max_concurrency) * 100) : 0;
        return (
          <li key={l.name}>
            <div className="row">
              <strong>{l.name}</strong>
              <span className="spacer" />
              <span className="small">
                {l.running} running / {l.max_concurrency} · {l.waiting} waiting
                {typeof l.dropped === 'number' && l.dropped > 0 ? <span className="field-error"> · {formatCount(l.dropped)} dropped</span> : null}
                {typeof l.rejected === 'number' && l.rejected > 0 ? <span className="field-error"> · {formatCount(l.rejected)} rejected</span> : null}
              </span>
            </div>
            <div className="meter" role="meter" aria-label={`${l.name} utilisation`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
              <div style={{ width: `${pct}%` }} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export default function OverviewPage() {
  const [tick, setTick] = useState(0);
  const status = useApi<ServerStatus>('status', undefined, [tick], 15000);
  const series = useApi<StatsSeries>('statsSeries', undefined, [tick], 30000);
  const failures = useRecentFailures(tick);
  const refresh = useThrottled(useCallback(() => setTick((n) => n + 1), []), 2000);
  const { connected } = useEvents({ kinds: ['workflow.*'] }, refresh, { onReconnect: refresh });

  return (
    <Page title="Overview"
      subtitle={status.data ? <>goclaw {status.data.version} · up {formatDuration(status.data.uptime_seconds)} · store {status.data.store.kind}{status.data.store.healthy ? '' : ' (cannot write!)'}</> : undefined}
      actions={<span className="muted small">{connected ? 'Updating live' : 'Live updates paused'}</span>}>
      <div className="stack">
        <section className="card" aria-labelledby="ov-states">
          <h2 id="ov-states">Workflows by state</h2>
          {status.error && !status.data ? <ErrorState error={status.error} onRetry={status.reload} /> : null}
          {status.data ? <StateCounts status={status.data} /> : status.loading ? <Loading /> : null}
        </section>

        <div className="grid cols-2">
          <section className="card" aria-labelledby="ov-series">
            <h2 id="ov-series">Throughput and latency</h2>
            {series.error && !series.data ? <ErrorState error={series.error} onRetry={series.reload} title="Cannot load the time series" /> : null}
            {series.data ? <Series series={series.data} /> : series.loading ? <Loading /> : null}
          </section>
          <section className="card" aria-labelledby="ov-lanes">
            <div className="row"><h2 id="ov-lanes">Lanes</h2><span className="spacer" /><Link to="/lanes" className="small">All lanes →</Link></div>
            {status.error && !status.data ? <ErrorState error={status.error} onRetry={status.reload} compact /> : null}
            {status.data ? <LanesGlance status={status.data} /> : null}
          </section>
        </div>

        <section className="card" aria-labelledby="ov-failures">
          <div className="row"><h2 id="ov-failures">Recent failures</h2><span className="spacer" /><Link to="/workflows?state=failed" className="small">All failed →</Link></div>
          {failures.error ? <ErrorState error={failures.error} onRetry={failures.reload} /> : null}
          {failures.loading && !failures.data ? <Loading /> : null}
          {failures.data && failures.data.length === 0 ? <EmptyState title="No failed workflows." /> : null}
          {failures.data && failures.data.length > 0 ? (
            <ul className="failure-list" aria-label="Recent failures">
              {failures.data.map((f) => (
                <li key={f.id}>
                  <div className="row">
                    <Link to={`/workflows/${encodeURIComponent(f.id)}`}><strong>{f.name}</strong></Link>
                    <code className="muted small">{shortId(f.id)}</code>
                    <span className="spacer" />
                    <span className="small muted">{formatTime(f.completed_at ?? f.created_at)}</span>
                  </div>
                  <div className="failure-error">
                    {f.failedTask ? <>task <code>{f.failedTask}</code>: </> : null}
                    {f.error ?? <span className="muted">no error message recorded</span>}
                  </div>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      </div>
    </Page>
  );
}
