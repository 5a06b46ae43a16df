// Loads one workflow for the detail page — its status, event history and spec — and keeps it
// live: after the history it subscribes to /ws/events for this workflow from the last seq it
// read (`since`), buffers incoming events and applies them in batches (a 10,000-task workflow
// sends tens of thousands), patching task states at once and re-reading the full status
// (results, durations) at a throttled pace.
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, isAbort } from '../api/client';
import { useEvents, type LiveEvent } from '../api/events';
import type { TaskState, WorkflowEvent, WorkflowEvents, WorkflowState, WorkflowStatus } from '../api/types';
import { FINISHED_WORKFLOW_STATES } from '../api/types';
import { fetchSpec, type SpecAndInput } from './runAgain';

export interface WorkflowLive {
  status?: WorkflowStatus;
  statusError?: Error;
  events: WorkflowEvent[];
  eventsError?: Error;
  spec?: SpecAndInput;
  specError?: Error;
  loading: boolean;
  live: boolean;
  reload(): void;
}

const FLUSH_MS = 250;

/** Applies a batch of live events to a status (pure; exported for tests). */
export function applyEvents(status: WorkflowStatus, batch: WorkflowEvent[]): WorkflowStatus {
  let wfState: WorkflowState = status.status;
  const patch = new Map<string, { to: string; attempt?: number; error?: string; time: string }>();
  for (const e of batch) {
    const kind = e.kind ?? '';
    if (kind.startsWith('signal')) continue;
    if (e.task_id) patch.set(e.task_id, { to: e.to, attempt: e.attempt, error: e.error, time: e.time });
    else if (kind === '' || kind.startsWith('workflow.')) wfState = e.to as WorkflowState;
  }
  if (patch.size === 0 && wfState === status.status) return status;
  const tasks = patch.size === 0 ? status.tasks : status.tasks.map((t) => {
    const p = patch.get(t.id);
    if (!p) return t;
    const next = { ...t, status: p.to as TaskState };
    if (p.attempt !== undefined) next.attempts = Math.max(t.attempts, p.attempt);
    if (p.to === 'running' && !t.started_at) next.started_at = p.time;
    if (p.error) next.error = p.error;
    return next;
  });
  return { ...status, status: wfState, tasks };
}

export function useWorkflowLive(id: string): WorkflowLive {
  const [status, setStatus] = useState<WorkflowStatus>();
  const [statusError, setStatusError] = useState<Error>();
  const [events, setEvents] = useState<WorkflowEvent[]>([]);
  const [eventsError, setEventsError] = useState<Error>();
  const [since, setSince] = useState<number | null>(null);
  const [spec, setSpec] = useState<SpecAndInput>();
  const [specError, setSpecError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  // Subscribe only to a workflow the server knows (an unknown id would retry forever).
  const [known, setKnown] = useState(false);
  const [gen, setGen] = useState(0);
  const buffer = useRef<WorkflowEvent[]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFullLoad = useRef(0);
  const fullTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const statusRef = useRef<WorkflowStatus | undefined>(undefined);
  statusRef.current = status;

  const loadStatus = useCallback(async (signal?: AbortSignal) => {
    try {
      const s = await call<WorkflowStatus>('getWorkflow', { params: { id }, signal });
      lastFullLoad.current = Date.now();
      setStatus(s);
      setKnown(true);
      setStatusError(undefined);
    } catch (e) {
      if (!isAbort(e)) setStatusError(e as Error);
    }
  }, [id]);

  // initial load (and reload)
  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setSince(null);
    setKnown(false);
    buffer.current = [];
    const p1 = loadStatus(ctl.signal);
    const p2 = call<WorkflowEvents>('workflowEvents', { params: { id }, signal: ctl.signal })
      .then((r) => {
        setEvents(r.events);
        setEventsError(undefined);
        setSince(r.events.reduce((m, e) => Math.max(m, e.seq), 0));
      })
      .catch((e) => {
        if (isAbort(e)) return;
        setEventsError(e as Error);
        setSince(0);
      });
    const p3 = fetchSpec(id, ctl.signal)
      .then((s) => { setSpec(s); setSpecError(undefined); })
      .catch((e) => { if (!isAbort(e)) setSpecError(e as Error); });
    Promise.allSettled([p1, p2, p3]).then(() => { if (!ctl.signal.aborted) setLoading(false); });
    return () => ctl.abort();
  }, [id, gen, loadStatus]);

  useEffect(() => () => {
    if (flushTimer.current) clearTimeout(flushTimer.current);
    if (fullTimer.current) clearTimeout(fullTimer.current);
  }, []);

  const scheduleFullLoad = useCallback((urgent: boolean) => {
    if (fullTimer.current) return;
    const n = statusRef.current?.tasks.length ?? 0;
    const every = n > 2000 ? 6000 : n > 500 ? 3000 : 1200;
    const wait = urgent ? 150 : Math.max(0, lastFullLoad.current + every - Date.now());
    fullTimer.current = setTimeout(() => {
      fullTimer.current = null;
      void loadStatus();
    }, wait);
  }, [loadStatus]);

  const flush = useCallback(() => {
    flushTimer.current = null;
    const batch = buffer.current;
    buffer.current = [];
    if (batch.length === 0) return;
    setEvents((prev) => prev.concat(batch));
    setStatus((prev) => (prev ? applyEvents(prev, batch) : prev));
    const finished = batch.some((e) => !e.task_id && FINISHED_WORKFLOW_STATES.includes(e.to as WorkflowState));
    const taskDone = batch.some((e) => e.task_id && (e.to === 'completed' || e.to === 'failed'));
    if (finished || taskDone) scheduleFullLoad(finished);
  }, [scheduleFullLoad]);

  const onEvent = useCallback((e: LiveEvent) => {
    buffer.current.push(e);
    if (!flushTimer.current) flushTimer.current = setTimeout(flush, FLUSH_MS);
  }, [flush]);

  const { connected } = useEvents(
    since === null || !known ? null : { workflow_ids: [id], kinds: ['workflow.*', 'task.*', 'signal.*'], since },
    onEvent,
  );

  return {
    status, statusError, events, eventsError, spec, specError, loading,
    live: connected,
    reload: () => setGen((g) => g + 1),
  };
}
