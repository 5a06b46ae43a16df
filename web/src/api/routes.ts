// Every HTTP route and WebSocket path the UI calls — the only file under web/src that may
// spell an API path. `routes.test.ts` scans the other sources for stray literals, and the e2e
// suite checks each entry against the server's /api/v1/openapi.json, so the UI never calls a
// route that does not exist. Paths use {name} placeholders, filled by client.ts `call`.

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RouteDef {
  readonly method: HttpMethod;
  readonly path: string;
}

export const routes = {
  // health / status
  status: { method: 'GET', path: '/status' },
  openapi: { method: 'GET', path: '/api/v1/openapi.json' },
  statsSeries: { method: 'GET', path: '/api/v1/stats/series' },

  // workflows
  listWorkflows: { method: 'GET', path: '/api/v1/workflows' },
  submitWorkflow: { method: 'POST', path: '/api/v1/workflows' },
  validateWorkflow: { method: 'POST', path: '/api/v1/workflows/validate' },
  getWorkflow: { method: 'GET', path: '/api/v1/workflows/{id}' },
  getWorkflowSpec: { method: 'GET', path: '/api/v1/workflows/{id}/spec' },
  workflowEvents: { method: 'GET', path: '/api/v1/workflows/{id}/events' },
  cancelWorkflow: { method: 'POST', path: '/api/v1/workflows/{id}/cancel' },
  taskResult: { method: 'GET', path: '/api/v1/workflows/{id}/tasks/{task}/result' },
  taskLogs: { method: 'GET', path: '/api/v1/workflows/{id}/tasks/{task}/logs' },
  listSignals: { method: 'GET', path: '/api/v1/workflows/{id}/signals' },
  sendSignal: { method: 'POST', path: '/api/v1/workflows/{id}/signals' },

  // lanes
  listLanes: { method: 'GET', path: '/api/v1/lanes' },
  getLane: { method: 'GET', path: '/api/v1/lanes/{name}' },
  updateLane: { method: 'PATCH', path: '/api/v1/lanes/{name}' },

  // sessions
  listSessions: { method: 'GET', path: '/api/v1/sessions' },
  getSession: { method: 'GET', path: '/api/v1/sessions/{key}' },
  sendSessionInput: { method: 'POST', path: '/api/v1/sessions/{key}/input' },

  // sagas
  listSagas: { method: 'GET', path: '/api/v1/sagas' },
  submitSaga: { method: 'POST', path: '/api/v1/sagas' },
  getSaga: { method: 'GET', path: '/api/v1/sagas/{id}' },
  compensateSaga: { method: 'POST', path: '/api/v1/sagas/{id}/compensate' },
  recoverSaga: { method: 'POST', path: '/api/v1/sagas/{id}/recover' },

  // memory
  listMemorySessions: { method: 'GET', path: '/api/v1/memory' },
  memorize: { method: 'POST', path: '/api/v1/memory/{session}' },
  retrieveMemory: { method: 'GET', path: '/api/v1/memory/{session}' },
  searchMemory: { method: 'POST', path: '/api/v1/memory/{session}/search' },
  forgetMemory: { method: 'DELETE', path: '/api/v1/memory/{session}' },
  listMemory: { method: 'GET', path: '/api/v1/memory/{session}/list' },
  getMemoryItem: { method: 'GET', path: '/api/v1/memory/{session}/items/{id}' },
  memoryStats: { method: 'GET', path: '/api/v1/memory/{session}/stats' },
  forgetAllMemory: { method: 'DELETE', path: '/api/v1/memory/{session}/all' },
  forgetWeakMemory: { method: 'DELETE', path: '/api/v1/memory/{session}/weak' },

  // workers
  listWorkers: { method: 'GET', path: '/api/v1/workers' },
} as const satisfies Record<string, RouteDef>;

export type RouteName = keyof typeof routes;

/** The WebSocket event stream (not in OpenAPI; a plain GET answers 426). */
export const wsEventsPath = '/ws/events';

/** Fills {placeholders} of a route's path; each value is percent-encoded. */
export function routePath(name: RouteName, params: Record<string, string> = {}): string {
  return routes[name].path.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const v = params[key];
    if (v === undefined) throw new Error(`route ${name}: missing path parameter {${key}}`);
    return encodeURIComponent(v);
  });
}

/** The absolute ws:// or wss:// URL of the event stream for the page's origin. */
export function wsEventsUrl(loc: { protocol: string; host: string } = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${wsEventsPath}`;
}
