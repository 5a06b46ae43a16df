// Flow 12: what the user sees when things go wrong or are empty -- a request that fails (an
// error body with its code, details and request id; no answer at all) and Retry, an unknown
// workflow, an unknown page, empty lists -- and the event stream dropping: the badge goes
// offline, the client reconnects, resumes the workflow from the last event it saw (`since`) and
// the page keeps updating without a reload.
import assert from 'node:assert/strict';
import { waitFor } from '../lib/api.mjs';
import { badgeRe, dagNode, openWorkflow, workflowBadge } from './detail.mjs';
import { heading } from './shell.mjs';

const API_ERROR = {
  error: {
    code: 'UNAVAILABLE', message: 'lanes are resting',
    details: [{ path: 'lanes[0]', message: 'try again later' }], request_id: 'req-e2e-0001',
  },
};

export const flows = [
  {
    name: '12a. error states (error body, no answer) with Retry; unknown workflow and page; empty lists',
    timeoutMs: 45000,
    async run({ page, url }) {
      // An error answer: code, HTTP status, message, details, request id; Retry recovers.
      await page.route('**/api/v1/lanes', (r) => r.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify(API_ERROR) }));
      await page.goto(url('/lanes'));
      const alert = page.getByRole('alert').filter({ hasText: 'lanes are resting' });
      await alert.waitFor();
      await alert.getByText(/UNAVAILABLE · HTTP 503/).waitFor();
      await alert.getByRole('list', { name: 'Error details' }).getByText('try again later').waitFor();
      await alert.getByText('req-e2e-0001').waitFor();
      await page.unroute('**/api/v1/lanes');
      await alert.getByRole('button', { name: 'Retry' }).click();
      await page.getByRole('table', { name: 'Lanes' }).waitFor();
      await alert.waitFor({ state: 'detached' });

      // No answer at all (the connection fails).
      await page.route('**/api/v1/sagas?*', (r) => r.abort('connectionrefused'));
      await page.goto(url('/sagas'));
      const down = page.getByRole('alert').first();
      await down.waitFor();
      await down.getByRole('button', { name: 'Retry' }).waitFor();
      await page.unroute('**/api/v1/sagas?*');
      await down.getByRole('button', { name: 'Retry' }).click();
      await page.getByText(/^\d+ sagas?$/).waitFor();
      await down.waitFor({ state: 'detached' });

      // Empty lists say what would fill them.
      await page.goto(url('/sagas?state=compensation-failed'));
      await page.getByText('No compensation-failed sagas.').waitFor();
      await page.goto(url('/workers'));
      await page.getByText('No workers are connected.').waitFor();
      await page.goto(url('/workflows?name=no-such-workflow-name'));
      await page.getByText('No workflow matches these filters.').waitFor();

      // An unknown workflow, an unknown page.
      await page.goto(url('/workflows/wf-00000000-0000-7000-8000-000000000000'));
      await page.getByRole('alert').filter({ hasText: /NOT_FOUND/ }).waitFor();
      await page.getByText('No such workflow').waitFor();
      await page.goto(url('/no/such/page'));
      await heading(page).filter({ hasText: 'Not found' }).waitFor();
    },
  },
  {
    name: '12b. the event stream drops: offline badge, reconnect, resume from since; the page keeps updating',
    timeoutMs: 60000,
    async run({ page, url, api }) {
      const conns = [];
      await page.routeWebSocket(/\/ws\/events/, (ws) => {
        const server = ws.connectToServer();
        const conn = { ws, server, sent: [], received: 0 };
        conns.push(conn);
        ws.onMessage((m) => { conn.sent.push(String(m)); server.send(m); });
        server.onMessage((m) => { conn.received++; ws.send(m); });
      });
      const id = await api.submit({
        name: 'steady',
        tasks: [
          { id: 'first', config: { op: 'sleep', duration: '1s' } },
          { id: 'second', depends_on: ['first'], config: { op: 'sleep', duration: '6s' } },
          { id: 'third', depends_on: ['second'], config: { op: 'noop' } },
        ],
      });
      await openWorkflow(page, url, id);
      await dagNode(page, 'second', 'running').waitFor({ timeout: 20000 });
      await page.getByRole('status', { name: 'Live updates: Live' }).waitFor();
      const subscribed = (c) => c.sent.map((t) => JSON.parse(t)).filter((m) => m.type === 'subscribe' && (m.workflow_ids ?? []).includes(id));
      const before = conns.filter((c) => subscribed(c).length > 0);
      assert.ok(before.length >= 1, 'the detail page subscribed to its workflow');
      await page.evaluate(() => { window.__e2eNoReload = true; });

      // Drop every connection from the server's side.
      const dropped = conns.length;
      for (const c of conns) c.ws.close({ code: 1011, reason: 'e2e: connection lost' });
      await page.getByRole('status', { name: /Live updates: (Offline|Connecting)/ }).waitFor({ timeout: 5000 });
      // It reconnects (capped backoff) and subscribes again, from the last seq it saw.
      const again = await waitFor('a new subscription to the workflow', () => conns.slice(dropped).find((c) => subscribed(c).length > 0), { timeoutMs: 20000 });
      const resume = subscribed(again)[0];
      assert.ok(Number.isInteger(resume.since) && resume.since > 0, `the new subscription resumes with since > 0: ${JSON.stringify(resume)}`);
      await page.getByRole('status', { name: 'Live updates: Live' }).waitFor({ timeout: 15000 });

      // The rest of the run arrives over the new connection; no reload.
      await dagNode(page, 'third', 'completed').waitFor({ timeout: 20000 });
      await workflowBadge(page).filter({ hasText: badgeRe('completed') }).waitFor();
      assert.ok(await page.evaluate(() => window.__e2eNoReload === true), 'the page was not reloaded');
      assert.ok(again.received > 0, 'events came over the new connection');
    },
  },
];
