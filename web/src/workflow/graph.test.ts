import { describe, expect, it } from 'vitest';
import type { TaskStatus } from '../api/types';
import { buildDag, chooseGraphMode, criticalPath, edgeKey, FULL_GRAPH_LIMIT, groupByLevel, levels, neighbourhood, topoOrder } from './graph';

function task(id: string, status: TaskStatus['status'], seconds: number | undefined, deps: string[] = []): TaskStatus {
  return { id, name: id, type: 'builtin', status, attempts: 1, duration_seconds: seconds, depends_on: deps };
}

describe('criticalPath', () => {
  it('takes the longest path by duration, not by length', () => {
    //   a(1) -> b(5) -> d(1)
    //   a(1) -> c(1) -> e(1) -> d
    const tasks = [
      task('a', 'completed', 1),
      task('b', 'completed', 5, ['a']),
      task('c', 'completed', 1, ['a']),
      task('e', 'completed', 1, ['c']),
      task('d', 'completed', 1, ['b', 'e']),
    ];
    const cp = criticalPath(tasks);
    expect(cp.tasks).toEqual(['a', 'b', 'd']);
    expect(cp.seconds).toBe(7);
    expect(cp.edges.has(edgeKey('a', 'b'))).toBe(true);
    expect(cp.edges.has(edgeKey('b', 'd'))).toBe(true);
    expect(cp.edges.has(edgeKey('a', 'c'))).toBe(false);
  });

  it('counts running tasks up to now and skips tasks that have not run', () => {
    const now = Date.parse('2026-01-01T00:00:10Z');
    const tasks: TaskStatus[] = [
      task('a', 'completed', 2),
      { ...task('b', 'running', undefined, ['a']), started_at: '2026-01-01T00:00:02Z' },
      task('c', 'completed', 1, ['a']),
      task('d', 'pending', undefined, ['b', 'c']),
    ];
    const cp = criticalPath(tasks, buildDag(tasks), now);
    expect(cp.tasks).toEqual(['a', 'b']);
    expect(cp.seconds).toBe(10);
  });

  it('is empty when nothing ran', () => {
    expect(criticalPath([task('a', 'pending', undefined)]).tasks).toEqual([]);
  });

  it('uses spec dependencies when the status has none', () => {
    const tasks = [task('a', 'completed', 1), { ...task('b', 'completed', 1), depends_on: undefined }];
    const dag = buildDag(tasks, new Map([['b', ['a']]]));
    expect(criticalPath(tasks, dag).tasks).toEqual(['a', 'b']);
  });
});

describe('levels and groups', () => {
  it('assigns levels and groups by level', () => {
    const tasks = [task('s', 'completed', 0), task('x', 'running', 0, ['s']), task('y', 'pending', 0, ['s']), task('j', 'pending', 0, ['x', 'y'])];
    const dag = buildDag(tasks);
    expect(levels(dag)).toEqual([0, 1, 1, 2]);
    const gg = groupByLevel(tasks, dag);
    expect(gg.groups.map((g) => g.id)).toEqual(['task:s', 'level:1', 'task:j']);
    expect(gg.groups[1].states).toEqual({ running: 1, pending: 1 });
    expect(gg.edges).toContainEqual({ from: 'task:s', to: 'level:1', count: 2 });
    expect(gg.edges).toContainEqual({ from: 'level:1', to: 'task:j', count: 2 });
  });
  it('bands deep graphs into at most maxGroups groups', () => {
    const tasks: TaskStatus[] = [];
    for (let l = 0; l < 100; l++) for (let i = 0; i < 3; i++) tasks.push(task(`t${l}-${i}`, 'pending', undefined, l ? [`t${l - 1}-${i}`] : []));
    const dag = buildDag(tasks);
    const gg = groupByLevel(tasks, dag, levels(dag), 24);
    expect(gg.groups.length).toBe(20); // bands of 5 levels
    expect(gg.groups[0]).toMatchObject({ id: 'levels:0-4', levels: [0, 4], label: 'levels 0–4 · 15 tasks' });
    expect(gg.groups[19].levels).toEqual([95, 99]);
    expect(gg.edges).toContainEqual({ from: 'levels:0-4', to: 'levels:5-9', count: 3 });
    expect(gg.edges.some((e) => e.from === e.to)).toBe(false);
  });
  it('caps a neighbourhood', () => {
    const tasks = [task('s', 'completed', 0), ...Array.from({ length: 50 }, (_, i) => task(`w${i}`, 'pending', 0, ['s']))];
    const nb = neighbourhood(buildDag(tasks), 0, 10);
    expect(nb.downstream.length).toBe(10);
    expect(nb.hiddenDownstream).toBe(40);
    expect(nb.upstream).toEqual([]);
  });
});

describe('10,000 tasks', () => {
  function fanout(n: number): TaskStatus[] {
    const out: TaskStatus[] = [task('start', 'completed', 0.01)];
    const workers: string[] = [];
    for (let i = 0; i < n - 2; i++) {
      const id = `w${String(i).padStart(5, '0')}`;
      workers.push(id);
      out.push(task(id, i % 3 === 0 ? 'completed' : i % 3 === 1 ? 'running' : 'pending', i % 3 === 0 ? 0.001 * (i % 17) : undefined, ['start']));
    }
    out.push(task('join', 'pending', undefined, workers));
    return out;
  }

  it('collapses above the limit and keeps every step fast', () => {
    expect(chooseGraphMode(FULL_GRAPH_LIMIT)).toBe('full');
    expect(chooseGraphMode(FULL_GRAPH_LIMIT + 1)).toBe('collapsed');
    const tasks = fanout(10_000);
    const t0 = performance.now();
    const dag = buildDag(tasks);
    const order = topoOrder(dag);
    const gg = groupByLevel(tasks, dag);
    const cp = criticalPath(tasks, dag, Date.now());
    const nb = neighbourhood(dag, dag.index.get('join')!);
    const ms = performance.now() - t0;
    expect(chooseGraphMode(tasks.length)).toBe('collapsed');
    expect(order.length).toBe(10_000);
    expect(gg.groups.length).toBe(3); // start, one level of 9,998 workers, join
    expect(gg.groups[1].members.length).toBe(9_998);
    expect(cp.tasks[0]).toBe('start');
    expect(nb.hiddenUpstream).toBe(9_998 - 40);
    expect(ms).toBeLessThan(1500);
  });
});
