// Resolves a task's config for display: `{{input.x}}` and `{{tasks.<id>.output.a.b}}` are
// replaced with the workflow input and upstream outputs. A string that is exactly one template
// takes the value itself (keeps its JSON type); templates inside text are stringified.
// Unresolvable templates stay as written. Mirrors the engine's substitution for reading only.

export interface ResolveContext {
  input?: unknown;
  outputs: Record<string, unknown>;
}

const WHOLE = /^\{\{\s*([^{}]+?)\s*\}\}$/;
const ANY = /\{\{\s*([^{}]+?)\s*\}\}/g;
const MISSING = Symbol('missing');

function lookup(expr: string, ctx: ResolveContext): unknown {
  const parts = expr.split('.');
  let cur: unknown;
  let rest: string[];
  if (parts[0] === 'input') {
    cur = ctx.input;
    rest = parts.slice(1);
  } else if (parts[0] === 'tasks' && parts.length >= 3 && parts[2] === 'output') {
    if (!(parts[1] in ctx.outputs)) return MISSING;
    cur = ctx.outputs[parts[1]];
    rest = parts.slice(3);
  } else {
    return MISSING;
  }
  for (const p of rest) {
    if (cur === null || typeof cur !== 'object') return MISSING;
    const o = cur as Record<string, unknown>;
    if (!(p in o)) return MISSING;
    cur = o[p];
  }
  return cur;
}

export function resolveTemplates(value: unknown, ctx: ResolveContext): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) {
      const v = lookup(whole[1], ctx);
      return v === MISSING ? value : v;
    }
    return value.replace(ANY, (m, expr: string) => {
      const v = lookup(expr, ctx);
      if (v === MISSING) return m;
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveTemplates(v, ctx));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveTemplates(v, ctx);
    return out;
  }
  return value;
}

/** Task ids a config refers to with {{tasks.<id>.output…}}. */
export function referencedTasks(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/\{\{\s*tasks\.([^.{}\s]+)\.output/g)) found.add(m[1]);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return [...found];
}
