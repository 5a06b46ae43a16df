// The Workers page against mocked answers copied from a real server: workers with their
// queues, credits and attempts (linked to their workflows), queues with waiting tasks, and the
// empty and error states.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import WorkersPage from './Workers';
import { errorBody, mockFetch, requestsTo } from '../lanes/mockFetch';
import { workersBusy } from '../workers/fixtures';
import { parseAttempt } from '../workers/attempts';

function renderPage() {
  return render(
    <MemoryRouter initialEntries={['/workers']}>
      <Routes>
        <Route path="/workers" element={<WorkersPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('Workers page', () => {
  it('has the shared auto-refresh toggle (2 s) and a Refresh that reloads', async () => {
    const { requests } = mockFetch([{ route: 'listWorkers', answer: { body: workersBusy } }]);
    renderPage();
    await screen.findByRole('table', { name: 'Workers' });
    expect((screen.getByRole('checkbox', { name: 'Auto-refresh (2 s)' }) as HTMLInputElement).checked).toBe(true);
    const before = requestsTo(requests, 'listWorkers').length;
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(requestsTo(requests, 'listWorkers').length).toBeGreaterThan(before));
  });
  it('shows workers with queues, credits and their attempts linked to workflows', async () => {
    mockFetch([{ route: 'listWorkers', answer: { body: workersBusy } }]);
    renderPage();
    const table = await screen.findByRole('table', { name: 'Workers' });
    const py = within(table).getByText('py-researcher-1').closest('tr')!;
    expect(py.textContent).toContain('1 free / 3');
    expect(py.textContent).toContain('pid=13177');
    const link = within(py).getByRole('link', { name: 'research attempt 1 of workflow wf-01a2399d-d068-7000-b42f-11146eb1d16c' });
    expect(link.getAttribute('href')).toBe('/workflows/wf-01a2399d-d068-7000-b42f-11146eb1d16c');
    const totals = screen.getByLabelText('Worker totals');
    expect(totals.textContent).toContain('Running attempts3');
    expect(totals.textContent).toContain('Capacity5');
  });

  it('shows queues with waiting tasks and flags a queue nobody serves', async () => {
    mockFetch([{ route: 'listWorkers', answer: { body: workersBusy } }]);
    renderPage();
    const queues = await screen.findByRole('table', { name: 'Queues' });
    const translate = within(queues).getByText('translate').closest('tr')!;
    expect(translate.textContent).toContain('no worker serves this queue');
  });

  it('shows empty states', async () => {
    mockFetch([{ route: 'listWorkers', answer: { body: { workers: [], queues: [] } } }]);
    renderPage();
    expect(await screen.findByText('No workers are connected.')).toBeTruthy();
    expect(screen.getByText('No queues.')).toBeTruthy();
  });

  it('shows the error and retries', async () => {
    let fail = true;
    const { requests } = mockFetch([{
      route: 'listWorkers',
      answer: () => (fail ? { status: 404, body: errorBody('NOT_FOUND', 'no route GET /api/v1/workers') } : { body: workersBusy }),
    }]);
    renderPage();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load the workers');
    fail = false;
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('table', { name: 'Workers' })).toBeTruthy();
    expect(requestsTo(requests, 'listWorkers').length).toBeGreaterThanOrEqual(2);
  });

  it('parses attempt ids', () => {
    expect(parseAttempt('wf-1/research/2')).toEqual({ workflowId: 'wf-1', taskId: 'research', attempt: 2, raw: 'wf-1/research/2' });
  });
});
