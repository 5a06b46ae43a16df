// Flow 9c (Workers): the Python pull worker of examples/workers connects to the server's gRPC
// port; the page shows it, its queue and credits, and the attempt it runs, and a queue nobody
// serves. Flow 11a (Overview): workflows by state, lanes at a glance, recent failures with
// their error. Flow 11b: the dark theme toggle (remembered across a reload; the default follows
// prefers-color-scheme), and Chinese text rendered with real glyphs.
import assert from 'node:assert/strict';
import { startPythonWorker } from '../lib/agent.mjs';
import { waitFor } from '../lib/api.mjs';
import { cjkGlyphsDiffer, openPage } from '../lib/ui.mjs';
import { cellOf, rowOf } from './lanes_sessions.mjs';
import { heading } from './shell.mjs';

const WORKER = 'researcher-e2e';

/** The page's background colour as [r, g, b]. */
const background = (page) => page.evaluate(() => {
  const pick = (el) => getComputedStyle(el).backgroundColor;
  let c = pick(document.body);
  if (/rgba\(0, 0, 0, 0\)|transparent/.test(c)) c = pick(document.documentElement);
  return c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
});
const luminance = ([r, g, b]) => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;

export const flows = [
  {
    name: '9c. workers: a connected Python worker, its queue, credits and current attempt',
    timeoutMs: 60000,
    async run({ page, url, api, server, repoDir, shots }) {
      assert.ok(server.grpcTarget, 'the server printed its gRPC address');
      const worker = startPythonWorker(repoDir, server.grpcTarget, { name: WORKER, queue: 'research', capacity: 2 });
      let id;
      try {
        await waitFor('the worker to connect', async () => {
          if (worker.exited) throw new Error(worker.describe());
          return (await api.get('/api/v1/workers')).workers.some((w) => w.name === WORKER);
        }, { timeoutMs: 20000 });
        id = await api.submit({
          name: 'remote-research',
          tasks: [
            // Slow enough to be seen running: 0.3 s per document of docs/.
            { id: 'research', type: 'remote', config: { queue: 'research', topic: 'lanes', pace: 0.3 } },
            { id: 'archive', type: 'remote', config: { queue: 'archive' } },
          ],
        });
        await page.goto(url('/workers'));
        await heading(page).filter({ hasText: 'Workers' }).waitFor();
        const row = rowOf(page, 'Workers', WORKER);
        await row.waitFor();
        await (await cellOf(page, 'Workers', row, 'Queues')).getByText('research', { exact: true }).waitFor();
        await row.getByRole('link', { name: `research attempt 1 of workflow ${id}` }).waitFor({ timeout: 15000 });
        await (await cellOf(page, 'Workers', row, 'Credits')).filter({ hasText: /1\s*free\s*\/\s*2/ }).waitFor();
        // A queue with a waiting task and no worker says so.
        const archive = rowOf(page, 'Queues', 'archive');
        await archive.getByText('no worker serves this queue').waitFor({ timeout: 15000 });
        await shots.take(page, 'workers');
        // The attempt link opens its workflow.
        await row.getByRole('link', { name: `research attempt 1 of workflow ${id}` }).click();
        await page.waitForURL(new RegExp(`/ui/workflows/${id}$`));
      } finally {
        if (id) await api.post(`/api/v1/workflows/${id}/cancel`, {}).catch(() => {});
        await worker.stop();
      }
    },
  },
  {
    name: '11a. overview: workflows by state, lanes at a glance, recent failures with their error',
    timeoutMs: 45000,
    async run({ page, url, api, shots }) {
      // A failure of its own, so this flow does not depend on the others.
      const failed = await api.submit({ name: 'doomed', tasks: [{ id: 'boom', config: { op: 'fail', message: 'disk full on /var' } }] });
      await waitFor('the doomed workflow to fail', async () => (await api.workflow(failed)).status === 'failed');
      await page.goto(url('/'));
      await heading(page).filter({ hasText: 'Overview' }).waitFor();
      const status = await api.get('/status');
      const counts = page.getByRole('list', { name: 'Workflows by state' });
      for (const s of ['completed', 'failed', 'cancelled']) {
        await counts.getByRole('listitem', { name: new RegExp(`^${s}: \\d+ workflows$`) }).waitFor();
      }
      const failedCount = Number((await counts.getByRole('listitem', { name: /^failed: / }).getAttribute('aria-label')).match(/\d+/)[0]);
      assert.ok(failedCount >= 1 && failedCount <= status.workflows.failed + 1, `failed count ${failedCount} vs /status ${status.workflows.failed}`);
      await page.getByRole('list', { name: 'Lanes' }).getByText('web', { exact: true }).waitFor();
      await page.getByRole('meter', { name: 'web utilisation' }).waitFor();
      const failures = page.getByRole('list', { name: 'Recent failures' });
      const doomed = failures.getByRole('listitem').filter({ hasText: 'doomed' });
      await doomed.getByText(/disk full on \/var/).waitFor({ timeout: 15000 });
      await doomed.getByText('boom').waitFor();
      // Throughput and latency come from the server's series, drawn as sparklines.
      await page.getByRole('heading', { name: 'Throughput and latency' }).waitFor();
      await page.locator('section[aria-labelledby="ov-series"] svg').first().waitFor({ timeout: 15000 });
      await shots.take(page, 'overview');
      // A state card opens the filtered list.
      await counts.getByRole('listitem', { name: /^failed: / }).click();
      await page.waitForURL(/\/ui\/workflows\?state=failed/);
      const table = page.getByRole('table', { name: 'Workflows' });
      await table.getByRole('link', { name: 'doomed' }).first().waitFor();
      // The whole list, now that the earlier flows have filled it.
      await page.getByLabel('State').selectOption('');
      await page.waitForURL((u) => !u.search.includes('state='));
      await table.getByRole('link', { name: 'doomed' }).first().waitFor();
      await shots.take(page, 'workflows');
    },
  },
  {
    name: '11b. dark theme toggle (remembered, default from the OS); Chinese text renders',
    timeoutMs: 45000,
    async run({ page, url, api, browser, shots }) {
      await api.post('/api/v1/memory/e2e-theme', { items: [{ content: '今天天气很好，我们去公园散步' }, { content: 'dark theme, light text' }] });
      await page.goto(url('/'));
      await heading(page).filter({ hasText: 'Overview' }).waitFor();
      const html = page.locator('html');
      assert.equal(await html.getAttribute('data-theme'), 'light');
      const light = luminance(await background(page));
      await page.getByRole('button', { name: 'Switch to dark theme' }).click();
      await page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
      assert.equal(await html.getAttribute('data-theme'), 'dark');
      const dark = luminance(await background(page));
      assert.ok(light > 0.7 && dark < 0.3, `background luminance light ${light.toFixed(2)}, dark ${dark.toFixed(2)}`);
      await shots.take(page, 'dark-overview');

      // Remembered across a reload; every page follows it.
      await page.reload();
      await heading(page).filter({ hasText: 'Overview' }).waitFor();
      assert.equal(await html.getAttribute('data-theme'), 'dark');
      await page.goto(url('/memory?session=e2e-theme'));
      await page.getByRole('heading', { name: 'Memory e2e-theme' }).waitFor();
      const zh = page.getByText('今天天气很好，我们去公园散步').first();
      await zh.waitFor();
      // Chinese: the font stack has a CJK font, and two different characters draw differently
      // (missing glyphs would be identical boxes).
      const glyphs = await cjkGlyphsDiffer(page, '.u2-content');
      assert.match(glyphs.font, /WenQuanYi/i, `the content font stack has a CJK font: ${glyphs.font}`);
      assert.ok(glyphs.differ, `Chinese characters render as glyphs in ${glyphs.font}`);
      await shots.take(page, 'dark-memory-chinese');
      await page.goto(url('/workflows?submit=1'));
      await page.getByRole('textbox', { name: /Workflow spec/ }).waitFor();
      await shots.take(page, 'dark-workflows');
      await page.getByRole('button', { name: 'Switch to light theme' }).click();
      assert.equal(await html.getAttribute('data-theme'), 'light');

      // A first visit follows prefers-color-scheme.
      const os = await openPage(browser, { colorScheme: 'dark' });
      try {
        await os.page.goto(url('/'));
        await heading(os.page).filter({ hasText: 'Overview' }).waitFor();
        assert.equal(await os.page.locator('html').getAttribute('data-theme'), 'dark');
      } finally {
        await os.context.close();
      }
    },
  },
];
