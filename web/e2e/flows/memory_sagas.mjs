// Flow 7 (Memory): items memorized over REST (Chinese among them) are found from the UI in
// each mode, with their scores and retrievability, and one is forgotten; an item memorized from
// the UI's form (with metadata) is found by search; a bad threshold is refused at its field;
// forget weak, then forget all, leave the session empty. Flow 8 (Sagas): the
// saga-booking example's trip, with a car that cannot be booked and policy manual, waits in
// pending-compensation; Compensate in the UI undoes the hotel and the flight.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startTravelAgent } from '../lib/agent.mjs';
import { waitFor } from '../lib/api.mjs';
import { badgeRe, badgeText } from './detail.mjs';
import { cellOf, rowOf } from './lanes_sessions.mjs';
import { heading, scrollBelowHeader } from './shell.mjs';

export const MEMORY_SESSION = 'e2e-notes';
export const MEMORY_ITEMS = [
  { content: 'The staging database deploys every Tuesday at 10:00 UTC', metadata: { topic: 'deploy' } },
  { content: '部署流程：先在预发布环境验证，再发布到生产环境', metadata: { topic: '部署' } },
  { content: '今天天气很好，我们去公园散步', metadata: { lang: 'zh' } },
  { content: 'Lanes limit how many tasks run at once; the web lane allows four', metadata: { topic: 'lanes' } },
];

