import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TaskStatus, WorkflowStatus } from '../api/types';
import type { Attempt } from './attempts';
import { DagView } from './DagView';
import { Gantt, GANTT_ROW, GANTT_VISIBLE_ROWS } from './Gantt';
import { buildDag, criticalPath } from './graph';
import { SpecEditor } from './SpecEditor';
import { placeErrors } from './specLines';
import { SubmitPanel } from './SubmitPanel';
import { TaskList } from './TaskList';
import { applyEvents } from './useWorkflowLive';
import { awaitedSignalNames } from './SignalForm';

beforeAll(() => {
  // jsdom lacks these; @xyflow/react measures with them.
  globalThis.ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} } as unknown as typeof ResizeObserver;
  (globalThis as Record<string, unknown>).DOMMatrixReadOnly ??= class { m22 = 1; constructor() {} };
});
afterEach(() => vi.unstubAllGlobals());

const spec = 'name: x\ntasks:\n  - id: a\n    type: nope\n';

describe('SpecEditor', () => {
  it('marks the error line and lists the error with its line', () => {
    const errors = placeErrors(spec, 'invalid', [{ path: 'tasks[0].type', message: 'unknown task type "nope"' }]);
    const { container } = render(<SpecEditor value={spec} onChange={() => {}} errors={errors} />);
    const list = screen.getByRole('list', { name: 'Validation errors' });
    expect(list.textContent).toContain('Line 4');
    expect(list.textContent).toContain('unknown task type "nope"');
    const marked = container.querySelector('.spec-line-error') as HTMLElement;
    expect(marked.textContent).toContain('unknown task type');
    expect(marked.style.top).toBe(`${8 + 3 * 18}px`);
    expect(screen.getByLabelText('Workflow spec (YAML or JSON)').getAttribute('aria-invalid')).toBe('true');
  });
});

describe('SubmitPanel', () => {
  it('validates through the API and shows the refusal at its line', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({
      error: { code: 'VALIDATION_FAILED', message: 'workflow spec is invalid: 1 problem',
        details: [{ path: 'tasks[0].type', message: 'unknown task type "nope"' }], request_id: 'r' },
    }), { status: 400 }));
    vi.stubGlobal('fetch', fetchMock);
    render(<SubmitPanel onSubmitted={() => {}} />);
    const ta = screen.getByLabelText('Workflow spec (YAML or JSON)');
    await userEvent.clear(ta);
    await userEvent.click(ta);
    await userEvent.paste(spec);
    await userEvent.click(screen.getByRole('button', { name: 'Validate' }));
    await waitFor(() => expect(screen.getByRole('list', { name: 'Validation errors' }).textContent).toContain('Line 4'));
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/yaml');
    // editing moves the error with its path
    await userEvent.click(ta);
    ta.focus();
    (ta as HTMLTextAreaElement).setSelectionRange(0, 0);
    await userEvent.keyboard('# comment{Enter}');
    await waitFor(() => expect(screen.getByRole('list', { name: 'Validation errors' }).textContent).toContain('Line 5'));
  });
  it('offers the repository examples', () => {
    vi.stubGlobal('fetch', vi.fn());
    render(<SubmitPanel onSubmitted={() => {}} />);
    const names = within(screen.getByLabelText('Example')).getAllByRole('option').map((o) => o.textContent);
    expect(names).toContain('hello.yaml');
    expect(names).toContain('reference.json');
  });
});

function tasksN(n: number): TaskStatus[] {
  const out: TaskStatus[] = [{ id: 'start', name: 'start', type: 'builtin', status: 'completed', attempts: 1, duration_seconds: 0.1, depends_on: [] }];
  for (let i = 1; i < n; i++) {
    out.push({ id: `w${String(i).padStart(5, '0')}`, name: '', type: 'builtin', status: i % 2 ? 'running' : 'pending', attempts: i % 2, depends_on: ['start'] });
  }
  return out;
}

