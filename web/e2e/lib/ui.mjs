// Browser helpers: launches Debian's Chromium through playwright-core, opens one fresh context
// per test (1366x768, light colour scheme, so localStorage such as the theme does not leak
// between tests), collects uncaught page errors, and saves screenshots as artifacts (and, with
// GOCLAW_UI_DOCS=1, into docs/ui/ for docs/ui.md).
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const VIEWPORT = { width: 1366, height: 768 };

// The screenshots docs/ui.md shows (GOCLAW_UI_DOCS=1 copies these into docs/ui/); every
// screenshot goes to the artifacts.
export const DOC_SHOTS = new Set([
  'overview', 'workflows', 'workflows-submit', 'validation-error', 'workflow-detail', 'workflow-signal',
  'task-panel', 'workflow-detail-10000', 'lanes', 'sessions', 'sagas', 'memory', 'memory-forms', 'workers',
  'dark-overview', 'dark-memory-chinese',
]);

/**
 * Chromium, headless. Playwright hides scrollbars in headless mode; `scrollbars: true` draws
 * them (and gives them their width in the layout) as a desktop browser does.
 */
export async function launchBrowser({ scrollbars = false } = {}) {
  return chromium.launch({
    executablePath: process.env.GOCLAW_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    headless: true,
    ignoreDefaultArgs: scrollbars ? ['--hide-scrollbars'] : undefined,
  });
}

export class Shots {
  constructor({ artifactsDir, docsDir }) {
    this.artifactsDir = artifactsDir;
    this.docsDir = docsDir; // null unless GOCLAW_UI_DOCS=1
    this.saved = [];
  }

  /**
   * Saves `<name>.png` of the viewport (or `fullPage`) into the artifacts (and docs/ui).
   * Toasts are dismissed first (the flows assert them before), so they do not hide the page.
   */
  async take(page, name, { fullPage = false, keepToasts = false } = {}) {
    await mkdir(this.artifactsDir, { recursive: true });
    if (!keepToasts && !name.startsWith('FAILED-')) await dismissToasts(page);
    const file = path.join(this.artifactsDir, `${name}.png`);
    // Let fonts finish loading so Chinese glyphs are in the picture.
    await page.evaluate(() => document.fonts.ready.then(() => true)).catch(() => {});
    await page.screenshot({ path: file, fullPage, animations: 'disabled' });
    this.saved.push(file);
    if (this.docsDir && DOC_SHOTS.has(name)) {
      await mkdir(this.docsDir, { recursive: true });
      await copyFile(file, path.join(this.docsDir, `${name}.png`));
    }
    return file;
  }
}

/** Closes every toast on the page ("Dismiss notice"). */
export async function dismissToasts(page) {
  const close = page.getByRole('button', { name: 'Dismiss notice' });
  for (let i = 0; i < 10 && (await close.count()) > 0; i++) {
    await close.first().click({ timeout: 2000 }).catch(() => {});
  }
}

/**
 * A fresh browser context and page; `errors` collects uncaught exceptions of the page,
 * `cspViolations` every console message about the Content-Security-Policy (Chromium logs each
 * refused script, style, image or connection; run.mjs fails the flow on any).
 */
export async function openPage(browser, { colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme, locale: 'en-US' });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const errors = [];
  const consoleErrors = [];
  const cspViolations = [];
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
    if (/content.security.policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
  return { context, page, errors, consoleErrors, cspViolations };
}

/**
 * Whether Chinese text in the page's font renders as real glyphs: draws two different CJK
 * characters with the computed font of `selector` on a canvas; tofu (missing-glyph boxes)
 * would draw the same picture for both.
 */
export async function cjkGlyphsDiffer(page, selector = 'body') {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel) || document.body;
    const font = getComputedStyle(el).fontFamily;
    const draw = (ch) => {
      const c = document.createElement('canvas');
      c.width = 40;
      c.height = 40;
      const g = c.getContext('2d');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, 40, 40);
      g.fillStyle = '#000';
      g.font = `28px ${font}`;
      g.textBaseline = 'top';
      g.fillText(ch, 4, 4);
      return Array.from(g.getImageData(0, 0, 40, 40).data).join(',');
    };
    const a = draw('天');
    const b = draw('气');
    const blank = draw(' ');
    return { font, differ: a !== b && a !== blank && b !== blank };
  }, selector);
}
