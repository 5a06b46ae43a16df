// The Memory page against mocked answers copied from a real server: sessions, statistics,
// items (Chinese text too), the search request and its score columns, forgetting an item, and
// the empty and error states.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import MemoryPage from './Memory';
import { errorBody, mockFetch, requestsTo, type MockRoute } from '../lanes/mockFetch';
import { adaHits, adaItems, adaStats, memorySessions } from '../memory/fixtures';
import { scoreFields } from '../memory/MemorySearch';
import { percent, score } from '../memory/format';

function renderAt(url = '/memory') {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/memory" element={<MemoryPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

afterEach(() => vi.unstubAllGlobals());

const ada = { session: 'agent:ada' };
const adaRoutes: MockRoute[] = [
  { route: 'listMemorySessions', answer: { body: memorySessions } },
  { route: 'memoryStats', params: ada, answer: { body: adaStats } },
  { route: 'listMemory', params: ada, answer: { body: adaItems } },
];

describe('Memory page', () => {
  it('lists sessions with their item counts', async () => {
    mockFetch(adaRoutes);
    renderAt();
    const table = await screen.findByRole('table', { name: 'Memory sessions' });
    expect(within(table).getByText('agent:ada').closest('tr')!.textContent).toContain('4');
    expect(screen.getByText('2 sessions, 5 items')).toBeTruthy();
  });

  it('shows an empty state', async () => {
    mockFetch([{ route: 'listMemorySessions', answer: { body: { sessions: [], session_count: 0, total_entries: 0 } } }]);
    renderAt();
    expect(await screen.findByText('No memories yet.')).toBeTruthy();
  });

  it('shows the error with a Retry button', async () => {
    mockFetch([{ route: 'listMemorySessions', answer: { status: 503, body: errorBody('UNAVAILABLE', 'not ready') } }]);
    renderAt();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('UNAVAILABLE');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('shows a session’s statistics and items, Chinese included', async () => {
    const { requests } = mockFetch(adaRoutes);
    renderAt('/memory?session=agent:ada');
    const stats = await screen.findByRole('group', { name: 'Statistics of agent:ada' });
    expect(stats.textContent).toContain('exact');
    expect(stats.textContent).toContain('384');
    const items = await screen.findByRole('table', { name: 'Items of agent:ada' });
    expect(within(items).getByText('暂存数据库每周二上午十点部署')).toBeTruthy();
    expect(within(items).getByText('lang=zh')).toBeTruthy();
    expect(requestsTo(requests, 'listMemory', ada)[0].query.get('limit')).toBe('20');
  });

  it('searches with the chosen mode and limit and shows every score field', async () => {
    const { requests } = mockFetch([...adaRoutes, { route: 'searchMemory', params: ada, answer: { body: adaHits } }]);
    renderAt('/memory?session=agent:ada');
    await userEvent.type(await screen.findByLabelText('Search query'), '部署 database');
    await userEvent.selectOptions(screen.getByLabelText('Mode'), 'bm25');
    const limit = screen.getByLabelText('Limit');
    await userEvent.clear(limit);
    await userEvent.type(limit, '5');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    const results = await screen.findByRole('table', { name: 'Search results in agent:ada' });
    expect(requestsTo(requests, 'searchMemory', ada)[0].body).toEqual({ query: '部署 database', mode: 'bm25', top_k: 5, review: false });
    const headers = within(results).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers.join('|')).toMatch(/Score.*BM25 rank.*Vector rank.*Retrievability/);
    const first = within(results).getAllByRole('row')[1];
    expect(first.textContent).toContain('The staging database deploys every Tuesday at 10:00 UTC');
    expect(first.textContent).toContain('0.0164');
    expect(first.textContent).toContain('100%');
    expect(screen.getByText('4 results for “部署 database” (bm25)')).toBeTruthy();
  });

  it('shows a search the server refused', async () => {
    mockFetch([...adaRoutes, {
      route: 'searchMemory', params: ada,
      answer: { status: 400, body: errorBody('VALIDATION_FAILED', 'memory query is invalid: 1 problem', [{ path: 'top_k', message: 'expected an integer from 1 to 1000, got number 0' }]) },
    }]);
    renderAt('/memory?session=agent:ada');
    await userEvent.type(await screen.findByLabelText('Search query'), 'x');
    const limit = screen.getByLabelText('Limit');
    await userEvent.clear(limit);
    await userEvent.type(limit, '0');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The search failed');
    expect(alert.textContent).toContain('expected an integer from 1 to 1000, got number 0');
  });

  it('forgets an item after confirmation and reloads', async () => {
    const id = adaItems.entries[0].id;
    const { requests } = mockFetch([...adaRoutes, { route: 'forgetMemory', params: ada, answer: { body: { deleted: 1 } } }]);
    renderAt('/memory?session=agent:ada');
    await userEvent.click(await screen.findByRole('button', { name: `Forget item ${id}` }));
    expect(requestsTo(requests, 'forgetMemory', ada)).toHaveLength(0);
    await userEvent.click(screen.getByRole('button', { name: 'Confirm forget' }));
    await waitFor(() => expect(requestsTo(requests, 'forgetMemory', ada)).toHaveLength(1));
    expect(requestsTo(requests, 'forgetMemory', ada)[0].body).toEqual({ ids: [id] });
    await waitFor(() => expect(requestsTo(requests, 'listMemory', ada).length).toBeGreaterThanOrEqual(2));
    await waitFor(() => expect(requestsTo(requests, 'memoryStats', ada).length).toBeGreaterThanOrEqual(2));
  });

  it('formats scores and finds score fields', () => {
    expect(scoreFields(adaHits)).toEqual(['score', 'bm25_rank', 'vector_rank']);
    expect(scoreFields([{ ...adaHits[0], rerank: 0.5 }])).toEqual(['score', 'bm25_rank', 'vector_rank', 'rerank']);
    expect(score(0.016393442622950817)).toBe('0.0164');
    expect(score(3.0959300682666933)).toBe('3.096');
    expect(percent(0.8731)).toBe('87.3%');
  });
});
