// The task panel: timings, attempts (from the events), resolved input (the task's config from
// the spec with upstream outputs filled in), output, error, logs and signals of one task.
import { useMemo, useState } from 'react';
import type { SpecTask, TaskLogs, TaskStatus, WorkflowStatus } from '../api/types';
import { useApi } from '../api/useApi';
import { EmptyState } from '../components/EmptyState';
import { ErrorState } from '../components/ErrorState';
import { formatDuration, formatTime } from '../components/format';
import { JsonView } from '../components/JsonView';
import { Loading } from '../components/Loading';
import { StateBadge } from '../components/StateBadge';
import type { Attempt } from './attempts';
import { referencedTasks, resolveTemplates } from './resolve';
import type { SpecAndInput } from './runAgain';

interface SignalList {
  workflow_id: string;
  signals: { seq: number; kind: string; task: string | null; state: string; payload?: unknown; created_at?: string;
    deliveries?: { task: string; state: string; attempt?: number; delivered_at?: string; acknowledged_at?: string }[] }[];
  total: number;
}

export interface TaskPanelProps {
  workflow: WorkflowStatus;
  task: TaskStatus;
  attempts: Attempt[];
  spec?: SpecAndInput;
  specError?: Error;
  onClose: () => void;
  onSelect: (id: string) => void;
}

function ResultView({ workflowId, task }: { workflowId: string; task: TaskStatus }) {
  const needFetch = task.status === 'completed' && task.result === undefined && !!task.result_ref;
  const res = useApi<unknown>(needFetch ? 'taskResult' : null, { params: { id: workflowId, task: task.id } }, [task.status]);
  if (task.status !== 'completed') return <p className="muted">No output yet (the task is {task.status}).</p>;
  if (needFetch) {
    if (res.error) return <ErrorState error={res.error} onRetry={res.reload} compact />;
    if (res.loading) return <Loading label="Loading the output…" />;
    return <JsonView value={res.data} label={`Output of ${task.id}`} />;
  }
  return <JsonView value={task.result ?? null} label={`Output of ${task.id}`} />;
}

function Logs({ workflowId, task }: { workflowId: string; task: TaskStatus }) {
  const [attempt, setAttempt] = useState('');
  const logs = useApi<TaskLogs>('taskLogs', { params: { id: workflowId, task: task.id }, query: { attempt: attempt || undefined } },
    [task.status, task.attempts]);
  return (
    <div>
      <div className="row">
        <h3 id={`logs-${task.id}`}>Logs</h3>
        <span className="spacer" />
        {task.attempts > 1 ? (
          <label className="inline small">
            Attempt
            <select value={attempt} onChange={(e) => setAttempt(e.target.value)}>
              <option value="">all</option>
              {Array.from({ length: task.attempts }, (_, i) => <option key={i} value={String(i + 1)}>{i + 1}</option>)}
            </select>
          </label>
        ) : null}
        <button type="button" className="small" onClick={logs.reload}>Refresh logs</button>
      </div>
      {logs.error ? <ErrorState error={logs.error} onRetry={logs.reload} compact /> : null}
      {logs.loading && !logs.data ? <Loading /> : null}
      {logs.data && logs.data.lines.length === 0 ? <EmptyState title="No log lines." /> : null}
      {logs.data && logs.data.lines.length > 0 ? (
        <pre className="log-lines" aria-labelledby={`logs-${task.id}`} tabIndex={0}>
          {logs.data.lines.map((l, i) => (
            <div key={i} className={`log-line ${l.stream}`}>
              <span className="stream">[{l.attempt}] {formatTime(l.time)} {l.stream}</span>
              <span className="text">{l.text}</span>
            </div>
          ))}
        </pre>
      ) : null}
      {logs.data?.truncated_attempts?.length ? <p className="muted small">Truncated attempts: {logs.data.truncated_attempts.join(', ')}</p> : null}
    </div>
  );
}

