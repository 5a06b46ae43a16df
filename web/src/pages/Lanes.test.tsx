// The Lanes page against mocked fetch answers copied from a real server: the table, the
// histogram, the empty and error states, and the PATCH the form sends (and its errors).
import { afterEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { vi } from 'vitest';
import LanesPage from './Lanes';
import { errorBody, mockFetch, requestsTo } from '../lanes/mockFetch';
import { lanesBusy, llmLane } from '../lanes/fixtures';
import { barsFromBuckets, shortSeconds } from '../lanes/WaitHistogram';
import { buildPatch } from '../lanes/LaneForm';

function renderAt(url = '/lanes') {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/lanes" element={<LanesPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('Lanes page', () => {
  it('has the shared auto-refresh toggle (3 s) and a Refresh that reloads', async () => {
    const { requests } = mockFetch([{ route: 'listLanes', answer: { body: lanesBusy } }]);
    renderAt();
    await screen.findByRole('table', { name: 'Lanes' });
    expect((screen.getByRole('checkbox', { name: 'Auto-refresh (3 s)' }) as HTMLInputElement).checked).toBe(true);
    const before = requestsTo(requests, 'listLanes').length;
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(requestsTo(requests, 'listLanes').length).toBeGreaterThan(before));
  });
  it('shows every lane with its load, counters, wait times and rate', async () => {
    mockFetch([{ route: 'listLanes', answer: { body: lanesBusy } }]);
    renderAt();
    const table = await screen.findByRole('table', { name: 'Lanes' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(6); // header + 5 lanes
    const web = within(table).getByText('web').closest('tr')!;
    expect(within(web).getByText('on full: drop')).toBeTruthy();
    expect(web.textContent).toContain('50');
    expect(within(web).getByText('6').className).toBe('lane-bad'); // dropped
    const llm = within(table).getByText('llm').closest('tr')!;
    expect(llm.textContent).toContain('5.00s'); // P50
    expect(llm.textContent).toContain('29.5s'); // P99
    expect(within(llm).getByText('5/s, burst 10')).toBeTruthy();
    expect(within(llm).getByText('10 tokens')).toBeTruthy();
    const tmpl = within(table).getByText('session:*').closest('tr')!;
    expect(tmpl.textContent).toContain('template · 0 keys');
  });

  it('opens a lane with its wait-time histogram', async () => {
    mockFetch([{ route: 'listLanes', answer: { body: lanesBusy } }]);
    renderAt('/lanes?lane=llm');
    expect(await screen.findByRole('heading', { name: 'Lane llm' })).toBeTruthy();
    const chart = screen.getByRole('img', { name: /Wait-time histogram of lane llm/ });
    expect(chart.getAttribute('aria-label')).toContain('2 up to 1µs, 4 up to 5s, 6 up to 30s');
  });

  it('opens a lane from its Change button', async () => {
    mockFetch([{ route: 'listLanes', answer: { body: lanesBusy } }]);
    renderAt();
    await userEvent.click(await screen.findByRole('button', { name: 'Change lane web' }));
    expect(await screen.findByRole('heading', { name: 'Lane web' })).toBeTruthy();
    expect((screen.getByLabelText('Max concurrency') as HTMLInputElement).value).toBe('4');
    expect((screen.getByLabelText('Capacity') as HTMLInputElement).value).toBe('50');
  });

  it('hides the chart when the server sends no buckets', async () => {
    const noBuckets = { lanes: [{ ...llmLane, wait_seconds: { count: 12, sum: 74.355987, p50: 5.0, p99: 29.5 } }] };
    mockFetch([{ route: 'listLanes', answer: { body: noBuckets } }]);
    renderAt('/lanes?lane=llm');
    expect(await screen.findByText(/does not report wait-time buckets/)).toBeTruthy();
    expect(screen.queryByRole('img', { name: /histogram/ })).toBeNull();
  });

  it('shows an empty state', async () => {
    mockFetch([{ route: 'listLanes', answer: { body: { lanes: [] } } }]);
    renderAt();
    expect(await screen.findByText('No lanes.')).toBeTruthy();
  });

  it('shows the error and retries', async () => {
    let fail = true;
    const { requests } = mockFetch([{
      route: 'listLanes',
      answer: () => (fail ? { status: 503, body: errorBody('UNAVAILABLE', 'the server is shutting down') } : { body: lanesBusy }),
    }]);
    renderAt();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('UNAVAILABLE');
    expect(alert.textContent).toContain('the server is shutting down');
    expect(alert.textContent).toContain('req-01a2399c-19d3-7000-8a44-a3cc6801b0d1');
    fail = false;
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('table', { name: 'Lanes' })).toBeTruthy();
    expect(requestsTo(requests, 'listLanes').length).toBeGreaterThanOrEqual(2);
  });

  it('sends only what changed and shows the new settings', async () => {
    const { requests } = mockFetch([
      { route: 'listLanes', answer: { body: lanesBusy } },
      { route: 'updateLane', params: { name: 'llm' }, answer: { body: { ...llmLane, max_concurrency: 4, rate: null } } },
    ]);
    renderAt('/lanes?lane=llm');
    const mc = await screen.findByLabelText('Max concurrency');
    await userEvent.clear(mc);
    await userEvent.type(mc, '4');
    await userEvent.click(screen.getByLabelText('Limit the rate (token bucket)'));
    await userEvent.click(screen.getByRole('button', { name: 'Apply changes' }));
    await waitFor(() => expect(requestsTo(requests, 'updateLane', { name: 'llm' })).toHaveLength(1));
    expect(requestsTo(requests, 'updateLane', { name: 'llm' })[0].body).toEqual({ max_concurrency: 4, rate: null });
    expect(await screen.findByText('Lane llm changed: max concurrency 4, no rate limit.')).toBeTruthy();
  });

  it('sends a new rate and shows the server’s validation errors at their fields', async () => {
    const { requests } = mockFetch([
      { route: 'listLanes', answer: { body: lanesBusy } },
      {
        route: 'updateLane', params: { name: 'llm' },
        answer: {
          status: 400,
          body: errorBody('VALIDATION_FAILED', 'lane change is invalid: 2 problems', [
            { path: 'capacity', message: 'expected an integer from 0 to 100000000, got number -1' },
            { path: 'rate.per_second', message: 'expected a number from 1e-06 to 1e+09, got number -1' },
          ]),
        },
      },
    ]);
    renderAt('/lanes?lane=llm');
    const cap = await screen.findByLabelText('Capacity');
    await userEvent.clear(cap);
    await userEvent.type(cap, '-1');
    const ps = screen.getByLabelText('Rate per second');
    await userEvent.clear(ps);
    await userEvent.type(ps, '-1');
    await userEvent.click(screen.getByRole('button', { name: 'Apply changes' }));
    await waitFor(() => expect(requestsTo(requests, 'updateLane', { name: 'llm' })).toHaveLength(1));
    expect(requestsTo(requests, 'updateLane', { name: 'llm' })[0].body).toEqual({ capacity: -1, rate: { per_second: -1, burst: 10 } });
    expect(await screen.findByText('expected an integer from 0 to 100000000, got number -1')).toBeTruthy();
    expect(screen.getByLabelText('Capacity').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Rate per second').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('expected a number from 1e-06 to 1e+09, got number -1')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('lane change is invalid: 2 problems');
  });

  it('does not send a request when nothing changed', async () => {
    const { requests } = mockFetch([{ route: 'listLanes', answer: { body: lanesBusy } }]);
    renderAt('/lanes?lane=llm');
    await userEvent.click(await screen.findByRole('button', { name: 'Apply changes' }));
    expect(await screen.findByText('Nothing changed.')).toBeTruthy();
    expect(requestsTo(requests, 'updateLane', { name: 'llm' })).toHaveLength(0);
  });
});

describe('lane helpers', () => {
  it('turns cumulative buckets into per-bucket bars', () => {
    const bars = barsFromBuckets(llmLane.wait_seconds.buckets!);
    expect(bars).toHaveLength(21);
    expect(bars[0]).toEqual({ le: 0.000001, label: '1µs', count: 2 });
    expect(bars[17]).toMatchObject({ label: '5s', count: 4 });
    expect(bars[18]).toMatchObject({ label: '30s', count: 6 });
    expect(bars[20]).toMatchObject({ le: Infinity, label: '>5m', count: 0 });
  });

  it('labels bounds exactly', () => {
    expect(shortSeconds(0.0025)).toBe('2.5ms');
    expect(shortSeconds(0.00025)).toBe('250µs');
    expect(shortSeconds(300)).toBe('5m');
  });

  it('builds PATCH bodies', () => {
    const base = { mc: '2', cap: '100', rateOn: true, perSecond: '5', burst: '10' };
    expect(buildPatch(llmLane, base).patch).toEqual({});
    expect(buildPatch(llmLane, { ...base, perSecond: '20', burst: '' }).patch).toEqual({ rate: { per_second: 20 } });
    expect(buildPatch(llmLane, { ...base, rateOn: false }).patch).toEqual({ rate: null });
    expect(buildPatch(llmLane, { ...base, mc: 'x' }).errors).toEqual({ max_concurrency: 'enter a number' });
  });
});
