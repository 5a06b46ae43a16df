// The Memory page against mocked answers copied from a real server: sessions, statistics,
// items (Chinese text too), the search request and its score columns, forgetting an item,
// memorizing from the form, forgetting weak items or a whole session, server refusals at their
// fields, and the empty and error states.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import MemoryPage from './Memory';
import { errorBody, mockFetch, requestsTo, type MockRoute } from '../lanes/mockFetch';
import { adaHits, adaItems, adaStats, memorySessions } from '../memory/fixtures';
import { scoreFields } from '../memory/MemorySearch';
import { memorizeFieldOf, parseMetadata } from '../memory/MemorizeForm';
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

const METADATA = 'Metadata (optional, one key=value a line)';

/** The text of the elements a field's aria-describedby names (its hint and its errors). */
function describedText(el: HTMLElement): string {
  return (el.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? '').join(' | ');
}

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

  it('memorizes an item with metadata into the open session and reloads it', async () => {
    const { requests } = mockFetch([...adaRoutes, { route: 'memorize', params: ada, answer: { status: 201, body: { id: 'mem-new-1' } } }]);
    renderAt('/memory?session=agent:ada');
    const form = await screen.findByRole('form', { name: 'Memorize' });
    expect((within(form).getByLabelText('Session') as HTMLInputElement).value).toBe('agent:ada');
    await userEvent.type(within(form).getByLabelText('Content'), 'The release train leaves on Thursdays');
    await userEvent.type(within(form).getByLabelText(METADATA), 'topic=release{Enter}{Enter} team = infra ');
    await waitFor(() => expect(requestsTo(requests, 'listMemory', ada)).toHaveLength(1));
    await userEvent.click(within(form).getByRole('button', { name: 'Memorize' }));
    await waitFor(() => expect(requestsTo(requests, 'memorize', ada)).toHaveLength(1));
    expect(requestsTo(requests, 'memorize', ada)[0].body).toEqual({
      content: 'The release train leaves on Thursdays', metadata: { topic: 'release', team: 'infra' },
    });
    expect((await within(form).findByRole('status')).textContent).toBe('Memorized as mem-new-1 in agent:ada.');
    expect((within(form).getByLabelText('Content') as HTMLTextAreaElement).value).toBe('');
    await waitFor(() => expect(requestsTo(requests, 'listMemory', ada).length).toBeGreaterThanOrEqual(2));
    await waitFor(() => expect(requestsTo(requests, 'listMemorySessions').length).toBeGreaterThanOrEqual(2));
  });

  it('memorizes into a new session from the empty page and opens it', async () => {
    const bob = { session: 'agent:bob' };
    const { requests } = mockFetch([
      ...adaRoutes,
      { route: 'memorize', params: bob, answer: { status: 201, body: { id: 'mem-bob-1' } } },
      { route: 'memoryStats', params: bob, answer: { body: { ...adaStats, session_id: 'agent:bob', total_entries: 1 } } },
      { route: 'listMemory', params: bob, answer: { body: { ...adaItems, entries: adaItems.entries.slice(0, 1), total: 1 } } },
    ]);
    renderAt();
    const form = await screen.findByRole('form', { name: 'Memorize' });
    await userEvent.type(within(form).getByLabelText('Session'), 'agent:bob');
    await userEvent.type(within(form).getByLabelText('Content'), 'bob likes tea');
    await userEvent.click(within(form).getByRole('button', { name: 'Memorize' }));
    expect(await screen.findByRole('heading', { name: 'Memory agent:bob' })).toBeTruthy();
    expect(requestsTo(requests, 'memorize', bob)[0].body).toEqual({ content: 'bob likes tea' });
  });

  it('refuses lines that are not key=value and empty fields without a request', async () => {
    const { requests } = mockFetch(adaRoutes);
    renderAt('/memory?session=agent:ada');
    const form = await screen.findByRole('form', { name: 'Memorize' });
    await userEvent.click(within(form).getByRole('button', { name: 'Memorize' }));
    const content = within(form).getByLabelText('Content');
    expect(content.getAttribute('aria-invalid')).toBe('true');
    expect(describedText(content)).toContain('enter what to memorize');
    await userEvent.type(content, 'x');
    await userEvent.type(within(form).getByLabelText(METADATA), 'ok=1{Enter}not a pair');
    await userEvent.click(within(form).getByRole('button', { name: 'Memorize' }));
    const meta = within(form).getByLabelText(METADATA);
    expect(meta.getAttribute('aria-invalid')).toBe('true');
    expect(describedText(meta)).toContain('line 2: expected key=value');
    expect(content.getAttribute('aria-invalid')).toBeNull();
    expect(requestsTo(requests, 'memorize', ada)).toHaveLength(0);
  });

  it('shows the server’s validation errors at their fields', async () => {
    mockFetch([...adaRoutes, {
      route: 'memorize', params: ada,
      answer: { status: 400, body: errorBody('VALIDATION_FAILED', 'memorize request is invalid: 2 problems', [
        { path: 'metadata', message: 'keys must be 1-128 bytes, got ""' },
        { path: 'metadata.team', message: 'expected a string, got number 3' },
        { path: 'trust', message: 'unknown key' },
      ]) },
    }]);
    renderAt('/memory?session=agent:ada');
    const form = await screen.findByRole('form', { name: 'Memorize' });
    await userEvent.type(within(form).getByLabelText('Content'), 'x');
    await userEvent.type(within(form).getByLabelText(METADATA), '=nameless');
    await userEvent.click(within(form).getByRole('button', { name: 'Memorize' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('Not memorized');
    expect(alert.textContent).toContain('VALIDATION_FAILED');
    expect(alert.textContent).toContain('trust: unknown key'); // no field of its own
    const meta = within(form).getByLabelText(METADATA);
    expect(meta.getAttribute('aria-invalid')).toBe('true');
    expect(describedText(meta)).toContain('keys must be 1-128 bytes, got ""');
    expect(describedText(meta)).toContain('metadata.team: expected a string, got number 3');
    expect(within(form).getByLabelText('Content').getAttribute('aria-invalid')).toBeNull();
  });

  it('forgets the weak items below a threshold after confirmation', async () => {
    const { requests } = mockFetch([...adaRoutes, { route: 'forgetWeakMemory', params: ada, answer: { body: { deleted: 2, threshold: 0.5 } } }]);
    renderAt('/memory?session=agent:ada');
    const threshold = await screen.findByLabelText('Retrievability threshold');
    expect((threshold as HTMLInputElement).value).toBe('0.1');
    await userEvent.clear(threshold);
    await userEvent.type(threshold, '0.5');
    await userEvent.click(screen.getByRole('button', { name: 'Forget weak items of agent:ada' }));
    expect(requestsTo(requests, 'forgetWeakMemory', ada)).toHaveLength(0);
    await userEvent.click(screen.getByRole('button', { name: 'Confirm forget weak' }));
    await waitFor(() => expect(requestsTo(requests, 'forgetWeakMemory', ada)).toHaveLength(1));
    expect(requestsTo(requests, 'forgetWeakMemory', ada)[0].query.get('threshold')).toBe('0.5');
    const group = screen.getByRole('group', { name: 'Forget in bulk from agent:ada' });
    expect((await within(group).findByRole('status')).textContent).toBe('Forgot 2 items with retrievability below 0.5.');
    await waitFor(() => expect(requestsTo(requests, 'listMemory', ada).length).toBeGreaterThanOrEqual(2));
  });

  it('shows a threshold the server refused at its field', async () => {
    mockFetch([...adaRoutes, {
      route: 'forgetWeakMemory', params: ada,
      answer: { status: 400, body: errorBody('VALIDATION_FAILED', 'query is invalid: 1 problem', [{ path: 'threshold', message: 'expected a retrievability in (0, 1] such as 0.1, got "2"' }]) },
    }]);
    renderAt('/memory?session=agent:ada');
    const threshold = await screen.findByLabelText('Retrievability threshold');
    await userEvent.clear(threshold);
    await userEvent.type(threshold, '2');
    await userEvent.click(screen.getByRole('button', { name: 'Forget weak items of agent:ada' }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm forget weak' }));
    await waitFor(() => expect(threshold.getAttribute('aria-invalid')).toBe('true'));
    expect(describedText(threshold)).toContain('expected a retrievability in (0, 1] such as 0.1, got "2"');
    const group = screen.getByRole('group', { name: 'Forget in bulk from agent:ada' });
    expect(within(group).queryByRole('status')).toBeNull();
  });

  it('forgets a whole session after confirmation and shows it empty', async () => {
    let gone = false;
    const { requests } = mockFetch([
      { route: 'listMemorySessions', answer: () => ({ body: gone ? { ...memorySessions, sessions: memorySessions.sessions.filter((x) => x.session_id !== 'agent:ada') } : memorySessions }) },
      { route: 'memoryStats', params: ada, answer: () => ({ body: gone ? { ...adaStats, total_entries: 0 } : adaStats }) },
      { route: 'listMemory', params: ada, answer: () => ({ body: gone ? { ...adaItems, entries: [], total: 0 } : adaItems }) },
      { route: 'forgetAllMemory', params: ada, answer: () => { gone = true; return { body: { deleted: 4 } }; } },
    ]);
    renderAt('/memory?session=agent:ada');
    await screen.findByRole('table', { name: 'Items of agent:ada' });
    await userEvent.click(screen.getByRole('button', { name: 'Forget all items of agent:ada' }));
    expect(requestsTo(requests, 'forgetAllMemory', ada)).toHaveLength(0);
    await userEvent.click(screen.getByRole('button', { name: 'Confirm forget all' }));
    expect(await screen.findByText('This session holds no items.')).toBeTruthy();
    expect(screen.getByText('Forgot 4 items: agent:ada is empty.')).toBeTruthy();
    expect(requestsTo(requests, 'forgetAllMemory', ada)).toHaveLength(1);
  });

  it('parses metadata lines and maps detail paths to fields', () => {
    expect(parseMetadata('a=1\n\n b = x=y \n')).toEqual({ metadata: { a: '1', b: 'x=y' }, errors: [] });
    expect(parseMetadata('a=1\nnope').errors).toEqual(['line 2: expected key=value, got “nope”']);
    expect(memorizeFieldOf('content')).toBe('content');
    expect(memorizeFieldOf('metadata.team')).toBe('metadata');
    expect(memorizeFieldOf('session')).toBe('session');
    expect(memorizeFieldOf('vector')).toBe('');
  });

  it('formats scores and finds score fields', () => {
    expect(scoreFields(adaHits)).toEqual(['score', 'bm25_rank', 'vector_rank']);
    expect(scoreFields([{ ...adaHits[0], rerank: 0.5 }])).toEqual(['score', 'bm25_rank', 'vector_rank', 'rerank']);
    expect(score(0.016393442622950817)).toBe('0.0164');
    expect(score(3.0959300682666933)).toBe('3.096');
    expect(percent(0.8731)).toBe('87.3%');
  });
});
