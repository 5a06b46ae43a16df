// Maps validation errors to lines of the spec text the user typed: each error detail's path
// (`tasks[2].depends_on[0]`, `tasks.2.config`, `tasks.flaky.config`) is followed through the
// YAML document (JSON is YAML, so it works for both) using the `yaml` package's source ranges.
// Syntax errors ("YAML syntax error at line 4, column 4: …") carry their line in the message.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ErrorDetail } from '../api/client';

export type PathSegment = string | number;

/** "tasks[2].depends_on[0]" / "tasks.2.config" / "$.tasks[0]" → ['tasks', 2, 'depends_on', 0]. */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  const re = /\[(\d+)\]|\[["']([^"']*)["']\]|([^.[\]]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(m[2]);
    else if (m[3] !== undefined) {
      const s = m[3];
      if (s === '$' && out.length === 0) continue;
      out.push(/^\d+$/.test(s) ? Number(s) : s);
    }
  }
  return out;
}

export interface LineHit {
  line: number;
  column: number;
  /** False when only a prefix of the path was found (the line of the deepest part found). */
  exact: boolean;
}

/** Parses once; returns a function mapping paths to lines. */
export function makeLineMapper(source: string): (path: string) => LineHit | undefined {
  const lc = new LineCounter();
  let doc: ReturnType<typeof parseDocument> | undefined;
  try {
    doc = parseDocument(source, { lineCounter: lc, keepSourceTokens: false, uniqueKeys: false, strict: false });
  } catch {
    doc = undefined;
  }
  return (path: string) => {
    if (!doc || !doc.contents) return undefined;
    const segs = parsePath(path);
    if (segs.length === 0) return undefined;
    let node: unknown = doc.contents;
    let offset: number | undefined;
    let matched = 0;
    for (const seg of segs) {
      const next = step(node, seg);
      if (!next) break;
      offset = next.offset;
      node = next.node;
      matched++;
    }
    if (offset === undefined) return undefined;
    const pos = lc.linePos(offset);
    return { line: pos.line, column: pos.col, exact: matched === segs.length };
  };
}

function rangeStart(n: unknown): number | undefined {
  const r = (n as Node | null)?.range;
  return r ? r[0] : undefined;
}

function step(node: unknown, seg: PathSegment): { node: unknown; offset: number } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(key) === String(seg)) {
        const off = rangeStart(pair.key) ?? rangeStart(pair.value);
        if (off === undefined) return undefined;
        return { node: pair.value, offset: off };
      }
    }
    return undefined;
  }
  if (isSeq(node)) {
    if (typeof seg === 'number') {
      const item = node.items[seg];
      const off = rangeStart(item);
      return off === undefined ? undefined : { node: item, offset: off };
    }
    // A task named by id: tasks.flaky → the item whose `id` is "flaky".
    for (const item of node.items) {
      if (isMap(item)) {
        const id = item.get('id');
        if (id !== undefined && String(id) === seg) {
          const off = rangeStart(item);
          if (off !== undefined) return { node: item, offset: off };
        }
      }
    }
  }
  return undefined;
}

/** Convenience: the line of one path, or undefined. */
export function lineForPath(source: string, path: string): number | undefined {
  return makeLineMapper(source)(path)?.line;
}

/** "… at line 4, column 4: …" → {line: 4, column: 4}. */
export function lineFromMessage(message: string): { line: number; column?: number } | undefined {
  const m = /\bline (\d+)(?:,?\s*col(?:umn)?\.? (\d+))?/i.exec(message);
  if (!m) return undefined;
  return { line: Number(m[1]), column: m[2] !== undefined ? Number(m[2]) : undefined };
}

export interface LineError {
  line?: number;
  path: string;
  message: string;
  exact: boolean;
}

/**
 * Places each error on a line of `source`: the path through the document first (it is the
 * text the user sees now), else the line the server gave, else a line in the message.
 */
export function placeErrors(source: string, message: string, details: ErrorDetail[]): LineError[] {
  const mapper = makeLineMapper(source);
  const out: LineError[] = [];
  for (const d of details) {
    const hit = d.path ? mapper(d.path) : undefined;
    if (hit) {
      out.push({ line: hit.line, path: d.path, message: d.message, exact: hit.exact });
    } else if (typeof d.line === 'number' && d.line > 0) {
      out.push({ line: d.line, path: d.path, message: d.message, exact: true });
    } else {
      const fromMsg = lineFromMessage(d.message);
      out.push({ line: fromMsg?.line, path: d.path, message: d.message, exact: !!fromMsg });
    }
  }
  if (details.length === 0) {
    const fromMsg = lineFromMessage(message);
    out.push({ line: fromMsg?.line, path: '', message, exact: !!fromMsg });
  } else if (details.every((d) => !d.path) && out.every((e) => e.line === undefined)) {
    const fromMsg = lineFromMessage(message);
    if (fromMsg) for (const e of out) e.line = fromMsg.line;
  }
  return out;
}

/** Groups placed errors by line (1-based). */
export function errorsByLine(errors: LineError[]): Map<number, LineError[]> {
  const m = new Map<number, LineError[]>();
  for (const e of errors) {
    if (e.line === undefined) continue;
    const list = m.get(e.line) ?? [];
    list.push(e);
    m.set(e.line, list);
  }
  return m;
}

/** JSON or YAML? Decides the submit content type. */
export function specContentType(text: string): 'application/json' | 'application/yaml' {
  const t = text.trimStart();
  return t.startsWith('{') || t.startsWith('[') ? 'application/json' : 'application/yaml';
}
