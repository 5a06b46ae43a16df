// The task graph of one workflow as pure functions: dependencies (from each task's
// depends_on, or the spec), topological levels, the critical path, the decision to collapse
// large graphs, groups by level, and a task's neighbourhood. No React, no DOM: unit-tested,
// and fast enough for 10,000 tasks.
import type { TaskStatus } from '../api/types';

export interface Dag {
  ids: string[];
  index: Map<string, number>;
  /** deps[i] = indexes of the tasks task i depends on (upstream). */
  deps: number[][];
  /** dependents[i] = indexes of the tasks that depend on task i (downstream). */
  dependents: number[][];
}

export function buildDag(tasks: { id: string; depends_on?: string[] }[], specDeps?: Map<string, string[]>): Dag {
  const ids = tasks.map((t) => t.id);
  const index = new Map<string, number>();
  ids.forEach((id, i) => index.set(id, i));
  const deps: number[][] = ids.map(() => []);
  const dependents: number[][] = ids.map(() => []);
  tasks.forEach((t, i) => {
    const list = t.depends_on ?? specDeps?.get(t.id) ?? [];
    for (const d of list) {
      const j = index.get(d);
      if (j === undefined || j === i) continue;
      deps[i].push(j);
      dependents[j].push(i);
    }
  });
  return { ids, index, deps, dependents };
}

/** A topological order (Kahn); tasks on a cycle (should not happen) are appended at the end. */
export function topoOrder(dag: Dag): number[] {
  const n = dag.ids.length;
  const indeg = dag.deps.map((d) => d.length);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  const order: number[] = [];
  for (let h = 0; h < queue.length; h++) {
    const v = queue[h];
    order.push(v);
    for (const w of dag.dependents[v]) if (--indeg[w] === 0) queue.push(w);
  }
  if (order.length < n) {
    const seen = new Set(order);
    for (let i = 0; i < n; i++) if (!seen.has(i)) order.push(i);
  }
  return order;
}

/** Level of each task: 0 for roots, else 1 + the deepest dependency. */
export function levels(dag: Dag): number[] {
  const lv = new Array<number>(dag.ids.length).fill(0);
  for (const v of topoOrder(dag)) {
    let l = 0;
    for (const u of dag.deps[v]) l = Math.max(l, lv[u] + 1);
    lv[v] = l;
  }
  return lv;
}

/** How long a task ran (completed: its duration; running: until now); else undefined. */
export function taskSeconds(t: TaskStatus, now: number = Date.now()): number | undefined {
  if (t.status === 'completed') {
    if (typeof t.duration_seconds === 'number') return t.duration_seconds;
    if (t.started_at && t.completed_at) return Math.max(0, (Date.parse(t.completed_at) - Date.parse(t.started_at)) / 1000);
    return 0;
  }
  if (t.status === 'running' || t.status === 'retrying') {
    if (!t.started_at) return 0;
    return Math.max(0, (now - Date.parse(t.started_at)) / 1000);
  }
  return undefined;
}

export interface CriticalPath {
  /** Task ids from the first to the last task of the path. */
  tasks: string[];
  /** "from->to" keys of the path's edges. */
  edges: Set<string>;
  seconds: number;
}

export const edgeKey = (from: string, to: string) => `${from}->${to}`;

/**
 * The longest path by duration through completed and running tasks (others are left out:
 * they have no duration yet). Ties keep the first dependency in spec order.
 */
export function criticalPath(tasks: TaskStatus[], dag: Dag = buildDag(tasks), now: number = Date.now()): CriticalPath {
  const n = tasks.length;
  const w = tasks.map((t) => taskSeconds(t, now));
  const best = new Array<number>(n).fill(-1);
  const prev = new Array<number>(n).fill(-1);
  let end = -1;
  for (const v of topoOrder(dag)) {
    const wv = w[v];
    if (wv === undefined) continue;
    let from = -1;
    let base = 0;
    for (const u of dag.deps[v]) {
      if (best[u] >= 0 && (from === -1 || best[u] > base)) {
        from = u;
        base = best[u];
      }
    }
    best[v] = base + wv;
    prev[v] = from;
    if (end === -1 || best[v] > best[end]) end = v;
  }
  if (end === -1) return { tasks: [], edges: new Set(), seconds: 0 };
  const path: number[] = [];
  for (let v = end; v !== -1; v = prev[v]) path.push(v);
  path.reverse();
  const ids = path.map((i) => dag.ids[i]);
  const edges = new Set<string>();
  for (let i = 1; i < ids.length; i++) edges.add(edgeKey(ids[i - 1], ids[i]));
  return { tasks: ids, edges, seconds: best[end] };
}

