// A small REST client for the tests: sets up state the UI then shows (memorize, create a saga,
// submit a workflow) and checks what the UI did (polling, never sleeping a fixed time).

export class Api {
  constructor(origin) {
    this.origin = origin;
  }

  async request(method, path, { json, yaml, expect } = {}) {
    const headers = {};
    let body;
    if (json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (yaml !== undefined) {
      headers['content-type'] = 'application/yaml';
      body = yaml;
    }
    const res = await fetch(this.origin + path, { method, headers, body });
    const text = await res.text();
    let data;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    if (expect !== undefined ? res.status !== expect : res.status >= 400) {
      throw new Error(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 500)}`);
    }
    return data;
  }

  get(path) {
    return this.request('GET', path);
  }
  post(path, json) {
    return this.request('POST', path, { json });
  }
  postYaml(path, yaml) {
    return this.request('POST', path, { yaml });
  }

  /** Submits a workflow (YAML text or a spec object) without waiting; returns its id. */
  async submit(spec) {
    const r = typeof spec === 'string'
      ? await this.postYaml('/api/v1/workflows?async=true', spec)
      : await this.post('/api/v1/workflows?async=true', spec);
    return r.id ?? r.workflow_id;
  }

  workflow(id) {
    return this.get(`/api/v1/workflows/${encodeURIComponent(id)}`);
  }
}

/** Polls `fn` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitFor(what, fn, { timeoutMs = 20000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