export const flows = [
  {
    name: '7. memory: search (hybrid, bm25, vector) shows scores; Chinese text; forget one; memorize; forget weak and all',
    timeoutMs: 60000,
    async run({ page, url, api, shots }) {
      const { ids } = await api.post(`/api/v1/memory/${MEMORY_SESSION}`, { items: MEMORY_ITEMS });
      assert.equal(ids.length, MEMORY_ITEMS.length);
      await api.post('/api/v1/memory/e2e-other', { items: [{ content: 'another session, another memory' }] });

      await page.goto(url('/memory'));
      await heading(page).filter({ hasText: 'Memory' }).waitFor();
      const session = rowOf(page, 'Memory sessions', MEMORY_SESSION);
      await (await cellOf(page, 'Memory sessions', session, 'Items')).filter({ hasText: /^\s*4\s*$/ }).waitFor();
      await rowOf(page, 'Memory sessions', 'e2e-other').waitFor();
      await page.getByRole('button', { name: new RegExp(`^Open memory\\b.*${MEMORY_SESSION}$`) }).click();
      await page.getByRole('heading', { name: `Memory ${MEMORY_SESSION}` }).waitFor();

      const form = page.getByRole('search', { name: `Search memory ${MEMORY_SESSION}` });
      const results = page.getByRole('table', { name: `Search results in ${MEMORY_SESSION}` });
      const search = async (query, mode) => {
        await form.getByLabel('Search query').fill(query);
        await form.getByLabel('Mode').selectOption(mode);
        await form.getByRole('button', { name: 'Search' }).click();
        await page.getByRole('status').filter({ hasText: `for “${query}” (${mode})` }).waitFor();
        return results.getByRole('row').nth(1); // the best hit (row 0 is the header)
      };

      // Hybrid, in Chinese: the deployment note first, with a fused score and ranks.
      let best = await search('部署', 'hybrid');
      await best.getByText(MEMORY_ITEMS[1].content).waitFor();
      const score = await (await cellOf(page, `Search results in ${MEMORY_SESSION}`, best, 'Score')).innerText();
      assert.match(score, /\d/, `the score cell shows a number, got "${score}"`);
      assert.match(await (await cellOf(page, `Search results in ${MEMORY_SESSION}`, best, 'BM25 rank')).innerText(), /^\s*1\s*$/);
      assert.match(await (await cellOf(page, `Search results in ${MEMORY_SESSION}`, best, 'Retrievability')).innerText(), /\d+(\.\d+)?\s*%/);
      await shots.take(page, 'memory');

      // BM25 in English.
      best = await search('staging database', 'bm25');
      await best.getByText(MEMORY_ITEMS[0].content).waitFor();
      // Vector: some result, with a vector rank.
      best = await search('公园 天气', 'vector');
      await assert.doesNotReject((await cellOf(page, `Search results in ${MEMORY_SESSION}`, best, 'Vector rank')).filter({ hasText: /\d/ }).waitFor());

      // Forget the staging note from its search result.
      best = await search('staging database', 'bm25');
      await best.getByText(MEMORY_ITEMS[0].content).waitFor();
      await best.getByRole('button', { name: `Forget item ${ids[0]}` }).click();
      await best.getByRole('button', { name: 'Confirm forget' }).click();
      await page.getByText(/Forgot “The staging database/).waitFor();
      await results.getByText(MEMORY_ITEMS[0].content).waitFor({ state: 'detached' });
      await api.request('GET', `/api/v1/memory/${MEMORY_SESSION}/items/${ids[0]}`, { expect: 404 });
      await (await cellOf(page, 'Memory sessions', session, 'Items')).filter({ hasText: /^\s*3\s*$/ }).waitFor();

      // Memorize from the form, with metadata; the new item is found by search.
      const memorize = page.getByRole('form', { name: 'Memorize' });
      assert.equal(await memorize.getByLabel('Session').inputValue(), MEMORY_SESSION);
      const note = 'The on-call rotation changes every Monday at 09:00 CET';
      await memorize.getByLabel('Content').fill(note);
      await memorize.getByLabel(/^Metadata/).fill('topic=oncall\nteam = sre');
      await memorize.getByRole('button', { name: 'Memorize' }).click();
      const memorized = await memorize.getByRole('status').filter({ hasText: /^Memorized as mem-/ }).innerText();
      const newId = memorized.match(/(mem-[\w-]+)/)[1];
      const item = await api.get(`/api/v1/memory/${MEMORY_SESSION}/items/${newId}`);
      assert.equal(item.content, note);
      assert.deepEqual(item.metadata, { topic: 'oncall', team: 'sre' });
      await (await cellOf(page, 'Memory sessions', session, 'Items')).filter({ hasText: /^\s*4\s*$/ }).waitFor();
      // Its heading, scrolled into view, is below the sticky header (and in the picture).
      await scrollBelowHeader(page.getByRole('heading', { name: 'Memorize', exact: true }), 'the Memorize heading');
      await shots.take(page, 'memory-forms');
      best = await search('on-call rotation', 'bm25');
      await best.getByText(note).waitFor();
      await best.getByText('topic=oncall').waitFor();

      // A threshold the server refuses shows at its field; nothing is forgotten.
      const bulk = page.getByRole('group', { name: `Forget in bulk from ${MEMORY_SESSION}` });
      const threshold = bulk.getByLabel('Retrievability threshold');
      await threshold.fill('2');
      await bulk.getByRole('button', { name: `Forget weak items of ${MEMORY_SESSION}` }).click();
      await bulk.getByRole('button', { name: 'Confirm forget weak' }).click();
      await bulk.getByText('expected a retrievability in (0, 1] such as 0.1, got "2"').waitFor();
      assert.equal(await threshold.getAttribute('aria-invalid'), 'true');

      // Forget weak (below 0.5): everything was just memorized, so nothing is that weak.
      await threshold.fill('0.5');
      await bulk.getByRole('button', { name: `Forget weak items of ${MEMORY_SESSION}` }).click();
      await bulk.getByRole('button', { name: 'Confirm forget weak' }).click();
      await bulk.getByRole('status').filter({ hasText: 'Forgot 0 items with retrievability below 0.5.' }).waitFor();
      assert.equal(await threshold.getAttribute('aria-invalid'), null);
      assert.equal((await api.get(`/api/v1/memory/${MEMORY_SESSION}/stats`)).total_entries, 4);

      // Forget all: the session is empty, on screen and on the server.
      await bulk.getByRole('button', { name: `Forget all items of ${MEMORY_SESSION}` }).click();
      await bulk.getByRole('button', { name: 'Confirm forget all' }).click();
      await bulk.getByRole('status').filter({ hasText: `Forgot 4 items: ${MEMORY_SESSION} is empty.` }).waitFor();
      await page.getByText('This session holds no items.').waitFor(); // the items' empty state
      await page.getByRole('table', { name: `Items of ${MEMORY_SESSION}` }).waitFor({ state: 'detached' });
      await session.waitFor({ state: 'detached' }); // the sessions list drops it
      assert.equal((await api.get(`/api/v1/memory/${MEMORY_SESSION}/stats`)).total_entries, 0);
    },
  },
  {
    name: '8. sagas: compensate a pending-compensation trip from the UI; see each step undone',
    timeoutMs: 60000,
    async run({ page, url, api, repoDir, shots }) {
      const agent = await startTravelAgent(repoDir, ['--fail', 'car']);
      try {
        const trip = (await readFile(path.join(repoDir, 'examples/saga-booking/trip.yaml'), 'utf8'))
          .replace(/^policy: auto/m, 'policy: manual')
          .replaceAll('127.0.0.1:8765', `127.0.0.1:${agent.port}`);
        assert.match(trip, /^policy: manual/m);
        const { saga_id: sagaId } = await api.postYaml('/api/v1/sagas', trip);
        await waitFor('the trip to wait for compensation', async () => (await api.get(`/api/v1/sagas/${sagaId}`)).state === 'pending-compensation');

        await page.goto(url('/sagas'));
        await heading(page).filter({ hasText: 'Sagas' }).waitFor();
        const open = page.getByRole('button', { name: new RegExp(`^Open saga\\b.*${sagaId}$`) });
        const row = page.getByRole('table', { name: 'Sagas' }).getByRole('row').filter({ has: open });
        await row.getByText('pending-compensation').waitFor();
        await open.click();
        const steps = page.getByRole('table', { name: `Steps of saga ${sagaId}` });
        await steps.waitFor();
        const step = (id) => rowOf(page, `Steps of saga ${sagaId}`, id);
        const col = async (id, header) => cellOf(page, `Steps of saga ${sagaId}`, step(id), header);
        await (await col('flight', 'Forward')).getByText('completed').waitFor();
        await (await col('car', 'Forward')).getByText('failed').waitFor();
        await step('car').getByText(/failed the saga/).waitFor();
        await (await col('confirm', 'Compensation')).getByText('none defined').waitFor();

        await page.getByLabel('Reason for compensating (optional)').fill('no car in Lisbon, trip off');
        await page.getByRole('button', { name: `Compensate saga ${sagaId}` }).click();
        await page.getByRole('button', { name: 'Confirm compensate' }).click();
        await page.getByRole('status').filter({ hasText: /Compensation accepted: the saga is/ }).first().waitFor();

        // The detail refreshes itself: the hotel and the flight are compensated, then the saga.
        await (await col('hotel', 'Compensation')).getByText(badgeText('compensated'), { exact: true }).waitFor({ timeout: 20000 });
        await (await col('flight', 'Compensation')).getByText(badgeText('compensated'), { exact: true }).waitFor({ timeout: 20000 });
        await page.locator('#saga-detail-title ~ .badge, section .row .badge').filter({ hasText: badgeRe('compensated') }).first().waitFor({ timeout: 20000 });
        await row.getByText(badgeText('compensated'), { exact: true }).waitFor({ timeout: 15000 });
        await page.getByText('no car in Lisbon, trip off').first().waitFor();
        await page.getByRole('link', { name: /^Compensation workflow wf-/ }).waitFor();
        await page.evaluate(() => window.scrollTo(0, 0));
        await shots.take(page, 'sagas');

        const saga = await api.get(`/api/v1/sagas/${sagaId}`);
        assert.equal(saga.state, 'compensated');
        assert.deepEqual([...saga.compensated_steps].sort(), ['flight', 'hotel']);
        const cancels = (await agent.calls()).filter((c) => c.action === 'cancel' && c.status === 200).map((c) => c.kind).sort();
        assert.deepEqual(cancels, ['flight', 'hotel'], 'the agent was asked to cancel the hotel and the flight');
      } finally {
        await agent.stop();
      }
    },
  },
];
