// Flows on the workflow detail page: submit from the UI and watch it finish live, then the
// list's order, newest first or oldest first (2), a task's output and logs (3), the timeline's
// axis over its bars beside a real scrollbar (3b), cancel (5), a signal to a wait_signal task
// (6), and a 10,000-task workflow that opens without freezing the tab (10).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { waitFor } from '../lib/api.mjs';
import { launchBrowser, openPage } from '../lib/ui.mjs';
import { heading, scrollBelowHeader } from './shell.mjs';
import { openSubmitPanel } from './validation.mjs';

/** The workflow's state badge in the page header. */
export const workflowBadge = (page) => page.locator('.page-subtitle .badge');

/**
 * What a StateBadge says, e.g. "state: completed": its accessible name (and text) carries a
 * visually hidden "state:" before the state the user sees.
 */
export const badgeText = (state) => `state: ${state}`;
/** Matches a StateBadge's whole text, for filter({ hasText }). */
export const badgeRe = (state) => new RegExp(`^state: ${state}$`);

/** A DAG node by task id (its accessible name is "Task <id>, <state>"). */
export const dagNode = (page, id, state) =>
  page.locator('[data-testid="dag"] .react-flow__node').and(page.getByLabel(state ? `Task ${id}, ${state}` : new RegExp(`^Task ${id}\\b`)));

/** Marks the window so that a reload (which would lose the mark) can be detected. */
const markWindow = (page) => page.evaluate(() => { window.__e2eNoReload = true; });
const stillMarked = (page) => page.evaluate(() => window.__e2eNoReload === true);

/** Opens a workflow's detail page and waits for its header. */
export async function openWorkflow(page, url, id, query = '') {
  await page.goto(url(`/workflows/${encodeURIComponent(id)}${query}`));
  await page.locator('.page-subtitle').getByText(id).waitFor();
}

const EXEC_SPEC = `name: build-and-publish
description: An exec task that logs on stderr and prints JSON; a builtin that uses its output.
tasks:
  - id: build
    type: exec
    config:
      command: [sh, -c, "echo 'compiling 3 files' >&2; echo '链接完成 linked' >&2; echo '{\\"artifact\\": \\"app.bin\\", \\"size\\": 42}'"]
  - id: publish
    depends_on: [build]
    config: {op: echo, artifact: "{{tasks.build.output.artifact}}", channel: stable}
`;

/**
 * 100 levels of 100 tasks, each depending on two of the level before. t00-00 sleeps a moment, so
 * the page opens while its descendants (a cone that widens by one task per level) still run.
 */
export function bigSpec(levels = 100, width = 100) {
  const id = (l, i) => `t${String(l).padStart(2, '0')}-${String(i).padStart(2, '0')}`;
  const tasks = [];
  for (let l = 0; l < levels; l++) {
    for (let i = 0; i < width; i++) {
      tasks.push(l === 0
        ? { id: id(l, i), config: i === 0 ? { op: 'sleep', duration: '3s' } : { op: 'noop' } }
        : { id: id(l, i), depends_on: [id(l - 1, i), id(l - 1, (i + 1) % width)], config: { op: 'noop' } });
    }
  }
  return { name: 'ten-thousand', description: '10,000 tasks in 100 levels', tasks };
}

