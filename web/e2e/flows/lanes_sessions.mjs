// Flow 9a (Lanes): change a lane's concurrency in the UI and see it applied -- work waiting
// behind max_concurrency 1 is admitted once it is raised. Flow 9b (Sessions): open a session by
// key, send it inputs; the first starts a run, the second waits behind it.
import assert from 'node:assert/strict';
import { waitFor } from '../lib/api.mjs';
import { badgeText } from './detail.mjs';
import { heading } from './shell.mjs';

/** The cells of a row, data cells and row headers alike, in order. */
const CELLS = ':scope > td, :scope > th';

/**
 * The table row (of the table named `table`) whose first cell (a <td> or a row header) holds
 * an element whose whole text is `first` (a string; e.g. the <strong> name above a note), or
 * whose text matches `first` (a RegExp).
 */
export function rowOf(page, table, first) {
  const cell = page.locator(CELLS).first();
  return page.getByRole('table', { name: table }).getByRole('row').filter({
    has: typeof first === 'string' ? cell.filter({ has: page.getByText(first, { exact: true }) }) : cell.filter({ hasText: first }),
  });
}

/** A cell of `row` by its column header's text. */
export async function cellOf(page, table, row, header) {
  const headers = await page.getByRole('table', { name: table }).getByRole('columnheader').allInnerTexts();
  const i = headers.findIndex((h) => h.replace(/[▲▼↕]/g, '').trim() === header);
  assert.ok(i >= 0, `no column "${header}" in table ${table}: ${headers.join(' | ')}`);
  return row.locator(CELLS).nth(i);
}

const PARALLEL_ON_WEB = {
  name: 'three-on-web',
  tasks: ['a', 'b', 'c'].map((id) => ({ id, lane: 'web', config: { op: 'sleep', duration: '20s' } })),
};

export const flows = [
  {
    name: '9a. lanes: changing a lane\'s concurrency applies at once',
    timeoutMs: 60000,
    async run({ page, url, api, shots }) {
      await page.goto(url('/lanes'));
      await heading(page).filter({ hasText: 'Lanes' }).waitFor();
      const web = rowOf(page, 'Lanes', 'web');
      await web.waitFor();

      const setConcurrency = async (n) => {
        await page.getByRole('button', { name: 'Change lane web' }).click();
        const form = page.getByRole('form', { name: 'Change lane web' });
        await form.getByLabel('Max concurrency').fill(String(n));
        await form.getByRole('button', { name: 'Apply changes' }).click();
        await page.getByRole('status').filter({ hasText: `Lane web changed: max concurrency ${n}.` }).waitFor();
        // The server has it, and the table shows it.
        assert.equal((await api.get('/api/v1/lanes/web')).max_concurrency, n);
        await (await cellOf(page, 'Lanes', web, 'Running')).filter({ hasText: new RegExp(`/\\s*${n}\\b`) }).waitFor();
      };

      await setConcurrency(1);
      const id = await api.submit(PARALLEL_ON_WEB);
      try {
        // With one slot, one task runs and two wait: the table shows it (auto-refresh).
        await (await cellOf(page, 'Lanes', web, 'Running')).filter({ hasText: /^\s*1\s*\/\s*1\b/ }).waitFor({ timeout: 20000 });
        await (await cellOf(page, 'Lanes', web, 'Waiting')).filter({ hasText: /^\s*2\s*\// }).waitFor({ timeout: 20000 });
        // Raised to 5, the waiting two are admitted at once.
        await setConcurrency(5);
        await (await cellOf(page, 'Lanes', web, 'Running')).filter({ hasText: /^\s*3\s*\/\s*5\b/ }).waitFor({ timeout: 20000 });
        await (await cellOf(page, 'Lanes', web, 'Waiting')).filter({ hasText: /^\s*0\s*\// }).waitFor({ timeout: 20000 });
        await shots.take(page, 'lanes');
      } finally {
        await api.post(`/api/v1/workflows/${id}/cancel`, {}).catch(() => {});
        await api.request('PATCH', '/api/v1/lanes/web', { json: { max_concurrency: 4 } }).catch(() => {});
      }
    },
  },
  {
    name: '9b. sessions: send inputs to a session; the first starts a run, the next waits',
    timeoutMs: 60000,
    async run({ page, url, api, shots }) {
      const key = 'chat:e2e-alice';
      await page.goto(url('/sessions'));
      await heading(page).filter({ hasText: 'Sessions' }).waitFor();
      await page.getByLabel('Session key').fill(key);
      await page.getByRole('button', { name: 'Open session' }).click();
      await page.getByRole('heading', { name: `Session ${key}` }).waitFor();

      const form = page.getByRole('form', { name: `Send an input to session ${key}` });
      const send = async (message) => {
        await form.getByLabel('Input (JSON object)').fill(JSON.stringify({ message }));
        await form.getByRole('button', { name: 'Send input' }).click();
        const answer = form.getByRole('status', { name: 'Answer to the input' });
        await answer.waitFor();
        return answer;
      };

      let answer = await send('你好, goclaw — first');
      await answer.getByText(badgeText('started'), { exact: true }).waitFor();
      const run = await waitFor('the session to have an active run', async () => (await api.get(`/api/v1/sessions/${key}`)).active_run);
      await answer.getByRole('link', { name: run }).waitFor();

      answer = await send('second, while the first runs');
      await answer.getByText(badgeText('queued'), { exact: true }).waitFor({ timeout: 5000 }).catch(async () => {
        throw new Error(`the second input's answer: ${await answer.innerText()}`);
      });
      // The detail lists it as waiting; the table lists the session with its run.
      await page.getByRole('heading', { name: 'Waiting inputs (1)' }).waitFor({ timeout: 10000 });
      await page.getByRole('table', { name: `Waiting inputs of ${key}` }).getByText('second, while the first runs').waitFor();
      const row = rowOf(page, 'Sessions', key);
      await row.waitFor({ timeout: 15000 });
      await row.getByRole('link', { name: `Active run ${run} of ${key}` }).waitFor();
      await shots.take(page, 'sessions');

      // The active run link opens the workflow.
      await page.getByRole('link', { name: run }).first().click();
      await page.waitForURL(new RegExp(`/ui/workflows/${run}$`));
    },
  },
];