describe('10,000-task views', () => {
  it('the task list renders a window, filters and opens with Enter', async () => {
    const tasks = tasksN(10_000);
    const onSelect = vi.fn();
    const t0 = performance.now();
    render(<TaskList tasks={tasks} levelRange={null} onClearLevel={() => {}} onSelect={onSelect} critical={new Set()} height={400} />);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(screen.getByText('10,000 of 10,000 tasks')).toBeTruthy();
    expect(screen.getAllByRole('option').length).toBeLessThan(40);
    await userEvent.type(screen.getByLabelText('Find task'), 'w09999');
    expect(screen.getByText('1 of 10,000 tasks')).toBeTruthy();
    screen.getByRole('listbox', { name: 'Tasks' }).focus();
    await userEvent.keyboard('{Enter}');
    expect(onSelect).toHaveBeenCalledWith('w09999');
  });

  it('the DAG collapses and says why', () => {
    const tasks = tasksN(10_000);
    const dag = buildDag(tasks);
    const t0 = performance.now();
    render(<DagView tasks={tasks} dag={dag} critical={criticalPath(tasks, dag)} onSelect={() => {}} />);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(screen.getByRole('note').textContent).toMatch(/Graph collapsed.*10,000 tasks, more than 500/);
    expect(screen.getByTestId('dag').getAttribute('data-mode')).toBe('collapsed');
  });

  it('the collapsed graph opens a level band with Enter', async () => {
    const tasks = tasksN(10_000);
    const dag = buildDag(tasks);
    const onSelectLevels = vi.fn();
    const { container } = render(<DagView tasks={tasks} dag={dag} critical={criticalPath(tasks, dag)} onSelect={() => {}} onSelectLevels={onSelectLevels} />);
    const band = container.querySelector<HTMLElement>('[data-testid="dag"] .react-flow__node:last-of-type')!;
    expect(band).toBeTruthy();
    band.focus();
    await userEvent.keyboard('{Enter}');
    expect(onSelectLevels).toHaveBeenCalledTimes(1);
  });

  it('a focused task node opens with Enter or Space, as a click does', async () => {
    const tasks = tasksN(5);
    const dag = buildDag(tasks);
    const onSelect = vi.fn();
    const { container } = render(<DagView tasks={tasks} dag={dag} critical={criticalPath(tasks, dag)} onSelect={onSelect} />);
    const node = (id: string) => container.querySelector<HTMLElement>(`[data-testid="dag"] .react-flow__node[data-id="${id}"]`)!;
    await waitFor(() => expect(node('w00002')).toBeTruthy());
    expect(node('w00002').getAttribute('tabindex')).toBe('0'); // Tab reaches it
    expect(node('w00002').getAttribute('aria-label')).toBe('Task w00002, pending');
    node('w00002').focus();
    await userEvent.keyboard('{Enter}');
    expect(onSelect).toHaveBeenLastCalledWith('w00002');
    node('w00003').focus();
    await userEvent.keyboard(' ');
    expect(onSelect).toHaveBeenLastCalledWith('w00003');
    expect(onSelect).toHaveBeenCalledTimes(2);
    // Other keys do nothing; a click still opens.
    await userEvent.keyboard('a');
    expect(onSelect).toHaveBeenCalledTimes(2);
    fireEvent.click(node('start'));
    expect(onSelect).toHaveBeenLastCalledWith('start');
  });

  it('the timeline holds every attempt row of 10,000 tasks, windowed, and scrolls to the last', async () => {
    const t0 = Date.parse('2026-12-03T00:00:00Z');
    const attempts = new Map<string, Attempt[]>();
    for (let i = 0; i < 10_000; i++) {
      const task = `w${String(i).padStart(5, '0')}`;
      const list: Attempt[] = [{ task, attempt: 1, start: t0 + i * 10, end: t0 + i * 10 + 500, outcome: i === 9999 ? 'failed' : 'completed' }];
      if (i === 9999) list.push({ task, attempt: 2, start: t0 + i * 10 + 600, end: t0 + i * 10 + 900, outcome: 'completed' });
      attempts.set(task, list);
    }
    const onSelect = vi.fn();
    const started = performance.now();
    render(<Gantt attempts={attempts} critical={new Set(['w09999'])} onSelect={onSelect} />);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(screen.getByText(/10,000 tasks, 10,001 attempts over/)).toBeTruthy();
    expect(screen.queryByText(/Showing the first/)).toBeNull(); // nothing is capped
    const list = screen.getByRole('listbox', { name: 'Timeline rows' });
    const rows = () => within(list).getAllByRole('option');
    expect(rows().length).toBeLessThanOrEqual(GANTT_VISIBLE_ROWS + 12); // a window, not 10,000
    expect(list.querySelectorAll('.gantt-bar').length).toBeLessThan(40);
    expect(within(list).queryByText('w09999')).toBeNull();
    // Scrolled to the end: the last rows are drawn, with both attempts of the last task.
    fireEvent.scroll(list, { target: { scrollTop: 10_000 * GANTT_ROW - GANTT_VISIBLE_ROWS * GANTT_ROW } });
    const last = within(list).getByText('w09999').closest('[role="option"]') as HTMLElement;
    expect(last.textContent).toContain('attempt 1 failed');
    expect(last.textContent).toContain('attempt 2 completed');
    expect(last.querySelectorAll('.gantt-bar')).toHaveLength(2);
    expect(rows().length).toBeLessThanOrEqual(GANTT_VISIBLE_ROWS + 12);
    expect(within(list).queryByText('w00000')).toBeNull();
    // Keyboard: End then Enter opens the last task.
    list.focus();
    await userEvent.keyboard('{End}{Enter}');
    expect(onSelect).toHaveBeenCalledWith('w09999');
  });

  it('a small DAG is drawn in full', () => {
    const tasks = tasksN(5);
    const dag = buildDag(tasks);
    render(<DagView tasks={tasks} dag={dag} critical={criticalPath(tasks, dag)} onSelect={() => {}} />);
    expect(screen.getByTestId('dag').getAttribute('data-mode')).toBe('full');
    expect(screen.queryByRole('note')).toBeNull();
  });

  // React Flow hides a node until it has a size; jsdom measures nothing, like a page whose
  // measurement lags behind live updates (each one hands React Flow new node objects).
  it('nodes are visible before React Flow measures them, and stay so across live updates', async () => {
    const tasks = tasksN(5);
    const dag = buildDag(tasks);
    const visible = (c: HTMLElement) => [...c.querySelectorAll<HTMLElement>('.react-flow__node')].map((n) => n.style.visibility);
    const { container, rerender } = render(<DagView tasks={tasks} dag={dag} critical={criticalPath(tasks, dag)} onSelect={() => {}} />);
    await waitFor(() => expect(visible(container).length).toBe(tasks.length));
    expect(new Set(visible(container))).toEqual(new Set(['visible']));
    const running = tasks.map((t, i) => (i === 1 ? { ...t, status: 'running' as const } : t));
    rerender(<DagView tasks={running} dag={dag} critical={criticalPath(running, dag)} onSelect={() => {}} />);
    await waitFor(() => expect(container.querySelector(`.react-flow__node[aria-label="Task ${tasks[1].id}, running"]`)).toBeTruthy());
    expect(new Set(visible(container))).toEqual(new Set(['visible']));
    // The collapsed graph's level bands too.
    const many = tasksN(10000);
    const manyDag = buildDag(many);
    const collapsed = render(<DagView tasks={many} dag={manyDag} critical={criticalPath(many, manyDag)} onSelect={() => {}} />);
    await waitFor(() => expect(visible(collapsed.container).length).toBeGreaterThan(0));
    expect(new Set(visible(collapsed.container))).toEqual(new Set(['visible']));
  });
});

