#!/usr/bin/env node
// The UI's end-to-end tests: a real `goclaw server` (GOCLAW_BIN) serving the built UI
// (web/dist) at /ui/, driven by Debian's Chromium through playwright-core. Each test is one
// user flow, asserting what the user sees; screenshots of every page are saved to
// GOCLAW_UI_ARTIFACTS (and to docs/ui/ with GOCLAW_UI_DOCS=1).
//
//   npm --prefix web run build
//   flock /tmp/goclaw-web.lock node web/e2e/run.mjs            # all flows
//   GOCLAW_UI_ONLY=signal node web/e2e/run.mjs                 # flows whose name matches
//
// Environment: GOCLAW_BIN (default build/release/apps/goclaw/goclaw), GOCLAW_UI_DIR (the built
// UI, default web/dist), GOCLAW_UI_ARTIFACTS
// (default build/release/ui-artifacts), GOCLAW_UI_DOCS=1, GOCLAW_UI_ONLY=<regex>,
// GOCLAW_CHROMIUM (default /usr/bin/chromium), GOCLAW_UI_DEV_PROXY=1 (serve web/dist from the
// runner and forward the rest to the server: for developing the tests against a server binary
// that does not serve /ui yet). Exit status: 0 when every flow passed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { Api } from './lib/api.mjs';
import { startDevProxy } from './lib/devproxy.mjs';
import { startServer } from './lib/server.mjs';
import { DOC_SHOTS, launchBrowser, openPage, Shots } from './lib/ui.mjs';
import { flows } from './flows/index.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '..');
const repoDir = path.resolve(webDir, '..');
const bin = process.env.GOCLAW_BIN || path.join(repoDir, 'build/release/apps/goclaw/goclaw');
const artifactsDir = path.resolve(process.env.GOCLAW_UI_ARTIFACTS || path.join(repoDir, 'build/release/ui-artifacts'));
const docsDir = process.env.GOCLAW_UI_DOCS === '1' ? path.join(repoDir, 'docs/ui') : null;
// The built UI the server is told to serve (config ui.dir).
const uiDir = path.resolve(process.env.GOCLAW_UI_DIR || path.join(webDir, 'dist'));
const only = process.env.GOCLAW_UI_ONLY ? new RegExp(process.env.GOCLAW_UI_ONLY, 'i') : null;

// Fail before starting anything when a prerequisite is missing, saying how to get it.
function preflight() {
  const problems = [];
  if (!existsSync(path.join(uiDir, 'index.html'))) {
    problems.push(`${path.join(uiDir, 'index.html')} is missing: build the UI first (make ui, or cd ${webDir} && npm ci && npm run build)`);
  }
  if (!existsSync(bin)) problems.push(`goclaw binary not found at ${bin} (set GOCLAW_BIN or build apps/goclaw)`);
  const chromium = process.env.GOCLAW_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(chromium)) problems.push(`Chromium not found at ${chromium} (apt-get install chromium, or set GOCLAW_CHROMIUM)`);
  if (problems.length) {
    process.stderr.write(`web/e2e/run.mjs: cannot run the UI tests:\n  ${problems.join('\n  ')}\n`);
    process.exit(2);
  }
}
preflight();

// Run the tests in a child node with readable output (spec) on stdout and a JUnit report in
// the artifacts; the parent only forwards signals and the exit status.
if (process.env.GOCLAW_UI_E2E_CHILD !== '1') {
  await mkdir(artifactsDir, { recursive: true });
  const child = spawn(process.execPath, [
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=junit', `--test-reporter-destination=${path.join(artifactsDir, 'junit.xml')}`,
    fileURLToPath(import.meta.url),
  ], { stdio: 'inherit', env: { ...process.env, GOCLAW_UI_E2E_CHILD: '1' } });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    process.stdout.write(`UI test artifacts (screenshots, server.log, junit.xml): ${artifactsDir}\n`);
    process.exit(code ?? (signal ? 1 : 0));
  });
} else {
  defineTests();
}

