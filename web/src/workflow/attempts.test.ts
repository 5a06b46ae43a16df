import { describe, expect, it } from 'vitest';
import { attemptsFromEvents, ganttRows } from './attempts';
import { referencedTasks, resolveTemplates } from './resolve';

const W = 'wf-1';
const ev = (seq: number, task: string | undefined, from: string, to: string, time: string, extra: Record<string, unknown> = {}) =>
  ({ seq, workflow_id: W, task_id: task, from, to, time: `2026-01-01T00:00:${time}Z`, ...extra });

describe('attemptsFromEvents', () => {
  it('rebuilds retries, errors and ignores signal events', () => {
    const events = [
      ev(1, undefined, 'pending', 'running', '00'),
      ev(2, 'f', 'queued', 'running', '01', { attempt: 1 }),
      ev(3, 'f', 'running', 'retrying', '02', { attempt: 1, error: 'flaky (attempt 1)' }),
      ev(5, 'f', 'running', 'completed', '05', { attempt: 2 }),
      ev(4, 'f', 'queued', 'running', '03', { attempt: 2 }),
      ev(6, 'f', 'pending', 'delivered', '05', { kind: 'signal' }),
    ];
    const m = attemptsFromEvents(events);
    const f = m.get('f')!;
    expect(f).toHaveLength(2);
    expect(f[0]).toMatchObject({ attempt: 1, outcome: 'retrying', error: 'flaky (attempt 1)' });
    expect(f[1]).toMatchObject({ attempt: 2, outcome: 'completed' });
    expect(f[1].end! - f[1].start).toBe(2000);
    const g = ganttRows(m);
    expect(g.rows).toHaveLength(1);
    expect(g.t1 - g.t0).toBe(4000);
  });
  it('accepts live event kinds', () => {
    const m = attemptsFromEvents([ev(1, 't', 'queued', 'running', '00', { kind: 'task.running', attempt: 1 })]);
    expect(m.get('t')![0].outcome).toBe('running');
  });
});

describe('resolveTemplates', () => {
  const ctx = { input: { name: 'you', n: 3 }, outputs: { greet: { message: 'hello' }, nums: [1, 2] } };
  it('replaces whole and embedded templates', () => {
    expect(resolveTemplates({ op: 'echo', message: '{{tasks.greet.output.message}}!', n: '{{input.n}}', all: '{{ tasks.nums.output }}' }, ctx))
      .toEqual({ op: 'echo', message: 'hello!', n: 3, all: [1, 2] });
  });
  it('leaves unknown templates alone', () => {
    expect(resolveTemplates('{{tasks.nope.output}} {{input.missing}}', ctx)).toBe('{{tasks.nope.output}} {{input.missing}}');
  });
  it('lists referenced tasks', () => {
    expect(referencedTasks({ a: ['{{tasks.x.output.y}}', '{{tasks.z.output}}'] })).toEqual(['x', 'z']);
  });
});
