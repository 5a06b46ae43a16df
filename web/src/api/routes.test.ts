// The API-route rule: only api/routes.ts may spell API or WebSocket paths. Every other
// source under web/src must call routes by name through client.ts, so the list in routes.ts
// is the complete set of calls the UI makes (and the e2e suite checks it against OpenAPI).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routes } from './routes';

const SRC = join(__dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx|js|jsx)$/.test(name)) out.push(p);
  }
  return out;
}

/** String literals (quotes or backticks) that start with /api/ or /ws/. */
export function apiLiterals(text: string): string[] {
  const found: string[] = [];
  const re = /(['"`])(\/(?:api|ws)\/[^'"`]*)\1?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) found.push(m[2]);
  return found;
}

describe('API routes', () => {
  it('no source outside api/routes.ts contains an /api/ or /ws/ string literal', () => {
    const offenders: string[] = [];
    for (const file of sources(SRC)) {
      const rel = relative(SRC, file).replace(/\\/g, '/');
      if (rel === 'api/routes.ts') continue;
      for (const lit of apiLiterals(readFileSync(file, 'utf8'))) offenders.push(`${rel}: ${lit}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the scanner catches each kind of quote', () => {
    // built from pieces so this file does not trip its own check
    const api = '/' + 'api/v1';
    const ws = '/' + 'ws/events';
    expect(apiLiterals(`fetch('${api}/x'); a("${ws}"); b(\`${api}/\${id}\`)`)).toHaveLength(3);
    expect(apiLiterals(`const s = 'see ${api}'; // not at the start`)).toHaveLength(0);
  });

  it('every route is a unique method + path', () => {
    const seen = new Set<string>();
    for (const r of Object.values(routes)) {
      const k = `${r.method} ${r.path}`;
      expect(seen.has(k)).toBe(false);
      seen.add(k);
      expect(r.path.startsWith('/')).toBe(true);
    }
  });
});
