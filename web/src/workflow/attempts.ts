// Attempts of each task rebuilt from a workflow's event history (GET …/events and the live
// stream): an attempt starts at `→ running` with its number and ends at the next move out of
// running (completed, failed, retrying, cancelled…). Feeds the task panel and the Gantt chart.
import type { WorkflowEvent } from '../api/types';

export interface Attempt {
  task: string;
  attempt: number;
  start: number; // ms since epoch
  end?: number;
  outcome: string; // running | completed | failed | retrying | cancelled | …
  error?: string;
}

/** True for a task state change (not a workflow or signal event). */
export function isTaskEvent(e: WorkflowEvent): boolean {
  if (!e.task_id) return false;
  const k = e.kind;
  return k === undefined || k === 'task' || k.startsWith('task.');
}

/** Folds events (any order; sorted by seq here) into attempts per task id. */
export function attemptsFromEvents(events: WorkflowEvent[]): Map<string, Attempt[]> {
  let ordered = true;
  for (let i = 1; i < events.length && ordered; i++) ordered = events[i - 1].seq <= events[i].seq;
  const sorted = ordered ? events : [...events].sort((a, b) => a.seq - b.seq);
  const out = new Map<string, Attempt[]>();
  for (const e of sorted) {
    if (!isTaskEvent(e)) continue;
    const task = e.task_id!;
    const t = Date.parse(e.time);
    const list = out.get(task) ?? [];
    if (e.to === 'running') {
      const open = list[list.length - 1];
      if (open && open.end === undefined && open.outcome === 'running') open.end = t; // lost end
      list.push({ task, attempt: e.attempt ?? list.length + 1, start: t, outcome: 'running' });
      out.set(task, list);
    } else if (e.from === 'running' || e.from === 'waiting') {
      const open = [...list].reverse().find((a) => a.end === undefined);
      if (open) {
        open.end = t;
        open.outcome = e.to;
        if (e.error) open.error = e.error;
      }
    } else if (e.error && list.length) {
      const last = list[list.length - 1];
      if (!last.error) last.error = e.error;
    }
  }
  return out;
}

/** All attempts ordered by start, for the Gantt chart; plus the time span. */
export function ganttRows(byTask: Map<string, Attempt[]>, order?: string[]): { rows: { task: string; attempts: Attempt[] }[]; t0: number; t1: number } {
  const tasks = order ? order.filter((id) => byTask.has(id)) : [...byTask.keys()];
  const rows = tasks.map((task) => ({ task, attempts: byTask.get(task)! }));
  rows.sort((a, b) => a.attempts[0].start - b.attempts[0].start);
  let t0 = Infinity;
  let t1 = -Infinity;
  const now = Date.now();
  for (const r of rows) {
    for (const a of r.attempts) {
      t0 = Math.min(t0, a.start);
      t1 = Math.max(t1, a.end ?? now);
    }
  }
  if (!Number.isFinite(t0)) return { rows, t0: 0, t1: 0 };
  return { rows, t0, t1: Math.max(t1, t0 + 1) };
}
