// The shell: the server serves the built UI at /ui/ (and deep links through the SPA fallback),
// the header's nav reaches every page, and "g" then a letter jumps between pages.
import assert from 'node:assert/strict';

export const PAGES = [
  { route: '/', title: 'Overview', key: 'o' },
  { route: '/workflows', title: 'Workflows', key: 'w' },
  { route: '/lanes', title: 'Lanes', key: 'l' },
  { route: '/sessions', title: 'Sessions', key: 's' },
  { route: '/sagas', title: 'Sagas', key: 'a' },
  { route: '/memory', title: 'Memory', key: 'm' },
  { route: '/workers', title: 'Workers', key: 'k' },
];

/** The page's <h1>. */
export const heading = (page) => page.getByRole('heading', { level: 1 });

/**
 * Scrolls an element into view the way an anchor link or scrollIntoView does ({block: 'start'})
 * and asserts that it ends up below the sticky header, not under it (theme.css reserves the
 * header's height with scroll-padding-top).
 */
export async function scrollBelowHeader(locator, what) {
  const { top, headerBottom } = await locator.evaluate((el) => {
    el.scrollIntoView({ block: 'start' });
    return { top: el.getBoundingClientRect().top, headerBottom: document.querySelector('.app-header').getBoundingClientRect().bottom };
  });
  assert.ok(top >= headerBottom, `${what} scrolled into view sits under the header (its top ${top}px, the header ends at ${headerBottom}px)`);
}

export const flows = [
  {
    name: '0. the server serves the UI at /ui/; nav links, deep links and g-shortcuts reach every page',
    timeoutMs: 45000,
    async run({ page, url, origin }) {
      // The index is not cached; hashed assets are.
      const index = await fetch(`${origin}/ui/`);
      assert.equal(index.status, 200, 'GET /ui/');
      assert.match(index.headers.get('content-type') ?? '', /text\/html/);
      const html = await index.text();
      const asset = /(?:src|href)="(\/ui\/assets\/[^"]+\.js)"/.exec(html);
      assert.ok(asset, `no /ui/assets/*.js in the index:\n${html.slice(0, 500)}`);
      const js = await fetch(origin + asset[1]);
      assert.equal(js.status, 200, asset[1]);
      assert.match(js.headers.get('cache-control') ?? '', /max-age=\d{4,}|immutable/, 'hashed assets are cached');
      assert.match(index.headers.get('cache-control') ?? '', /no-cache|no-store|max-age=0/, 'the index is not cached');
      // The root sends a browser to the UI.
      const root = await fetch(`${origin}/`, { redirect: 'manual' });
      assert.equal(root.status, 302, 'GET / redirects');
      assert.match(root.headers.get('location') ?? '', /\/ui\/$/);

      await page.goto(url('/'));
      await heading(page).filter({ hasText: 'Overview' }).waitFor();
      const nav = page.getByRole('navigation', { name: 'Main' });
      for (const p of PAGES) {
        await nav.getByRole('link', { name: p.title, exact: true }).click();
        await heading(page).filter({ hasText: p.title }).waitFor();
        assert.equal(new URL(page.url()).pathname.replace(/\/$/, ''), `/ui${p.route}`.replace(/\/$/, ''));
      }
      // A deep link loads the app through the SPA fallback.
      await page.goto(url('/sagas'));
      await heading(page).filter({ hasText: 'Sagas' }).waitFor();
      // Keyboard: g then a letter.
      for (const p of PAGES) {
        await page.locator('body').press('g');
        await page.locator('body').press(p.key);
        await heading(page).filter({ hasText: p.title }).waitFor();
      }
      // The live badge says the event stream is connected.
      await page.getByRole('status', { name: /Live updates: Live/ }).waitFor();
    },
  },
];
