import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { ToastProvider } from '../components/Toast';
import WorkflowDetailPage from './WorkflowDetail';

beforeAll(() => {
  globalThis.ResizeObserver ??= class { observe() {} unobserve() {} disconnect() {} } as unknown as typeof ResizeObserver;
  (globalThis as Record<string, unknown>).DOMMatrixReadOnly ??= class { m22 = 1; constructor() {} };
});
afterEach(() => vi.unstubAllGlobals());

class FakeSocket {
  static last: FakeSocket | undefined;
  readyState = 0;
  sent: string[] = [];
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: unknown) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor(public url: string) {
    FakeSocket.last = this;
    setTimeout(() => { this.readyState = 1; this.onopen?.({}); }, 0);
  }
  send(d: string) {
    this.sent.push(d);
    if (JSON.parse(d).type === 'subscribe') setTimeout(() => this.onmessage?.({ data: '{"type":"subscribed"}' }), 0);
  }
  close() {}
  push(msg: unknown) { this.onmessage?.({ data: JSON.stringify(msg) }); }
}

const W = 'wf-1';
const T = (s: number) => `2026-12-03T01:00:0${s}.000Z`;
const status = {
  id: W, name: 'hello', status: 'running', created_at: T(0), started_at: T(0), input: { name: 'you' },
  tasks: [
    { id: 'greet', name: 'greet', type: 'builtin', status: 'completed', attempts: 1, depends_on: [], started_at: T(0), completed_at: T(1), duration_seconds: 1, result: { message: 'hello, you' } },
    { id: 'shout', name: 'shout', type: 'builtin', status: 'running', attempts: 1, depends_on: ['greet'], started_at: T(1) },
  ],
};
const spec = { workflow_id: W, input: { name: 'you' }, spec: { name: 'hello', input: { name: 'you' }, tasks: [
  { id: 'greet', type: 'builtin', depends_on: [], config: { op: 'echo', message: 'hello, {{input.name}}' } },
  { id: 'shout', type: 'builtin', depends_on: ['greet'], config: { op: 'echo', message: '{{tasks.greet.output.message}}!' } },
] } };
const events = { workflow_id: W, events: [
  { seq: 1, workflow_id: W, from: 'pending', to: 'running', time: T(0) },
  { seq: 2, workflow_id: W, task_id: 'greet', from: 'queued', to: 'running', attempt: 1, time: T(0) },
  { seq: 3, workflow_id: W, task_id: 'greet', from: 'running', to: 'completed', attempt: 1, time: T(1) },
  { seq: 4, workflow_id: W, task_id: 'shout', from: 'queued', to: 'running', attempt: 1, time: T(1) },
] };

describe('WorkflowDetail page', () => {
  it('draws the DAG, opens a task, and updates live from the resume point', async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal('fetch', vi.fn(async (u: string) => {
      const path = u.split('?')[0];
      const body = path.endsWith('/spec') ? spec : path.endsWith('/events') ? events
        : path.endsWith('/logs') ? { workflow_id: W, task_id: 'shout', lines: [{ attempt: 1, time: T(1), stream: 'log', text: '日志 line' }] }
        : path.endsWith('/signals') ? { workflow_id: W, signals: [], total: 0 }
        : status;
      return new Response(JSON.stringify(body), { status: 200 });
    }));
    render(
      <MemoryRouter initialEntries={[`/workflows/${W}`]}>
        <ToastProvider><Routes><Route path="/workflows/:id" element={<WorkflowDetailPage />} /></Routes></ToastProvider>
      </MemoryRouter>,
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'hello' })).toBeTruthy();
    expect(screen.getByTestId('dag').getAttribute('data-mode')).toBe('full');
    expect(screen.getByText(/critical path: greet → shout/)).toBeTruthy();

    // subscribed from the last seq of the history
    await waitFor(() => expect(FakeSocket.last?.sent.length).toBe(1));
    expect(JSON.parse(FakeSocket.last!.sent[0])).toMatchObject({ workflow_ids: [W], since: 4 });

    // open shout from the task list with the keyboard
    const list = screen.getByRole('listbox', { name: 'Tasks' });
    list.focus();
    await userEvent.keyboard('{ArrowDown}{Enter}');
    const panel = await screen.findByRole('region', { name: 'Task shout' });
    expect(within(panel).getByLabelText('Resolved input of shout').textContent).toContain('hello, you!');
    expect((await within(panel).findByLabelText('Logs')).textContent).toContain('日志 line');
    expect(within(panel).getByRole('table', { name: 'Attempts of shout' })).toBeTruthy();

    // a live event turns shout completed without a reload
    act(() => {
      FakeSocket.last!.push({ type: 'event', kind: 'task.completed', seq: 5, workflow_id: W, task_id: 'shout', from: 'running', to: 'completed', attempt: 1, time: T(2) });
    });
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Task shout' })).getAllByText('completed').length).toBeGreaterThan(0));
    expect(screen.getByText(/2 completed/)).toBeTruthy();
  });
});