describe('live patches', () => {
  it('applies task and workflow events to a status', () => {
    const s: WorkflowStatus = { id: 'w', name: 'n', status: 'running', created_at: 't', tasks: tasksN(3) };
    const next = applyEvents(s, [
      { seq: 1, workflow_id: 'w', task_id: 'w00001', from: 'running', to: 'completed', attempt: 1, time: 't', kind: 'task.completed' },
      { seq: 2, workflow_id: 'w', task_id: 'w00002', from: 'queued', to: 'running', attempt: 1, time: 't2', kind: 'task.running' },
      { seq: 3, workflow_id: 'w', task_id: 'w00002', from: 'pending', to: 'delivered', time: 't2', kind: 'signal.delivered' },
      { seq: 4, workflow_id: 'w', from: 'running', to: 'completed', time: 't3', kind: 'workflow.completed' },
    ]);
    expect(next.tasks[1].status).toBe('completed');
    expect(next.tasks[2]).toMatchObject({ status: 'running', started_at: 't2', attempts: 1 });
    expect(next.status).toBe('completed');
    expect(s.tasks[1].status).toBe('running'); // not mutated
    expect(applyEvents(s, [])).toBe(s);
  });
  it('finds the signal names wait_signal tasks wait for', () => {
    expect(awaitedSignalNames({ spec: { tasks: [{ id: 'a', config: { op: 'wait_signal', name: 'approval' } }, { id: 'b', config: { op: 'echo' } }] } }))
      .toEqual(['approval']);
    expect(awaitedSignalNames(undefined)).toEqual([]);
  });
});
