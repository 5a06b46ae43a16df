// Workflow detail: header (name, id, state, times, Cancel, Run again, Send signal), the DAG
// (live node states, critical path; collapsed above FULL_GRAPH_LIMIT tasks), the virtualised
// task list, the task panel (?task=<id>), and the Gantt timeline of attempts.
import { useCallback, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, call } from '../api/client';
import type { SpecTask } from '../api/types';
import { FINISHED_WORKFLOW_STATES } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorState } from '../components/ErrorState';
import { formatDuration, formatTime, secondsBetween } from '../components/format';
import { Loading } from '../components/Loading';
import { Page } from '../components/Page';
import { StateBadge } from '../components/StateBadge';
import { useToast } from '../components/Toast';
import { attemptsFromEvents } from '../workflow/attempts';
import { DagView } from '../workflow/DagView';
import { Gantt } from '../workflow/Gantt';
import { buildDag, chooseGraphMode, criticalPath, levels as computeLevels, stateCounts } from '../workflow/graph';
import { runAgain } from '../workflow/runAgain';
import { SignalForm } from '../workflow/SignalForm';
import { TaskList } from '../workflow/TaskList';
import { TaskPanel } from '../workflow/TaskPanel';
import { useWorkflowLive } from '../workflow/useWorkflowLive';

const GRAPH_H = 460;

