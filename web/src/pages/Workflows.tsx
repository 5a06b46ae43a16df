// Workflows: a table filtered by state and name (debounced; both kept in the URL), newest
// first unless the order says oldest (order=asc in the URL), paged by cursor (Next follows next_cursor, Back pops a stack), updated live from workflow.* events;
// Cancel on unfinished rows, Run again on every row, and the Submit workflow panel.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, call } from '../api/client';
import { useEvents, useThrottled } from '../api/events';
import type { WorkflowList, WorkflowSummary } from '../api/types';
import { FINISHED_WORKFLOW_STATES, WORKFLOW_STATES } from '../api/types';
import { useApi } from '../api/useApi';
import { ConfirmButton } from '../components/ConfirmButton';
import { DataTable, type Column } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { formatCount, formatTime, shortId } from '../components/format';
import { Loading } from '../components/Loading';
import { Page } from '../components/Page';
import { StateBadge } from '../components/StateBadge';
import { useToast } from '../components/Toast';
import { runAgain } from '../workflow/runAgain';
import { SubmitPanel } from '../workflow/SubmitPanel';

const PAGE_SIZE = 25;

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function errText(e: unknown): string {
  return e instanceof ApiError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
}

export default function WorkflowsPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const notify = useToast();
  const state = params.get('state') ?? '';
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const [nameInput, setNameInput] = useState(params.get('name') ?? '');
  const name = useDebounced(nameInput.trim(), 300);
  const [cursors, setCursors] = useState<string[]>([]); // stack of cursors of the pages before
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [showSubmit, setShowSubmit] = useState(params.get('submit') === '1');

  // A filter change starts from the first page.
  useEffect(() => {
    setCursor(undefined);
    setCursors([]);
  }, [state, name, order]);
  useEffect(() => {
    const p = new URLSearchParams(params);
    if (name) p.set('name', name); else p.delete('name');
    if (p.toString() !== params.toString()) setParams(p, { replace: true });
  }, [name]); // eslint-disable-line react-hooks/exhaustive-deps

  const list = useApi<WorkflowList>('listWorkflows', { query: { status: state || undefined, name: name || undefined, order, limit: PAGE_SIZE, cursor } });
  const refresh = useThrottled(list.reload, 1500);
  useEvents({ kinds: ['workflow.*'] }, refresh, { onReconnect: refresh });

  const setState = (s: string) => {
    const p = new URLSearchParams(params);
    if (s) p.set('state', s); else p.delete('state');
    setParams(p, { replace: true });
  };
  const setOrder = (o: string) => {
    const p = new URLSearchParams(params);
    if (o === 'asc') p.set('order', 'asc'); else p.delete('order');
    setParams(p, { replace: true });
  };

  const cancel = useCallback(async (w: WorkflowSummary) => {
    try {
      await call('cancelWorkflow', { params: { id: w.id } });
      notify(`Cancelled ${w.name} (${shortId(w.id)})`, 'success');
      list.reload();
    } catch (e) {
      notify(`Cancel failed: ${errText(e)}`, 'error');
    }
  }, [list, notify]);

  const again = useCallback(async (w: WorkflowSummary) => {
    try {
      const n = await runAgain(w.id);
      notify(<>Started <Link to={`/workflows/${encodeURIComponent(n.id)}`}>{n.name} again</Link></>, 'success');
      list.reload();
    } catch (e) {
      notify(`Run again failed: ${errText(e)}`, 'error');
    }
  }, [list, notify]);

  const columns = useMemo<Column<WorkflowSummary>[]>(() => [
    { key: 'name', header: 'Name', sortValue: (w) => w.name,
      render: (w) => <Link to={`/workflows/${encodeURIComponent(w.id)}`}>{w.name}</Link> },
    { key: 'id', header: 'ID', render: (w) => <code className="small" title={w.id}>{shortId(w.id)}</code> },
    { key: 'status', header: 'State', sortValue: (w) => w.status, render: (w) => <StateBadge state={w.status} /> },
    { key: 'tasks', header: 'Tasks', align: 'right', sortValue: (w) => w.tasks ?? 0, render: (w) => formatCount(w.tasks) },
    { key: 'created', header: 'Created', sortValue: (w) => w.created_at, render: (w) => <span className="nowrap">{formatTime(w.created_at)}</span> },
    { key: 'actions', header: <span className="sr-only">Actions</span>, render: (w) => (
      <span className="row nowrap">
        {!FINISHED_WORKFLOW_STATES.includes(w.status) ? (
          <ConfirmButton label="Cancel" ariaLabel={`Cancel ${w.name} ${w.id}`} confirmLabel="Confirm cancel" onConfirm={() => cancel(w)} />
        ) : null}
        <button type="button" aria-label={`Run ${w.name} ${w.id} again`} onClick={() => again(w)}>Run again</button>
      </span>
    ) },
  ], [cancel, again]);

  const data = list.data;
  const page = cursors.length + 1;
  return (
    <Page title="Workflows" actions={
      <button type="button" className="primary" aria-expanded={showSubmit} onClick={() => setShowSubmit((s) => !s)}>
        {showSubmit ? 'Hide submit panel' : 'Submit workflow'}
      </button>
    }>
      <div className="stack">
        {showSubmit ? (
          <SubmitPanel onClose={() => setShowSubmit(false)} onSubmitted={(w) => {
            notify(`Submitted ${w.name}`, 'success');
            navigate(`/workflows/${encodeURIComponent(w.id)}`);
          }} />
        ) : null}
        <div className="row filters" role="search" aria-label="Filter workflows">
          <label>
            State
            <select value={state} onChange={(e) => setState(e.target.value)}>
              <option value="">any</option>
              {WORKFLOW_STATES.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
          <label>
            Name
            <input type="search" value={nameInput} placeholder="exact workflow name" onChange={(e) => setNameInput(e.target.value)} />
          </label>
          <label>
            Order
            <select value={order} onChange={(e) => setOrder(e.target.value)}>
              <option value="desc">newest first</option>
              <option value="asc">oldest first</option>
            </select>
          </label>
          <span className="spacer" />
          {data ? <span className="muted small">{formatCount(data.total)} workflow{data.total === 1 ? '' : 's'} · page {page}</span> : null}
        </div>
        {list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
        {list.loading && !data ? <Loading /> : null}
        {data ? (
          <DataTable label="Workflows" columns={columns} rows={data.workflows} rowKey={(w) => w.id}
            onRowActivate={(w) => navigate(`/workflows/${encodeURIComponent(w.id)}`)}
            empty={<EmptyState title={state || name ? 'No workflow matches these filters.' : 'No workflows yet.'}>
              {state || name ? <button type="button" onClick={() => { setNameInput(''); setState(''); }}>Clear filters</button>
                : <button type="button" onClick={() => setShowSubmit(true)}>Submit one</button>}
            </EmptyState>} />
        ) : null}
        {data && (cursors.length > 0 || data.next_cursor) ? (
          <nav className="row pager" aria-label="Pages">
            <button type="button" disabled={cursors.length === 0} onClick={() => {
              const stack = [...cursors];
              const prev = stack.pop();
              setCursors(stack);
              setCursor(prev === '' ? undefined : prev);
            }}>← Back</button>
            <span className="muted small">page {page}</span>
            <button type="button" disabled={!data.next_cursor} onClick={() => {
              setCursors((s) => [...s, cursor ?? '']);
              setCursor(data.next_cursor ?? undefined);
            }}>Next →</button>
          </nav>
        ) : null}
      </div>
    </Page>
  );
}
