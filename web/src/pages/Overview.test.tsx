import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { routes } from '../api/routes';
import OverviewPage from './Overview';

class QuietSocket {
  readyState = 0;
  onopen = null; onmessage = null; onclose = null; onerror = null;
  send() {}
  close() {}
}

const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status });
const status = {
  version: '0.1.0', uptime_seconds: 12, workflows: { pending: 0, scheduled: 0, running: 2, completed: 5, failed: 1, cancelled: 0, total: 8 },
  lanes: [{ name: 'web', running: 3, waiting: 1, max_concurrency: 4 }],
  store: { kind: 'memory', durable: false, healthy: true, commits: 1, batches: 1, failed_batches: 0 },
};

afterEach(() => vi.unstubAllGlobals());

describe('Overview page', () => {
  it('shows states, series, lanes and recent failures with the failed task error', async () => {
    vi.stubGlobal('WebSocket', QuietSocket);
    vi.stubGlobal('fetch', vi.fn(async (u: string) => {
      const path = u.split('?')[0];
      if (path === routes.status.path) return json(status);
      if (path === routes.statsSeries.path) {
        return json({ step_seconds: 5, window_seconds: 10, buckets: [
          { start: '2026-12-03T01:00:00Z', workflows_submitted: 2, workflows_completed: 1, workflows_failed: 0, workflows_cancelled: 0, tasks_completed: 3, tasks_failed: 0, workflow_latency_p50_seconds: 0.2, workflow_latency_p99_seconds: 0.4 },
          { start: '2026-12-03T01:00:05Z', workflows_submitted: 1, workflows_completed: 0, workflows_failed: 1, workflows_cancelled: 0, tasks_completed: 1, tasks_failed: 1, workflow_latency_p50_seconds: null, workflow_latency_p99_seconds: null },
        ] });
      }
      if (path === routes.listWorkflows.path) {
        // the most recent failures: newest first
        const q = new URL(u, 'http://x').searchParams;
        if (q.get('status') !== 'failed' || q.get('order') !== 'desc') return json({ error: { code: 'WRONG_QUERY', message: u } }, 400);
        return json({ workflows: [{ id: 'wf-1', name: 'doomed', status: 'failed', created_at: '2026-12-03T01:00:00Z', tasks: 2 }], total: 1, limit: 5, offset: 0, next_cursor: null });
      }
      if (path.endsWith('/wf-1')) {
        return json({ id: 'wf-1', name: 'doomed', status: 'failed', created_at: 't', tasks: [
          { id: 'ok', name: 'ok', type: 'builtin', status: 'completed', attempts: 1 },
          { id: 'bad', name: 'bad', type: 'builtin', status: 'failed', attempts: 1, error: '磁盘已满 disk full' },
        ] });
      }
      return json({ error: { code: 'NOT_FOUND', message: 'no route' } }, 404);
    }));
    render(<MemoryRouter><OverviewPage /></MemoryRouter>);
    const counts = await screen.findByRole('list', { name: 'Workflows by state' });
    expect(within(counts).getByRole('listitem', { name: 'failed: 1 workflows' })).toBeTruthy();
    expect(await screen.findByRole('img', { name: 'Workflows submitted: 3 total' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Latency p50: 200ms' })).toBeTruthy();
    expect(screen.getByRole('meter', { name: 'web utilisation' }).getAttribute('aria-valuenow')).toBe('75');
    const failures = await screen.findByRole('list', { name: 'Recent failures' });
    expect((await within(failures).findByText(/disk full/)).textContent).toContain('磁盘已满');
    expect(failures.textContent).toContain('bad');
  });

  it('shows an error state per request', async () => {
    vi.stubGlobal('WebSocket', QuietSocket);
    vi.stubGlobal('fetch', vi.fn(async () => json({ error: { code: 'UNAVAILABLE', message: 'draining', request_id: 'req-7' } }, 503)));
    render(<MemoryRouter><OverviewPage /></MemoryRouter>);
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.length).toBeGreaterThanOrEqual(3);
    expect(alerts[0].textContent).toContain('UNAVAILABLE · HTTP 503');
    expect(alerts[0].textContent).toContain('req-7');
  });
});
