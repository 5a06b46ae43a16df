// Flow 1: every API route the UI calls exists on the real server. web/src/api/routes.ts is the
// only place the UI writes API paths; each `{ method: '...', path: '...' }` entry there must be
// a (method, path template) of GET /api/v1/openapi.json.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const ENTRY_RE = /(\w+)\s*:\s*\{\s*method\s*:\s*(['"`])([A-Za-z]+)\2\s*,\s*path\s*:\s*(['"`])([^'"`]+)\4/g;

/** The routes.ts entries as [{name, method, path}]. */
export async function readUiRoutes(repoDir) {
  const text = await readFile(path.join(repoDir, 'web/src/api/routes.ts'), 'utf8');
  const entries = [];
  for (const m of text.matchAll(ENTRY_RE)) entries.push({ name: m[1], method: m[3].toUpperCase(), path: m[5] });
  // The WebSocket path lives outside `routes` but is served (and listed) as GET too.
  const ws = /wsEventsPath\s*=\s*(['"`])([^'"`]+)\1/.exec(text);
  if (ws) entries.push({ name: 'wsEventsPath', method: 'GET', path: ws[2] });
  return entries;
}

export const flows = [
  {
    name: '1. every API route the UI calls is in the server\'s openapi.json',
    browser: false,
    timeoutMs: 20000,
    async run({ repoDir, api }) {
      const entries = await readUiRoutes(repoDir);
      assert.ok(entries.length >= 10, `expected the UI's routes in web/src/api/routes.ts, parsed ${entries.length}`);
      const spec = await api.get('/api/v1/openapi.json');
      const served = new Set();
      for (const [p, ops] of Object.entries(spec.paths)) {
        for (const method of Object.keys(ops)) served.add(`${method.toUpperCase()} ${p}`);
      }
      const missing = entries.filter((e) => !served.has(`${e.method} ${e.path}`));
      assert.deepEqual(
        missing.map((e) => `${e.name}: ${e.method} ${e.path}`),
        [],
        `routes the UI calls that the server does not serve (openapi.json has ${served.size} operations)`,
      );
      // The names are unique, so no entry silently replaces another.
      const names = entries.map((e) => e.name);
      assert.equal(new Set(names).size, names.length, `duplicate route names in routes.ts: ${names}`);
    },
  },
];
