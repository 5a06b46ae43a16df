import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, buildUrl, call, parseErrorBody } from './client';
import { routePath, routes } from './routes';

const P = routes.listWorkflows.path; // the API paths come from routes.ts only

afterEach(() => vi.unstubAllGlobals());

function stubFetch(impl: (url: string, init: RequestInit) => Promise<Response>) {
  const f = vi.fn(impl);
  vi.stubGlobal('fetch', f);
  return f;
}

describe('buildUrl', () => {
  it('fills and encodes params and skips empty query values', () => {
    expect(routePath('getWorkflow', { id: 'wf a/b' })).toBe(`${P}/wf%20a%2Fb`);
    expect(buildUrl('listWorkflows', { query: { status: 'failed', name: '', limit: 5, cursor: undefined } }))
      .toBe(`${P}?status=failed&limit=5`);
    expect(() => routePath('getWorkflow')).toThrow(/missing path parameter \{id\}/);
  });
});

describe('call', () => {
  it('returns parsed JSON and sends JSON bodies', async () => {
    const f = stubFetch(async () => new Response('{"ok":true}', { status: 200 }));
    await expect(call('cancelWorkflow', { params: { id: 'w1' }, body: { a: 1 } })).resolves.toEqual({ ok: true });
    const [url, init] = f.mock.calls[0];
    expect(url).toBe(`${P}/w1/cancel`);
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"a":1}');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('sends raw text with its content type', async () => {
    const f = stubFetch(async () => new Response('{}', { status: 202 }));
    await call('submitWorkflow', { text: 'name: x', contentType: 'application/yaml', query: { async: true } });
    const [url, init] = f.mock.calls[0];
    expect(url).toBe(`${P}?async=true`);
    expect(init.body).toBe('name: x');
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/yaml');
  });

  it('turns the error body into an ApiError with details and request id', async () => {
    stubFetch(async () => new Response(JSON.stringify({
      error: { code: 'VALIDATION_FAILED', message: 'workflow spec is invalid: 1 problem',
        details: [{ path: 'tasks[1].type', message: 'unknown task type', line: 7 }], request_id: 'req-1' },
    }), { status: 400 }));
    const err = await call('validateWorkflow', { text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.details).toEqual([{ path: 'tasks[1].type', message: 'unknown task type', line: 7 }]);
    expect(e.requestId).toBe('req-1');
  });

  it('reports a network failure as status 0', async () => {
    stubFetch(async () => { throw new TypeError('Failed to fetch'); });
    const e = (await call('status').catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(0);
    expect(e.code).toBe('NETWORK');
    expect(e.message).toMatch(/Failed to fetch/);
  });

  it('rethrows aborts untouched', async () => {
    stubFetch(async () => { throw new DOMException('aborted', 'AbortError'); });
    const e = (await call('status').catch((x: unknown) => x)) as Error;
    expect(e.name).toBe('AbortError');
  });

  it('handles a non-JSON error body and a non-JSON success body', async () => {
    stubFetch(async () => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'X-Request-ID': 'req-9' } }));
    const e = (await call('status').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.code).toBe('BAD_GATEWAY');
    expect(e.requestId).toBe('req-9');
    stubFetch(async () => new Response('not json', { status: 200 }));
    const e2 = (await call('status').catch((x: unknown) => x)) as ApiError;
    expect(e2.code).toBe('BAD_RESPONSE');
  });

  it('parseErrorBody tolerates odd details', () => {
    const e = parseErrorBody(404, '{"error":{"code":"NOT_FOUND","message":"no such workflow","details":[null,{"path":"id"}]}}');
    expect(e.code).toBe('NOT_FOUND');
    expect(e.details).toEqual([{ path: 'id', message: '' }]);
    expect(parseErrorBody(500, '').message).toBe('HTTP 500');
  });
});
