// Lanes: every lane's load (running of max, waiting of capacity, blocked), its counters
// (accepted, admitted, dropped, rejected, redirected, cancelled), wait-time P50/P99 and rate,
// refreshed every few seconds. Picking a lane (?lane=name) shows its wait-time histogram and
// the form that changes its concurrency, capacity and rate.
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useApi } from '../api/useApi';
import type { LaneList, LaneStats } from '../api/types';
import { AutoRefresh, DataTable, EmptyState, ErrorState, Loading, Page, formatCount, formatDuration, useAutoRefresh, type Column } from '../components';
import { LaneDetail } from '../lanes/LaneDetail';
import '../lanes/lanes.css';

export const LANES_REFRESH_MS = 3000;

function Load({ value, max, label }: { value: number; max: number; label: string }) {
  const pct = max > 0 ? Math.min(100, (value / max) * 100) : value > 0 ? 100 : 0;
  return (
    <span className="lane-load" title={label}>
      <span className="nowrap">
        {formatCount(value)} <span className="muted">/ {formatCount(max)}</span>
      </span>
      <span className="lane-meter" aria-hidden="true">
        <span style={{ width: `${pct}%` }} className={pct >= 100 ? 'full' : undefined} />
      </span>
    </span>
  );
}

function RateCell({ lane }: { lane: LaneStats }) {
  if (!lane.rate) return <span className="muted">none</span>;
  return (
    <span className="lane-name small">
      <span className="nowrap">{lane.rate.per_second}/s, burst {lane.rate.burst}</span>
      {lane.tokens !== undefined ? <span className="muted nowrap">{Math.floor(lane.tokens)} tokens</span> : null}
    </span>
  );
}

export default function LanesPage() {
  const [params, setParams] = useSearchParams();
  const refresh = useAutoRefresh(LANES_REFRESH_MS);
  const { data, error, loading, reload } = useApi<LaneList>('listLanes', undefined, [], refresh.refreshMs);
  const [updated, setUpdated] = useState<LaneStats>();
  useEffect(() => setUpdated(undefined), [data]);

  const lanes = useMemo(() => (data?.lanes ?? []).map((l) => (updated && updated.name === l.name ? updated : l)), [data, updated]);
  const selectedName = params.get('lane');
  const selected = lanes.find((l) => l.name === selectedName);
  const select = (name: string | null) => {
    const next = new URLSearchParams(params);
    if (name) next.set('lane', name);
    else next.delete('lane');
    setParams(next, { replace: true });
  };

  const columns: Column<LaneStats>[] = [
    {
      key: 'name', header: 'Lane', sortValue: (l) => l.name,
      render: (l) => (
        <span className="lane-name">
          <span className="row nowrap">
            <strong>{l.name}</strong>
            <button type="button" className="small" aria-label={`Change lane ${l.name}`} aria-pressed={l.name === selectedName}
              onClick={() => select(l.name)}>
              Change
            </button>
          </span>
          {l.max_concurrency === 0 ? <span className="badge state-pending-compensation">paused</span> : null}
          {l.closed ? <span className="badge state-cancelled">closed</span> : null}
          <span className="muted small nowrap">on full: {l.on_full}{l.redirect_to ? ` → ${l.redirect_to}` : ''}</span>
          {l.keyed ? <span className="muted small nowrap">template · {formatCount(l.keys ?? 0)} keys</span> : null}
        </span>
      ),
    },
    { key: 'running', header: 'Running', align: 'right', sortValue: (l) => l.running,
      render: (l) => <Load value={l.running} max={l.max_concurrency} label={`${l.running} running of max ${l.max_concurrency}`} /> },
    { key: 'waiting', header: 'Waiting', align: 'right', sortValue: (l) => l.waiting,
      render: (l) => <Load value={l.waiting} max={l.capacity} label={`${l.waiting} waiting of capacity ${l.capacity}`} /> },
    { key: 'blocked', header: 'Blocked', align: 'right', sortValue: (l) => l.blocked, render: (l) => formatCount(l.blocked) },
    { key: 'accepted', header: 'Accepted', align: 'right', sortValue: (l) => l.accepted, render: (l) => formatCount(l.accepted) },
    { key: 'admitted', header: 'Admitted', align: 'right', sortValue: (l) => l.admitted, render: (l) => formatCount(l.admitted) },
    { key: 'dropped', header: 'Dropped', align: 'right', sortValue: (l) => l.dropped,
      render: (l) => <span className={l.dropped ? 'lane-bad' : undefined}>{formatCount(l.dropped)}</span> },
    { key: 'rejected', header: 'Rejected', align: 'right', sortValue: (l) => l.rejected,
      render: (l) => <span className={l.rejected ? 'lane-bad' : undefined}>{formatCount(l.rejected)}</span> },
    { key: 'redirected', header: 'Redirected', align: 'right', sortValue: (l) => l.redirected, render: (l) => formatCount(l.redirected) },
    { key: 'cancelled', header: 'Cancelled', align: 'right', sortValue: (l) => l.cancelled, render: (l) => formatCount(l.cancelled) },
    { key: 'p50', header: 'Wait P50', align: 'right', sortValue: (l) => l.wait_seconds.p50,
      render: (l) => (l.wait_seconds.count ? formatDuration(l.wait_seconds.p50) : '—') },
    { key: 'p99', header: 'Wait P99', align: 'right', sortValue: (l) => l.wait_seconds.p99,
      render: (l) => (l.wait_seconds.count ? formatDuration(l.wait_seconds.p99) : '—') },
    { key: 'rate', header: 'Rate', render: (l) => <RateCell lane={l} /> },
  ];

  return (
    <Page
      title="Lanes"
      subtitle="Admission control: how much runs at once, what waits, what was turned away."
      actions={
        <AutoRefresh auto={refresh.auto} onAutoChange={refresh.setAuto} everyMs={LANES_REFRESH_MS} onRefresh={reload}
          refreshDisabled={loading && !data} />
      }
    >
      {error ? (
        <ErrorState error={error} onRetry={reload} title={data ? 'Refreshing the lanes failed (showing the last answer)' : 'Could not load the lanes'}
          compact={!!data} />
      ) : null}
      {!data && loading ? <Loading label="Loading lanes…" /> : null}
      {data ? (
        <div className="stack">
          <div className="lanes-table">
            <DataTable
              label="Lanes"
              columns={columns}
              rows={lanes}
              rowKey={(l) => l.name}
              onRowActivate={(l) => select(l.name)}
              rowClassName={(l) => (l.name === selectedName ? 'selected' : undefined)}
              empty={<EmptyState title="No lanes.">The server reports no lanes; its configuration defines them (lanes: in goclaw.yaml).</EmptyState>}
            />
          </div>
          {selectedName && !selected ? (
            <EmptyState title={`No lane named “${selectedName}”.`}>
              <button type="button" className="link" onClick={() => select(null)}>Close</button>
            </EmptyState>
          ) : null}
          {selected ? <LaneDetail lane={selected} onSaved={(l) => { setUpdated(l); reload(); }} onClose={() => select(null)} /> : null}
        </div>
      ) : null}
    </Page>
  );
}
