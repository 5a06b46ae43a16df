// Flow 4: a spec with mistakes, pasted into the Submit panel, shows each validation error next
// to its line: in the editor (beside the line it names) and in the list below it, whose
// "Line N" button puts the caret on that line. Fixing the spec clears them and validates.
import assert from 'node:assert/strict';
import { heading } from './shell.mjs';

// Line 6 names a task that does not exist; line 9 has a key tasks do not have.
export const BAD_SPEC = `name: bad-spec
tasks:
  - id: fetch
    config: {op: echo, text: hi}
  - id: report
    depends_on: [fetch, summarise]
    config: {op: noop}
  - id: tidy
    colour: red
    config: {op: noop}
`;

/** Opens Workflows → Submit workflow and returns the spec editor's textarea. */
export async function openSubmitPanel(page, url) {
  await page.goto(url('/workflows'));
  await heading(page).filter({ hasText: 'Workflows' }).waitFor();
  const toggle = page.getByRole('button', { name: 'Submit workflow' });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  const editor = page.getByRole('textbox', { name: /Workflow spec/ });
  await editor.waitFor();
  return editor;
}

/** The vertical band [top, bottom) of 1-based `line` in a non-wrapping textarea. */
async function lineBand(editor, line) {
  const m = await editor.evaluate((ta) => {
    const cs = getComputedStyle(ta);
    const r = ta.getBoundingClientRect();
    return { top: r.top + parseFloat(cs.borderTopWidth) + parseFloat(cs.paddingTop) - ta.scrollTop, lh: parseFloat(cs.lineHeight) };
  });
  assert.ok(m.lh > 0, 'the editor has a numeric line-height');
  return { top: m.top + (line - 1) * m.lh, bottom: m.top + line * m.lh };
}

/** The 1-based line of the textarea's caret. */
const caretLine = (editor) => editor.evaluate((ta) => ta.value.slice(0, ta.selectionStart).split('\n').length);

export const flows = [
  {
    name: '4. a validation error shows at its line in the submit editor',
    timeoutMs: 45000,
    async run({ page, url, shots }) {
      const editor = await openSubmitPanel(page, url);
      await editor.fill(BAD_SPEC);
      await page.getByRole('button', { name: 'Validate', exact: true }).click();

      // The summary, as an alert.
      await page.getByRole('alert').filter({ hasText: /VALIDATION_FAILED.*2 problems/ }).waitFor();
      const list = page.getByRole('list', { name: 'Validation errors' });
      await list.waitFor();
      const items = list.getByRole('listitem');
      await assert.doesNotReject(items.filter({ hasText: /Line 6\s*—\s*tasks\[1\]\.depends_on\[1\]: unknown task "summarise"/ }).waitFor());
      await assert.doesNotReject(items.filter({ hasText: /Line 9\s*—\s*tasks\[2\]\.colour: unknown key/ }).waitFor());
      assert.equal(await items.count(), 2);
      assert.equal(await editor.getAttribute('aria-invalid'), 'true');

      // Beside its line in the editor: the message's box is on line 6's row (and line 9's).
      for (const [line, text] of [[6, 'unknown task "summarise"'], [9, 'unknown key']]) {
        const msg = page.locator('.spec-editor').getByText(text).first();
        await msg.waitFor();
        const box = await msg.boundingBox();
        const band = await lineBand(editor, line);
        const mid = box.y + box.height / 2;
        assert.ok(mid >= band.top && mid < band.bottom,
          `the message "${text}" is drawn at y=${mid.toFixed(1)}, not on line ${line} (${band.top.toFixed(1)}–${band.bottom.toFixed(1)})`);
      }
      await shots.take(page, 'validation-error');

      // "Line 9" puts the caret on line 9.
      await items.filter({ hasText: 'Line 9' }).getByRole('button', { name: 'Line 9' }).click();
      assert.equal(await caretLine(editor), 9);
      await assert.doesNotReject(editor.evaluate((ta) => document.activeElement === ta || Promise.reject(new Error('editor not focused'))));

      // Submit refuses the same spec with the same placed errors (nothing is created).
      await page.getByRole('button', { name: 'Submit', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: /VALIDATION_FAILED/ }).waitFor();
      await items.filter({ hasText: 'Line 6' }).waitFor();
      assert.match(new URL(page.url()).pathname, /\/ui\/workflows\/?$/, 'a refused submit stays on the Workflows page');

      // Fixed, it validates and the marks go away.
      await editor.fill(BAD_SPEC.replace('[fetch, summarise]', '[fetch]').replace('    colour: red\n', ''));
      await page.getByRole('button', { name: 'Validate', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Valid: "bad-spec", 3 tasks.' }).waitFor();
      await list.waitFor({ state: 'detached' });
      assert.notEqual(await editor.getAttribute('aria-invalid'), 'true');
    },
  },
];