// ---- large graphs ----

/** Above this many tasks the full graph is not drawn (layout and DOM would freeze the tab). */
export const FULL_GRAPH_LIMIT = 500;

export type GraphMode = 'full' | 'collapsed';

export function chooseGraphMode(taskCount: number, limit: number = FULL_GRAPH_LIMIT): GraphMode {
  return taskCount > limit ? 'collapsed' : 'full';
}

export interface TaskGroup {
  id: string;
  /** The levels [lo, hi] this group covers. */
  levels: [number, number];
  /** Task indexes in this group. */
  members: number[];
  /** Count of members per state. */
  states: Record<string, number>;
  label: string;
}

export interface GroupGraph {
  groups: TaskGroup[];
  /** Edges between groups, with how many task edges each stands for. */
  edges: { from: string; to: string; count: number }[];
}

/** At most this many group nodes: deeper graphs put several levels in one group. */
export const MAX_GROUPS = 24;

/**
 * Collapses the graph into one node per topological level — or per band of consecutive levels
 * when there are more than maxGroups levels. A group of one task keeps its id.
 */
export function groupByLevel(tasks: TaskStatus[], dag: Dag, lv: number[] = levels(dag), maxGroups = MAX_GROUPS): GroupGraph {
  let maxLevel = 0;
  for (const l of lv) if (l > maxLevel) maxLevel = l;
  const band = Math.max(1, Math.ceil((maxLevel + 1) / maxGroups));
  const byBand = new Map<number, number[]>();
  lv.forEach((l, i) => {
    const k = Math.floor(l / band);
    const list = byBand.get(k);
    if (list) list.push(i);
    else byBand.set(k, [i]);
  });
  const groups: TaskGroup[] = [];
  const groupOf = new Array<string>(tasks.length);
  const n = (x: number) => x.toLocaleString('en-US');
  for (const k of [...byBand.keys()].sort((a, b) => a - b)) {
    const members = byBand.get(k)!;
    const lo = k * band;
    const hi = Math.min(maxLevel, lo + band - 1);
    const states: Record<string, number> = {};
    for (const i of members) states[tasks[i].status] = (states[tasks[i].status] ?? 0) + 1;
    let id: string;
    let label: string;
    if (members.length === 1) {
      id = `task:${tasks[members[0]].id}`;
      label = tasks[members[0]].id;
    } else if (lo === hi) {
      id = `level:${lo}`;
      label = `level ${lo} · ${n(members.length)} tasks`;
    } else {
      id = `levels:${lo}-${hi}`;
      label = `levels ${lo}–${hi} · ${n(members.length)} tasks`;
    }
    for (const i of members) groupOf[i] = id;
    groups.push({ id, levels: [lo, hi], members, states, label });
  }
  const counts = new Map<string, number>();
  dag.deps.forEach((ds, v) => {
    for (const u of ds) {
      if (groupOf[u] === groupOf[v]) continue;
      const k = `${groupOf[u]}\u0000${groupOf[v]}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  });
  const edges = [...counts.entries()].map(([k, count]) => {
    const [from, to] = k.split('\u0000');
    return { from, to, count };
  });
  return { groups, edges };
}

export interface Neighbourhood {
  center: number;
  upstream: number[];
  downstream: number[];
  hiddenUpstream: number;
  hiddenDownstream: number;
}

/** A task with its direct dependencies and dependents, each side capped at `cap`. */
export function neighbourhood(dag: Dag, center: number, cap = 40): Neighbourhood {
  const up = dag.deps[center] ?? [];
  const down = dag.dependents[center] ?? [];
  return {
    center,
    upstream: up.slice(0, cap),
    downstream: down.slice(0, cap),
    hiddenUpstream: Math.max(0, up.length - cap),
    hiddenDownstream: Math.max(0, down.length - cap),
  };
}

/** Count of tasks per state. */
export function stateCounts(tasks: { status: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tasks) out[t.status] = (out[t.status] ?? 0) + 1;
  return out;
}