function Signals({ workflowId, task }: { workflowId: string; task: TaskStatus }) {
  const sig = useApi<SignalList>('listSignals', { params: { id: workflowId }, query: { task: task.id } }, [task.status]);
  return (
    <div>
      <div className="row"><h3>Signals</h3><span className="spacer" /><button type="button" className="small" onClick={sig.reload}>Refresh signals</button></div>
      {sig.error ? <ErrorState error={sig.error} onRetry={sig.reload} compact /> : null}
      {sig.loading && !sig.data ? <Loading /> : null}
      {sig.data && sig.data.signals.length === 0 ? <EmptyState title="No signals for this task." /> : null}
      {sig.data && sig.data.signals.length > 0 ? (
        <ul className="signal-list" aria-label={`Signals of ${task.id}`}>
          {sig.data.signals.map((s) => (
            <li key={s.seq}>
              <div className="row">
                <strong>#{s.seq} {s.kind}</strong> <StateBadge state={s.state} />
                <span className="muted small">{formatTime(s.created_at)}</span>
              </div>
              {s.payload !== undefined ? <JsonView value={s.payload} label={`Payload of signal ${s.seq}`} maxChars={2000} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function TaskPanel({ workflow, task, attempts, spec, specError, onClose, onSelect }: TaskPanelProps) {
  const specTask = useMemo(() => (spec?.spec.tasks as SpecTask[] | undefined)?.find((t) => t.id === task.id), [spec, task.id]);
  const outputs = useMemo(() => {
    const o: Record<string, unknown> = {};
    for (const t of workflow.tasks) if (t.status === 'completed' && t.result !== undefined) o[t.id] = t.result;
    return o;
  }, [workflow.tasks]);
  const resolved = useMemo(() => (specTask ? resolveTemplates(specTask.config ?? {}, { input: spec?.input, outputs }) : undefined), [specTask, spec, outputs]);
  const upstream = specTask?.depends_on ?? task.depends_on ?? [];
  const refs = specTask ? referencedTasks(specTask.config) : [];

  return (
    <section className="card task-panel" aria-labelledby="task-panel-title">
      <div className="row">
        <h2 id="task-panel-title">Task {task.id}</h2>
        <StateBadge state={task.status} />
        <span className="muted small">{task.type}{task.name && task.name !== task.id ? ` · ${task.name}` : ''}</span>
        <span className="spacer" />
        <button type="button" onClick={onClose} aria-label="Close task panel">Close</button>
      </div>
      <div className="panel-sections">
        <div>
          <h3>Timings</h3>
          <dl className="kv">
            <dt>Started</dt><dd>{formatTime(task.started_at)}</dd>
            <dt>Completed</dt><dd>{formatTime(task.completed_at)}</dd>
            <dt>Duration</dt><dd>{formatDuration(task.duration_seconds)}</dd>
            <dt>Attempts</dt><dd>{task.attempts}</dd>
            {upstream.length ? (<><dt>Depends on</dt><dd>{upstream.map((u, i) => (
              <span key={u}>{i ? ', ' : ''}<button type="button" className="link" onClick={() => onSelect(u)}>{u}</button></span>))}</dd></>) : null}
          </dl>
          <h3>Attempts</h3>
          {attempts.length === 0 ? <p className="muted">No attempt yet.</p> : (
            <table className="data-table compact-table" aria-label={`Attempts of ${task.id}`}>
              <thead><tr><th scope="col">#</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Outcome</th><th scope="col">Error</th></tr></thead>
              <tbody>
                {attempts.map((a) => (
                  <tr key={a.attempt}>
                    <td>{a.attempt}</td>
                    <td>{formatTime(new Date(a.start).toISOString())}</td>
                    <td>{formatDuration(((a.end ?? Date.now()) - a.start) / 1000)}</td>
                    <td><StateBadge state={a.outcome} /></td>
                    <td className="small">{a.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {task.error ? (<><h3>Error</h3><div className="error-state compact" role="note"><p className="error-message">{task.error}</p></div></>) : null}
        </div>
        <div>
          <h3>Resolved input</h3>
          {specTask ? (
            <>
              <JsonView value={resolved} label={`Resolved input of ${task.id}`} />
              <p className="muted small">The task's config from the spec{refs.length ? <>, with the outputs of {refs.join(', ')}</> : null}
                {JSON.stringify(spec?.input ?? null) !== 'null' ? ' and the workflow input' : ''} filled in.</p>
            </>
          ) : specError ? <ErrorState error={specError} title="Cannot load the spec" compact /> : <p className="muted">Not in the spec.</p>}
          <h3>Output</h3>
          <ResultView workflowId={workflow.id} task={task} />
        </div>
      </div>
      <Logs workflowId={workflow.id} task={task} />
      <Signals workflowId={workflow.id} task={task} />
    </section>
  );
}