const ctx = {
  repoDir,
  artifactsDir,
  server: null,
  api: null,
  browser: null,
  shots: new Shots({ artifactsDir, docsDir }),
  pageErrors: [],
  proxy: null,
  /** Where the browser goes: the server, or the dev proxy in front of it. */
  get origin() {
    return ctx.proxy?.origin ?? ctx.server.origin;
  },
  /** The UI's URL for a route under /ui (e.g. '/workflows'). */
  url: (route = '/') => `${ctx.origin}/ui${route}`,
};

// Interrupted (Ctrl-C, a ctest timeout): kill the server at once and leave.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    ctx.server?.stop({ force: true });
    process.exit(1);
  });
}

function defineTests() {
let failures = 0;
describe('goclaw web UI (real server, real browser)', { concurrency: false }, () => {
  before(async () => {
    await mkdir(artifactsDir, { recursive: true });
    // Failure pictures of an earlier run would mislead.
    for (const f of await readdir(artifactsDir)) if (f.startsWith('FAILED-')) await rm(path.join(artifactsDir, f));
    const devProxy = process.env.GOCLAW_UI_DEV_PROXY === '1';
    ctx.server = await startServer({ bin, logFile: path.join(artifactsDir, 'server.log'), uiDir: devProxy ? null : uiDir });
    if (!devProxy && !ctx.server.uiUrl) {
      throw new Error(`goclaw server does not serve the UI (no "goclaw UI on" line); its output:\n${ctx.server.output().slice(-3000)}`);
    }
    ctx.api = new Api(ctx.server.origin);
    if (devProxy) {
      ctx.proxy = await startDevProxy({ distDir: uiDir, target: ctx.server.origin });
    }
    ctx.browser = await launchBrowser();
  });

  after(async () => {
    await ctx.browser?.close().catch(() => {});
    await ctx.proxy?.close();
    if (ctx.server) {
      // A clean run stops the server as an operator would (SIGTERM) and expects a clean exit;
      // after a failure it is killed, since a drain could only add waiting.
      const e = await ctx.server.stop({ force: failures > 0 });
      if (failures === 0 && e.code !== 0) {
        throw new Error(`goclaw server did not exit cleanly on SIGTERM: ${JSON.stringify(e)}; see server.log`);
      }
    }
    await writeFile(path.join(artifactsDir, 'page-errors.txt'), ctx.pageErrors.join('\n') + '\n');
  });

  for (const flow of flows) {
    const skip = only && !only.test(flow.name) ? 'GOCLAW_UI_ONLY' : false;
    test(flow.name, { timeout: flow.timeoutMs ?? 60000, skip }, async () => {
      const opened = flow.browser === false ? null : await openPage(ctx.browser);
      const t0 = Date.now();
      try {
        await flow.run({ ...ctx, page: opened?.page, context: opened?.context, errors: opened?.errors });
        if (opened?.cspViolations.length) {
          throw new Error(`Content-Security-Policy violations:\n  ${opened.cspViolations.join('\n  ')}`);
        }
      } catch (err) {
        failures++;
        if (opened) {
          const slug = flow.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 60);
          await ctx.shots.take(opened.page, `FAILED-${slug}`).catch(() => {});
          const extra = [...opened.errors, ...opened.consoleErrors].slice(0, 20);
          if (extra.length) err.message += `\npage errors/console:\n  ${extra.join('\n  ')}`;
          err.message += `\nat ${opened.page.url()} after ${Date.now() - t0} ms`;
        }
        throw err;
      } finally {
        if (opened) {
          ctx.pageErrors.push(...opened.errors.map((e) => `[${flow.name}] ${e}`));
          await opened.context.close().catch(() => {});
        }
      }
    });
  }

  test('docs/ui has every screenshot docs/ui.md shows', { skip: !docsDir || !!only }, () => {
    const saved = new Set(ctx.shots.saved.map((f) => path.basename(f, '.png')));
    const missing = [...DOC_SHOTS].filter((n) => !saved.has(n));
    if (missing.length) throw new Error(`not taken in this run (docs/ui keeps older pictures of them): ${missing.join(', ')}`);
  });

  test('no uncaught exceptions in the pages', { skip: !!only }, () => {
    if (ctx.pageErrors.length) {
      throw new Error(`uncaught exceptions in the UI:\n  ${ctx.pageErrors.join('\n  ')}`);
    }
  });
});
}