export default function WorkflowDetailPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const notify = useToast();
  const wf = useWorkflowLive(id);
  const selected = params.get('task') ?? undefined;
  const [levelRange, setLevelRange] = useState<[number, number] | null>(null);
  const [showSignal, setShowSignal] = useState<boolean | null>(null);

  const select = useCallback((taskId: string | undefined) => {
    const p = new URLSearchParams(params);
    if (taskId) p.set('task', taskId); else p.delete('task');
    setParams(p, { replace: true });
    if (taskId) setTimeout(() => document.getElementById('task-panel-title')?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' }), 50);
  }, [params, setParams]);

  const status = wf.status;
  const tasks = useMemo(() => status?.tasks ?? [], [status]);
  const specDeps = useMemo(() => {
    const st = wf.spec?.spec.tasks as SpecTask[] | undefined;
    return st ? new Map(st.map((t) => [t.id, t.depends_on ?? []])) : undefined;
  }, [wf.spec]);
  // the structure changes rarely: rebuild the DAG only when ids or dependencies change
  const structureKey = useMemo(() => `${tasks.length}|${tasks.map((t) => t.id).join(',').length}|${specDeps ? specDeps.size : -1}`, [tasks, specDeps]);
  const dag = useMemo(() => buildDag(tasks, specDeps), [structureKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const lv = useMemo(() => (chooseGraphMode(tasks.length) === 'collapsed' ? computeLevels(dag) : undefined), [dag, tasks.length]);
  const critical = useMemo(() => criticalPath(tasks, dag), [tasks, dag]);
  const critSet = useMemo(() => new Set(critical.tasks), [critical]);
  const attempts = useMemo(() => attemptsFromEvents(wf.events), [wf.events]);
  const counts = useMemo(() => stateCounts(tasks), [tasks]);
  const selectedTask = selected ? tasks.find((t) => t.id === selected) : undefined;
  const noDeps = tasks.length > 1 && dag.deps.every((d) => d.length === 0) && !specDeps && tasks.every((t) => t.depends_on === undefined);

  if (!status) {
    return (
      <Page title="Workflow" subtitle={<code>{id}</code>}>
        {wf.statusError ? <ErrorState error={wf.statusError} onRetry={wf.reload} title={wf.statusError instanceof ApiError && wf.statusError.status === 404 ? 'No such workflow' : 'Cannot load the workflow'} /> : <Loading />}
        <p><Link to="/workflows">← All workflows</Link></p>
      </Page>
    );
  }

  const finished = FINISHED_WORKFLOW_STATES.includes(status.status);
  const signalOpen = showSignal ?? !finished;
  const cancel = async () => {
    try {
      await call('cancelWorkflow', { params: { id } });
      notify('Workflow cancelled', 'success');
      wf.reload();
    } catch (e) {
      notify(`Cancel failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  };
  const again = async () => {
    try {
      const n = await runAgain(id);
      notify(`Started ${n.name} again`, 'success');
      navigate(`/workflows/${encodeURIComponent(n.id)}`);
    } catch (e) {
      notify(`Run again failed: ${e instanceof ApiError ? `${e.code}: ${e.message}` : String(e)}`, 'error');
    }
  };

  return (
    <Page
      title={status.name}
      subtitle={
        <span className="row small">
          <code title="workflow id">{status.id}</code>
          <StateBadge state={status.status} />
          <span>created {formatTime(status.created_at)}</span>
          {status.started_at ? <span>started {formatTime(status.started_at)}</span> : null}
          {status.completed_at ? <span>finished {formatTime(status.completed_at)}</span> : null}
          <span>duration {formatDuration(secondsBetween(status.started_at ?? status.created_at, status.completed_at))}</span>
          <span className={wf.live ? 'ok-text' : 'muted'}>{wf.live ? '● live' : finished ? '' : '○ not live'}</span>
        </span>
      }
      actions={
        <>
          {!finished ? <ConfirmButton label="Cancel workflow" confirmLabel="Confirm cancel" onConfirm={cancel} /> : null}
          <button type="button" onClick={again}>Run again</button>
          <button type="button" aria-expanded={signalOpen} onClick={() => setShowSignal(!signalOpen)}>
            {signalOpen ? 'Hide signal form' : 'Send signal'}
          </button>
        </>
      }>
      <div className="stack">
        {status.error ? <div className="error-state" role="note"><strong>Error:</strong> <span className="error-message">{status.error}</span></div> : null}
        {signalOpen ? (
          <section className="card" aria-labelledby="signal-title">
            <h2 id="signal-title">Send signal</h2>
            <SignalForm workflowId={id} tasks={tasks} spec={wf.spec} />
          </section>
        ) : null}
        {wf.eventsError ? <ErrorState error={wf.eventsError} onRetry={wf.reload} title="Cannot load the event history (attempts and timeline)" compact /> : null}
        {noDeps && wf.specError ? (
          <ErrorState error={wf.specError} onRetry={wf.reload} title="Cannot load the spec: the graph has no edges and inputs cannot be resolved" compact />
        ) : null}

        <section aria-labelledby="graph-title">
          <div className="row">
            <h2 id="graph-title">Graph</h2>
            <span className="small muted">
              {Object.entries(counts).map(([s, n]) => `${n.toLocaleString('en-US')} ${s}`).join(' · ')}
            </span>
            <span className="spacer" />
            {critical.tasks.length > 0 ? (
              <span className="small" title={critical.tasks.join(' → ')}>
                <span className="crit-mark">◆</span> critical path: {critical.tasks.length > 6 ? `${critical.tasks.slice(0, 3).join(' → ')} → … → ${critical.tasks.slice(-2).join(' → ')}` : critical.tasks.join(' → ')} ({formatDuration(critical.seconds)})
              </span>
            ) : null}
          </div>
          <div className="detail-grid">
            <DagView tasks={tasks} dag={dag} critical={critical} selected={selected} onSelect={select} onSelectLevels={setLevelRange} height={GRAPH_H} />
            <TaskList tasks={tasks} levels={lv} levelRange={levelRange} onClearLevel={() => setLevelRange(null)} selected={selected} onSelect={select}
              critical={critSet} height={GRAPH_H - 90} />
          </div>
        </section>

        {selectedTask ? (
          <TaskPanel workflow={status} task={selectedTask} attempts={attempts.get(selectedTask.id) ?? []} spec={wf.spec} specError={wf.specError}
            onClose={() => select(undefined)} onSelect={select} />
        ) : selected ? <ErrorState error={new Error(`This workflow has no task "${selected}".`)} title="Unknown task" onRetry={() => select(undefined)} compact /> : null}

        <section className="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title">Timeline</h2>
          <Gantt attempts={attempts} critical={critSet} selected={selected} onSelect={select} />
        </section>
        <p><Link to="/workflows">← All workflows</Link></p>
      </div>
    </Page>
  );
}