export const flows = [
  {
    name: '2. submit from the UI (an example, edited) and watch it finish live',
    timeoutMs: 60000,
    async run({ page, url, api, shots }) {
      const editor = await openSubmitPanel(page, url);
      await page.getByLabel('Example').selectOption('hello.yaml');
      const text = await editor.inputValue();
      assert.match(text, /^name: hello$/m, 'picking the example fills the editor');
      // Edited to run long enough to watch: the pause takes 4 s.
      await editor.fill(text.replace('duration: 200ms', 'duration: 4s'));
      await shots.take(page, 'workflows-submit');
      await page.getByRole('button', { name: 'Submit', exact: true }).click();

      await page.waitForURL(/\/ui\/workflows\/wf-[^/?]+/);
      const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
      await heading(page).filter({ hasText: 'hello' }).waitFor();
      await markWindow(page);

      // Running: the pause node and the header say so, then change without a reload.
      await dagNode(page, 'pause', 'running').waitFor();
      await workflowBadge(page).filter({ hasText: badgeRe('running') }).waitFor();
      await page.getByText('● live').waitFor();
      await dagNode(page, 'greet', 'completed').waitFor();
      await shots.take(page, 'workflow-detail-running');
      await dagNode(page, 'pause', 'completed').waitFor({ timeout: 15000 });
      await dagNode(page, 'done', 'completed').waitFor();
      await workflowBadge(page).filter({ hasText: badgeRe('completed') }).waitFor();
      assert.ok(await stillMarked(page), 'the page was reloaded: the states must change live');
      assert.equal((await api.workflow(id)).status, 'completed');

      // The DAG has its 4 edges (greet→pause, greet→shout, pause→done, shout→done), and a
      // critical path through the pause.
      await assert.doesNotReject(waitFor('4 edges in the graph', async () => (await page.locator('[data-testid="dag"] .react-flow__edge').count()) === 4, { timeoutMs: 5000 }));
      await page.getByText(/critical path: greet → pause → done/).waitFor();
      await page.getByText(/4 completed/).first().waitFor();
      await shots.take(page, 'workflow-detail');

      // And the Workflows list shows it completed.
      await page.getByRole('link', { name: '← All workflows' }).click();
      const row = page.getByRole('table', { name: 'Workflows' }).getByRole('row').filter({ has: page.getByRole('link', { name: 'hello', exact: true }) });
      await row.first().getByText(badgeText('completed'), { exact: true }).waitFor();

      // Newest first: of two workflows submitted one after the other the newer is the first
      // row; "oldest first" in the Order select puts the older one first.
      const ORDER_SPEC = { name: 'e2e-order', tasks: [{ id: 'only', config: { op: 'noop' } }] };
      const older = await api.submit(ORDER_SPEC);
      const newer = await api.submit(ORDER_SPEC);
      await page.goto(url('/workflows?name=e2e-order'));
      const table = page.getByRole('table', { name: 'Workflows' });
      const firstRow = () => table.getByRole('row').nth(1); // row 0 is the header
      const runAgainName = (wf) => `Run e2e-order ${wf} again`;
      const order = page.getByRole('combobox', { name: /^Order\b/ });
      await table.getByRole('row').nth(2).waitFor();
      assert.equal(await table.getByRole('row').count(), 3, 'the two e2e-order workflows (plus the header row)');
      assert.equal(await order.inputValue(), 'desc', 'the list starts newest first');
      await firstRow().getByRole('button', { name: runAgainName(newer) }).waitFor();
      await order.selectOption({ label: 'oldest first' });
      await page.waitForURL((u) => u.searchParams.get('order') === 'asc');
      await firstRow().getByRole('button', { name: runAgainName(older) }).waitFor();
      assert.equal(await table.getByRole('row').count(), 3);
    },
  },
  {
    name: '3. open a task: its output, logs, attempts and resolved input',
    timeoutMs: 45000,
    async run({ page, url, api, shots }) {
      const id = await api.submit(EXEC_SPEC);
      await waitFor('the exec workflow to finish', async () => ['completed', 'failed'].includes((await api.workflow(id)).status));
      await openWorkflow(page, url, id);
      await workflowBadge(page).filter({ hasText: badgeRe('completed') }).waitFor();

      // Click the build node: the task panel opens with its output and stderr lines.
      await dagNode(page, 'build', 'completed').click();
      const panel = page.locator('section.task-panel');
      await panel.getByRole('heading', { name: 'Task build' }).waitFor();
      assert.match(page.url(), /[?&]task=build\b/);
      const output = panel.getByLabel('Output of build');
      await output.getByText('app.bin').waitFor();
      await output.getByText('42').waitFor();
      const logs = panel.getByLabel('Logs', { exact: true });
      await logs.getByText('compiling 3 files').waitFor();
      await logs.getByText('链接完成 linked').waitFor();
      assert.match(await logs.innerText(), /stderr[\s\S]*compiling 3 files[\s\S]*链接完成 linked/);
      const attempts = panel.getByRole('table', { name: 'Attempts of build' });
      await attempts.getByRole('row').nth(1).getByText('completed').waitFor();
      assert.equal(await attempts.getByRole('row').count(), 2, 'one attempt (plus the header row)');
      await panel.getByText('No log lines.').waitFor({ state: 'detached' });
      await panel.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shots.take(page, 'task-panel');
      await logs.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await shots.take(page, 'task-panel-logs');

      // publish: its resolved input has build's output filled in; its own output echoes it.
      // publish is opened from the keyboard: focus its node, Enter (as a click would).
      await panel.getByRole('button', { name: 'Close task panel' }).click();
      await panel.waitFor({ state: 'detached' });
      // (The panel closing re-renders the graph: focus until the node holds it.)
      const publish = dagNode(page, 'publish', 'completed');
      await waitFor('the publish node to hold the focus', async () => {
        await publish.focus();
        return publish.evaluate((el) => el === document.activeElement);
      }, { timeoutMs: 5000 });
      await page.keyboard.press('Enter');
      await panel.getByRole('heading', { name: 'Task publish' }).waitFor();
      assert.match(page.url(), /[?&]task=publish\b/);
      await panel.getByLabel('Resolved input of publish').getByText('app.bin').waitFor();
      await panel.getByLabel('Output of publish').getByText('stable').waitFor();
      await panel.getByText('No log lines.').waitFor();
    },
  },
  {
    // Playwright hides scrollbars in headless Chromium; this flow opens a browser that draws
    // them, as a desktop browser on Linux or Windows does, since the scrollbar is the point.
    name: '3b. the timeline of a long run: the axis ticks stand over the bars beside a real scrollbar',
    timeoutMs: 45000,
    browser: false,
    async run({ url, api, shots }) {
      const tasks = Array.from({ length: 60 }, (_, i) => ({ id: `step-${String(i).padStart(2, '0')}`, config: { op: 'noop' } }));
      const id = await api.submit({ name: 'sixty-steps', tasks });
      await waitFor('the 60-task workflow to finish', async () => (await api.workflow(id)).status === 'completed');
      const browser = await launchBrowser({ scrollbars: true });
      try {
        const { page, errors, cspViolations } = await openPage(browser);
        await openWorkflow(page, url, id);
        const timeline = page.locator('section[aria-labelledby="timeline-title"]');
        await timeline.getByText(/^60 tasks, 60 attempts over/).waitFor();
        await scrollBelowHeader(timeline.getByRole('heading', { name: 'Timeline' }), 'the Timeline heading');
        const geo = await timeline.evaluate((el) => {
          const rows = el.querySelector('.virtual-list');
          const box = (sel) => { const r = el.querySelector(sel).getBoundingClientRect(); return { left: r.left, right: r.right }; };
          return { scrollbar: rows.offsetWidth - rows.clientWidth - 2, axis: box('.gantt-axis .gantt-plot'), row: box('.gantt-row .gantt-plot') };
        });
        assert.ok(geo.scrollbar > 0, `the timeline rows show a scrollbar (${geo.scrollbar}px wide): the case this checks`);
        assert.ok(Math.abs(geo.axis.left - geo.row.left) <= 1 && Math.abs(geo.axis.right - geo.row.right) <= 1,
          `the axis spans ${JSON.stringify(geo.axis)}, the bars' plot ${JSON.stringify(geo.row)}`);
        await shots.take(page, 'workflow-timeline');
        assert.deepEqual([...errors, ...cspViolations], [], 'no uncaught error or CSP violation in that browser');
      } finally {
        await browser.close();
      }
    },
  },
  {
    name: '5. cancel a running workflow from its page (and one from the list)',
    timeoutMs: 45000,
    async run({ page, url, api }) {
      const nap = { name: 'long-nap', tasks: [{ id: 'nap', config: { op: 'sleep', duration: '10m' } }] };
      const id = await api.submit(nap);
      await openWorkflow(page, url, id);
      await dagNode(page, 'nap', 'running').waitFor();
      await page.getByRole('button', { name: 'Cancel workflow' }).click();
      await page.getByRole('button', { name: 'Confirm cancel' }).click();
      await workflowBadge(page).filter({ hasText: badgeRe('cancelled') }).waitFor();
      await dagNode(page, 'nap', 'cancelled').waitFor();
      await page.getByRole('button', { name: 'Cancel workflow' }).waitFor({ state: 'detached' });
      assert.equal((await api.workflow(id)).status, 'cancelled');

      // From the Workflows list: the row's Cancel, confirmed.
      const id2 = await api.submit(nap);
      await waitFor('the second nap to run', async () => (await api.workflow(id2)).status === 'running');
      await page.goto(url('/workflows?state=running'));
      const cancel = page.getByRole('button', { name: `Cancel long-nap ${id2}` });
      await cancel.click();
      await page.getByRole('button', { name: 'Confirm cancel' }).click();
      await waitFor('the second nap to be cancelled', async () => (await api.workflow(id2)).status === 'cancelled');
      // It leaves the running filter's list.
      await cancel.waitFor({ state: 'detached', timeout: 10000 });
    },
  },
  {
    name: '6. send a signal to a wait_signal task from the detail page; it completes',
    timeoutMs: 45000,
    async run({ page, url, api, repoDir, shots }) {
      const spec = await readFile(path.join(repoDir, 'examples/approval.yaml'), 'utf8');
      const id = await api.submit(spec);
      await openWorkflow(page, url, id);
      await dagNode(page, 'approve', 'running').or(dagNode(page, 'approve', 'waiting')).waitFor();
      await dagNode(page, 'publish', 'pending').waitFor();

      const form = page.getByRole('form', { name: 'Send signal' });
      await form.waitFor();
      // The spec's wait_signal name is offered (and chosen) first.
      await form.getByLabel('Signal kind').selectOption('approval');
      await form.getByLabel('Target task (optional)').selectOption('approve');
      await form.getByLabel('Payload (JSON)').fill('not json');
      await form.getByRole('alert').filter({ hasText: /Not valid JSON/ }).waitFor();
      assert.ok(await form.getByRole('button', { name: 'Send signal' }).isDisabled(), 'an invalid payload cannot be sent');
      await form.getByLabel('Payload (JSON)').fill(JSON.stringify({ by: 'e2e-operator', note: '发布 ship it' }));
      await shots.take(page, 'workflow-signal');
      await form.getByRole('button', { name: 'Send signal' }).click();
      await page.getByText(/Signal approval sent/).waitFor();

      await dagNode(page, 'approve', 'completed').waitFor();
      await dagNode(page, 'publish', 'completed').waitFor();
      await workflowBadge(page).filter({ hasText: badgeRe('completed') }).waitFor();
      const wf = await api.workflow(id);
      assert.equal(wf.status, 'completed');
      assert.equal(wf.tasks.find((t) => t.id === 'publish').result.approved_by, 'e2e-operator');

      // The approve task's panel lists the signal it took, with its payload.
      await dagNode(page, 'approve', 'completed').click();
      const signals = page.getByRole('list', { name: 'Signals of approve' });
      await signals.getByText(/#\d+ approval/).waitFor();
      await signals.getByText('发布 ship it').waitFor();
      await page.locator('section.task-panel').getByLabel('Output of approve').getByText('e2e-operator').waitFor();
    },
  },
  {
    name: '10. a 10,000-task workflow opens without freezing; the graph says it is collapsed',
    timeoutMs: 120000,
    async run({ page, url, api, shots }) {
      const id = await api.submit(bigSpec());
      const t0 = Date.now();
      await page.goto(url(`/workflows/${encodeURIComponent(id)}`));
      await page.getByText(/Graph collapsed:.*10,000 tasks/).waitFor({ timeout: 30000 });
      const list = page.getByText(/of 10,000 tasks/);
      await list.waitFor({ timeout: 30000 });

      // Interactive: find one task in the virtualised list and open its panel.
      const find = page.getByLabel('Find task');
      await find.fill('t57-42');
      await page.getByText(/^\s*1 of 10,000 tasks/).waitFor();
      await page.getByRole('listbox', { name: 'Tasks' }).getByRole('option').filter({ hasText: 't57-42' }).click();
      await page.locator('section.task-panel').getByRole('heading', { name: 'Task t57-42' }).waitFor();
      const interactiveMs = Date.now() - t0;
      assert.ok(interactiveMs < 15000, `the page became usable after ${interactiveMs} ms (limit 15 s)`);

      // The main thread keeps answering while the run finishes live (batched updates).
      let worstLag = 0;
      let serverDoneAt = null;
      // (Polled through the list, whose rows are small: the status of 10,000 tasks is 2 MB.)
      const serverDone = waitFor('the server to finish the 10,000 tasks',
        async () => (await api.get('/api/v1/workflows?name=ten-thousand')).workflows.find((w) => w.id === id)?.status === 'completed',
        { timeoutMs: 90000, intervalMs: 250 }).then(() => { serverDoneAt = Date.now(); });
      await waitFor('the 10,000 tasks to complete on screen', async () => {
        const t = Date.now();
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(true))));
        worstLag = Math.max(worstLag, Date.now() - t);
        return (await workflowBadge(page).textContent()).replace(/\s+/g, ' ').trim() === badgeText('completed');
      }, { timeoutMs: 90000, intervalMs: 250 });
      const uiDoneAt = Date.now();
      await serverDone;
      await page.getByText('10,000 completed').first().waitFor();
      assert.ok(worstLag < 3000, `a frame took ${worstLag} ms while the events arrived (limit 3 s)`);
      assert.ok(uiDoneAt - serverDoneAt < 15000, `the page showed the end ${uiDoneAt - serverDoneAt} ms after the server (limit 15 s)`);
      // Once finished, the durations are the server's: the critical path starts at the task
      // that slept 3 s.
      await page.getByText(/critical path: t00-00 → .*\((3(\.\d+)?s|[34]\.\d+s)\)/).waitFor({ timeout: 10000 });
      await find.fill('t00-00');
      await page.getByRole('listbox', { name: 'Tasks' }).getByRole('option').filter({ hasText: 't00-00' }).getByText(/completed · 3(\.\d+)?s/).waitFor();
      // The collapsed graph draws its level nodes in view.
      const levels = page.locator('[data-testid="dag"][data-mode="collapsed"] .react-flow__node');
      await levels.first().waitFor();
      const box = await page.locator('[data-testid="dag"][data-mode="collapsed"]').boundingBox();
      const inView = await levels.evaluateAll((els, b) => els.filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > b.x && r.left < b.x + b.width && r.bottom > b.y && r.top < b.y + b.height;
      }).length, box);
      assert.ok(inView >= 2, `the collapsed graph shows ${inView} level nodes in its view (of ${await levels.count()})`);
      await find.fill('');
      await page.evaluate(() => window.scrollTo(0, 0));
      await shots.take(page, 'workflow-detail-10000');
      process.stdout.write(`# 10,000 tasks: usable after ${interactiveMs} ms; worst frame wait ${worstLag} ms; ` +
        `server finished at ${serverDoneAt - t0} ms, the page showed it at ${uiDoneAt - t0} ms\n`);
    },
  },
];
