import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TaskStatus, WorkflowStatus } from '../api/types';
import { DagView } from './DagView';
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

  it('a small DAG is drawn in full', () => {
    const tasks = tasksN(5);
    const dag = buildDag(tasks);
    render(<DagView tasks={tasks} dag={dag} critical={criticalPath(tasks, dag)} onSelect={() => {}} />);
    expect(screen.getByTestId('dag').getAttribute('data-mode')).toBe('full');
    expect(screen.queryByRole('note')).toBeNull();
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
