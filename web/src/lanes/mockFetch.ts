// Test helper for the page tests of lanes, sessions, sagas, memory and workers: replaces the
// global fetch with a table of answers keyed by route name (paths come from routes.ts, so no
// test spells an API path), records every request, and answers unknown requests 404 the way
// the server does so a test that calls something unexpected fails loudly.
import { vi } from 'vitest';
import { routePath, routes, type RouteName } from '../api/routes';

export interface MockAnswer {
  status?: number;
  body?: unknown;
}

export interface MockRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export type MockHandler = MockAnswer | ((req: MockRequest) => MockAnswer);

export interface MockRoute {
  route: RouteName;
  params?: Record<string, string>;
  answer: MockHandler;
}

/** The error body the server sends, for 4xx/5xx answers. */
export function errorBody(code: string, message: string, details: { path: string; message: string }[] = []) {
  return { error: { code, message, details, request_id: 'req-01a2399c-19d3-7000-8a44-a3cc6801b0d1' } };
}

/** Installs the mock; returns the recorded requests. Later routes win over earlier ones. */
export function mockFetch(table: MockRoute[]): { requests: MockRequest[]; fetch: ReturnType<typeof vi.fn> } {
  const requests: MockRequest[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    let body: unknown;
    if (typeof init?.body === 'string') {
      try {
        body = JSON.parse(init.body);
      } catch {
        body = init.body;
      }
    }
    const req: MockRequest = { method, path: url.pathname, query: url.searchParams, body };
    requests.push(req);
    const hit = [...table].reverse().find((r) =>
      routes[r.route].method === method && routePath(r.route, r.params ?? {}) === url.pathname);
    let answer: MockAnswer;
    if (!hit) {
      answer = { status: 404, body: errorBody('NOT_FOUND', `no route ${method} ${url.pathname} in the test`) };
    } else {
      answer = typeof hit.answer === 'function' ? hit.answer(req) : hit.answer;
    }
    const status = answer.status ?? 200;
    return new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fn);
  return { requests, fetch: fn };
}

/** The requests made to one route (by method and path). */
export function requestsTo(requests: MockRequest[], route: RouteName, params: Record<string, string> = {}): MockRequest[] {
  const path = routePath(route, params);
  return requests.filter((r) => r.method === routes[route].method && r.path === path);
}
