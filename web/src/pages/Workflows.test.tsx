import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { ToastProvider } from '../components/Toast';
import WorkflowsPage from './Workflows';

class QuietSocket {
  readyState = 0;
  onopen = null; onmessage = null; onclose = null; onerror = null;
  send() {}
  close() {}
}

const wf = (id: string, status = 'completed') => ({ id, name: `wf-${id}`, status, created_at: '2026-12-03T01:00:00Z', tasks: 2 });

function page(ws: ReturnType<typeof wf>[], next: string | null, total = 60) {
  return new Response(JSON.stringify({ workflows: ws, total, limit: 25, offset: 0, next_cursor: next }), { status: 200 });
}

afterEach(() => vi.unstubAllGlobals());

function renderPage(url = '/workflows') {
  return render(<MemoryRouter initialEntries={[url]}><ToastProvider><WorkflowsPage /></ToastProvider></MemoryRouter>);
}

describe('Workflows page', () => {
  it('pages by cursor, Back returns through the stack, filters restart from page 1', async () => {
    vi.stubGlobal('WebSocket', QuietSocket);
    const urls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (u: string) => {
      urls.push(u);
      const q = new URL(u, 'http://x').searchParams;
      if (q.get('cursor') === 'c1') return page([wf('b1')], 'c2');
      if (q.get('cursor') === 'c2') return page([wf('c1')], null);
      return page([wf('a1', 'running'), wf('a2')], 'c1');
    }));
    renderPage();
    const table = await screen.findByRole('table', { name: 'Workflows' });
    expect(within(table).getByRole('link', { name: 'wf-a1' })).toBeTruthy();
    // a running row can be cancelled; a finished one cannot
    expect(screen.getByRole('button', { name: 'Cancel wf-a1 a1' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel wf-a2 a2' })).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Next →' }));
    await screen.findByRole('link', { name: 'wf-b1' });
    await userEvent.click(screen.getByRole('button', { name: 'Next →' }));
    await screen.findByRole('link', { name: 'wf-c1' });
    expect((screen.getByRole('button', { name: 'Next →' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByRole('button', { name: '← Back' }));
    await screen.findByRole('link', { name: 'wf-b1' });
    await userEvent.click(screen.getByRole('button', { name: '← Back' }));
    await screen.findByRole('link', { name: 'wf-a1' });
    expect((screen.getByRole('button', { name: '← Back' }) as HTMLButtonElement).disabled).toBe(true);

    await userEvent.selectOptions(screen.getByLabelText('State'), 'failed');
    await waitFor(() => expect(urls.at(-1)).toMatch(/status=failed/));
    expect(urls.at(-1)).not.toMatch(/cursor/);
  });

  it('lists newest first unless the order says oldest, and an order change restarts paging', async () => {
    vi.stubGlobal('WebSocket', QuietSocket);
    const urls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (u: string) => { urls.push(u); return page([wf('a1')], 'c1'); }));
    renderPage();
    await screen.findByRole('link', { name: 'wf-a1' });
    expect(new URL(urls[0], 'http://x').searchParams.get('order')).toBe('desc');
    expect((screen.getByLabelText('Order') as HTMLSelectElement).value).toBe('desc');
    await userEvent.click(screen.getByRole('button', { name: 'Next →' }));
    await waitFor(() => expect(urls.at(-1)).toMatch(/cursor=c1/));
    await userEvent.selectOptions(screen.getByLabelText('Order'), 'asc');
    await waitFor(() => {
      const q = new URL(urls.at(-1)!, 'http://x').searchParams;
      expect(q.get('order')).toBe('asc');
      expect(q.get('cursor')).toBeNull();
    });
  });

  it('keeps the oldest-first order from the URL', async () => {
    vi.stubGlobal('WebSocket', QuietSocket);
    const urls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (u: string) => { urls.push(u); return page([], null, 0); }));
    renderPage('/workflows?order=asc');
    await screen.findByText('No workflows yet.');
    expect(new URL(urls[0], 'http://x').searchParams.get('order')).toBe('asc');
  });

  it('debounces the name filter', async () => {
    vi.stubGlobal('WebSocket', QuietSocket);
    const urls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (u: string) => { urls.push(u); return page([], null, 0); }));
    renderPage();
    await screen.findByText('No workflows yet.');
    await userEvent.type(screen.getByLabelText('Name'), 'hello');
    await waitFor(() => expect(urls.at(-1)).toMatch(/name=hello/));
    expect(urls.filter((u) => /name=h(?!ello)/.test(u))).toEqual([]); // no request per keystroke
    expect(await screen.findByText('No workflow matches these filters.')).toBeTruthy();
  });

  it('shows an error state with Retry when the list fails', async () => {
    vi.stubGlobal('WebSocket', QuietSocket);
    let fail = true;
    vi.stubGlobal('fetch', vi.fn(async () => {
      if (fail) throw new TypeError('Failed to fetch');
      return page([wf('z')], null, 1);
    }));
    renderPage();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('NETWORK');
    fail = false;
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('link', { name: 'wf-z' })).toBeTruthy();
  });
});
