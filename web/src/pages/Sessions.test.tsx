// The Sessions page against mocked answers copied from a real server: the list and its paging,
// a session's run and waiting inputs, sending an input (the request and the answer shown),
// and the empty and error states.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import SessionsPage from './Sessions';
import { errorBody, mockFetch, requestsTo } from '../lanes/mockFetch';
import { coalescedAnswer, digestBob, idleSession, sessionList } from '../sessions/fixtures';
import { parseInput } from '../sessions/SessionInputForm';

function renderAt(url = '/sessions') {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/sessions" element={<SessionsPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('Sessions page', () => {
  it('lists sessions with their kind, mode, active run and waiting inputs', async () => {
    const { requests } = mockFetch([{ route: 'listSessions', answer: { body: sessionList } }]);
    renderAt();
    const table = await screen.findByRole('table', { name: 'Sessions' });
    const bob = within(table).getByText('digest:bob').closest('tr')!;
    expect(bob.textContent).toContain('collect');
    expect(bob.textContent).toContain('3');
    const link = within(bob).getByRole('link', { name: 'Active run wf-01a2399c-2cd0-7000-be72-05dd0780c312 of digest:bob' });
    expect(link.getAttribute('href')).toBe('/workflows/wf-01a2399c-2cd0-7000-be72-05dd0780c312');
    const q = requestsTo(requests, 'listSessions')[0].query;
    expect(q.get('limit')).toBe('20');
    expect(q.get('offset')).toBe('0');
  });

  it('pages with offset', async () => {
    const { requests } = mockFetch([{ route: 'listSessions', answer: (r) => ({ body: { ...sessionList, total: 45, offset: Number(r.query.get('offset')) } }) }]);
    renderAt();
    expect(await screen.findByText('1–20 of 45')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Next page of sessions' }));
    expect(await screen.findByText('21–40 of 45')).toBeTruthy();
    expect(requestsTo(requests, 'listSessions').some((r) => r.query.get('offset') === '20')).toBe(true);
  });

  it('shows an empty state', async () => {
    mockFetch([{ route: 'listSessions', answer: { body: { sessions: [], total: 0, limit: 20, offset: 0 } } }]);
    renderAt();
    expect(await screen.findByText('No session has an active run or waiting inputs.')).toBeTruthy();
  });

  it('shows the error with a Retry button', async () => {
    mockFetch([{ route: 'listSessions', answer: { status: 400, body: errorBody('VALIDATION_FAILED', 'query is invalid: 1 problem', [{ path: 'limit', message: 'expected an integer from 1 to 1000, got "x"' }]) } }]);
    renderAt();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('VALIDATION_FAILED');
    expect(alert.textContent).toContain('expected an integer from 1 to 1000');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('shows a session’s active run and waiting inputs (Chinese too)', async () => {
    mockFetch([
      { route: 'listSessions', answer: { body: sessionList } },
      { route: 'getSession', params: { key: 'digest:bob' }, answer: { body: digestBob } },
    ]);
    renderAt('/sessions?key=digest:bob');
    expect(await screen.findByRole('heading', { name: 'Session digest:bob' })).toBeTruthy();
    const waiting = await screen.findByRole('table', { name: 'Waiting inputs of digest:bob' });
    expect(within(waiting).getAllByRole('row')).toHaveLength(4);
    expect(within(waiting).getByText('{"message":"你好，告诉我关于车道的事"}')).toBeTruthy();
    const section = screen.getByRole('heading', { name: 'Session digest:bob' }).closest('section')!;
    expect(within(section).getByRole('link', { name: 'wf-01a2399c-2cd0-7000-be72-05dd0780c312' })).toBeTruthy();
  });

  it('sends an input and shows what the session did with it', async () => {
    const { requests } = mockFetch([
      { route: 'listSessions', answer: { body: sessionList } },
      { route: 'getSession', params: { key: 'digest:bob' }, answer: { body: digestBob } },
      { route: 'sendSessionInput', params: { key: 'digest:bob' }, answer: { body: coalescedAnswer } },
    ]);
    renderAt('/sessions?key=digest:bob');
    const box = await screen.findByLabelText('Input (JSON object)');
    await userEvent.clear(box);
    await userEvent.click(box);
    await userEvent.paste('{"message": "总结一下", "n": 2}');
    await userEvent.click(screen.getByRole('button', { name: 'Send input' }));
    const answer = await screen.findByRole('status', { name: 'Answer to the input' });
    expect(requestsTo(requests, 'sendSessionInput', { key: 'digest:bob' })[0].body).toEqual({ input: { message: '总结一下', n: 2 } });
    expect(answer.textContent).toContain('coalesced');
    expect(answer.textContent).toContain('3 in the queue');
    expect(answer.textContent).toContain('inputs 2 (to make room)');
    // the session is reloaded after the input
    await waitFor(() => expect(requestsTo(requests, 'getSession', { key: 'digest:bob' }).length).toBeGreaterThanOrEqual(2));
  });

  it('refuses input that is not a JSON object without asking the server', async () => {
    const { requests } = mockFetch([
      { route: 'listSessions', answer: { body: sessionList } },
      { route: 'getSession', params: { key: 'digest:bob' }, answer: { body: digestBob } },
    ]);
    renderAt('/sessions?key=digest:bob');
    const box = await screen.findByLabelText('Input (JSON object)');
    await userEvent.clear(box);
    await userEvent.type(box, 'hello');
    await userEvent.click(screen.getByRole('button', { name: 'Send input' }));
    expect(await screen.findByText(/not valid JSON/)).toBeTruthy();
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(requestsTo(requests, 'sendSessionInput', { key: 'digest:bob' })).toHaveLength(0);
  });

  it('opens a key typed by hand and shows the server’s refusal of an input', async () => {
    const { requests } = mockFetch([
      { route: 'listSessions', answer: { body: sessionList } },
      { route: 'getSession', params: { key: 'chat:zzz' }, answer: { body: idleSession } },
      {
        route: 'sendSessionInput', params: { key: 'chat:zzz' },
        answer: { status: 404, body: errorBody('NOT_FOUND', 'no session kind serves "chat:zzz"; configured patterns: digest:*') },
      },
    ]);
    renderAt();
    await userEvent.type(await screen.findByLabelText('Session key'), 'chat:zzz');
    await userEvent.click(screen.getByRole('button', { name: 'Open session' }));
    expect(await screen.findByText('none — the next input starts a run')).toBeTruthy();
    expect(screen.getByText('No inputs are waiting.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Send input' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('no session kind serves "chat:zzz"');
    expect(requestsTo(requests, 'sendSessionInput', { key: 'chat:zzz' })[0].body).toEqual({ input: { message: '' } });
  });

  it('shows a key no session kind serves as an error', async () => {
    mockFetch([
      { route: 'listSessions', answer: { body: sessionList } },
      {
        route: 'getSession', params: { key: 'nokind:x' },
        answer: { status: 404, body: errorBody('NOT_FOUND', 'no session kind serves "nokind:x"; configured patterns: chat:*, digest:*') },
      },
    ]);
    renderAt('/sessions?key=nokind:x');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load the session');
    expect(alert.textContent).toContain('configured patterns: chat:*, digest:*');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('parses inputs', () => {
    expect(parseInput('{"a": 1}').value).toEqual({ a: 1 });
    expect(parseInput('[1]').error).toMatch(/must be a JSON object/);
    expect(parseInput('{').error).toMatch(/not valid JSON/);
  });
});
