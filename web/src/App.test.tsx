import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { App } from './App';
import { failureError } from './pages/Overview';

class QuietSocket {
  readyState = 0;
  onopen = null; onmessage = null; onclose = null; onerror = null;
  send() {}
  close() {}
}

describe('App shell', () => {
  it('links every page, toggles and remembers the theme, and jumps with g <letter>', async () => {
    vi.stubGlobal('WebSocket', QuietSocket);
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"error":{"code":"NOT_FOUND","message":"x"}}', { status: 404 })));
    localStorage.removeItem('goclaw.theme');
    render(<MemoryRouter initialEntries={['/']}><App /></MemoryRouter>);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((a) => a.textContent)).toEqual(
      ['Overview', 'Workflows', 'Lanes', 'Sessions', 'Sagas', 'Memory', 'Workers']);
    const before = document.documentElement.getAttribute('data-theme');
    const toggle = screen.getByRole('button', { name: /Switch to (dark|light) theme/ });
    await userEvent.click(toggle);
    const after = document.documentElement.getAttribute('data-theme');
    expect(after).not.toBe(before);
    expect(localStorage.getItem('goclaw.theme')).toBe(after);
    expect(screen.getByRole('status', { name: /Live updates/ })).toBeTruthy();
    await userEvent.keyboard('gw');
    expect(await screen.findByRole('heading', { level: 1, name: 'Workflows' })).toBeTruthy();
    vi.unstubAllGlobals();
  });
});

describe('Overview helpers', () => {
  it('takes the failure error from the workflow or its first failed task', () => {
    const base = { id: 'w', name: 'n', status: 'failed' as const, created_at: 't' };
    expect(failureError({ ...base, error: 'boom', tasks: [] })).toEqual({ error: 'boom' });
    expect(failureError({ ...base, tasks: [
      { id: 'a', name: 'a', type: 'builtin', status: 'completed', attempts: 1 },
      { id: 'b', name: 'b', type: 'builtin', status: 'failed', attempts: 1, error: 'bad' },
    ] })).toEqual({ error: 'bad', task: 'b' });
    expect(failureError({ ...base, tasks: [] })).toEqual({});
  });
});
