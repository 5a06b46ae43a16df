// The one HTTP client of the UI: `call(routeName, opts)` fills the route's path, sends the
// request and returns the parsed JSON, or throws an ApiError carrying the server's error
// body ({"error":{code,message,details,request_id}}) — or status 0 for a network failure.
import { routes, routePath, type RouteName } from './routes';

export interface ErrorDetail {
  path: string;
  message: string;
  line?: number;
}

/** Any non-2xx answer, or a network failure (status 0, code NETWORK). */
export class ApiError extends Error {
  status: number;
  code: string;
  details: ErrorDetail[];
  requestId?: string;

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = [], requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
  }
}

export interface CallOptions {
  /** Fills {id} etc. (percent-encoded). */
  params?: Record<string, string>;
  /** Query string; undefined and '' values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  body?: unknown;
  /** Raw body (e.g. YAML for submit/validate) with its content type. */
  text?: string;
  contentType?: string;
  signal?: AbortSignal;
}

/** Builds the URL (path + query) of a call; exported for links and tests. */
export function buildUrl(name: RouteName, opts: CallOptions = {}): string {
  let url = routePath(name, opts.params);
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) {
      if (v === undefined || v === '') continue;
      q.set(k, String(v));
    }
    const s = q.toString();
    if (s) url += `?${s}`;
  }
  return url;
}

function statusText(status: number): string {
  switch (status) {
    case 400: return 'BAD_REQUEST';
    case 404: return 'NOT_FOUND';
    case 409: return 'CONFLICT';
    case 413: return 'PAYLOAD_TOO_LARGE';
    case 429: return 'TOO_MANY_REQUESTS';
    case 500: return 'INTERNAL';
    case 502: return 'BAD_GATEWAY';
    case 503: return 'UNAVAILABLE';
    case 504: return 'TIMEOUT';
    default: return `HTTP_${status}`;
  }
}

/** Turns a non-2xx response body into an ApiError (tolerates non-JSON bodies). */
export function parseErrorBody(status: number, bodyText: string, headerRequestId?: string | null): ApiError {
  let parsed: unknown;
  try {
    parsed = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    parsed = undefined;
  }
  const err = (parsed as { error?: Record<string, unknown> } | undefined)?.error;
  if (err && typeof err === 'object') {
    const details = Array.isArray(err.details)
      ? (err.details as unknown[]).flatMap((d): ErrorDetail[] => {
          if (!d || typeof d !== 'object') return [];
          const o = d as Record<string, unknown>;
          const det: ErrorDetail = { path: String(o.path ?? ''), message: String(o.message ?? '') };
          if (typeof o.line === 'number') det.line = o.line;
          return [det];
        })
      : [];
    return new ApiError(
      status,
      typeof err.code === 'string' ? err.code : statusText(status),
      typeof err.message === 'string' ? err.message : `HTTP ${status}`,
      details,
      typeof err.request_id === 'string' ? err.request_id : headerRequestId ?? undefined,
    );
  }
  const snippet = bodyText.trim().slice(0, 200);
  return new ApiError(status, statusText(status), snippet || `HTTP ${status}`, [], headerRequestId ?? undefined);
}

/** Calls a route by name; resolves to the parsed JSON body (or undefined for an empty body). */
export async function call<T>(name: RouteName, opts: CallOptions = {}): Promise<T> {
  const route = routes[name];
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: string | undefined;
  if (opts.text !== undefined) {
    body = opts.text;
    headers['Content-Type'] = opts.contentType ?? 'text/plain';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(name, opts), { method: route.method, headers, body, signal: opts.signal });
  } catch (e) {
    if ((e as { name?: string })?.name === 'AbortError') throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new ApiError(0, 'NETWORK', `cannot reach the server: ${msg}`);
  }
  const text = await res.text();
  if (!res.ok) throw parseErrorBody(res.status, text, res.headers.get('X-Request-ID'));
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(res.status, 'BAD_RESPONSE', `the server answered ${res.status} with a body that is not JSON`, [],
      res.headers.get('X-Request-ID') ?? undefined);
  }
}

/** True for an abort (a request superseded or a component unmounted). */
export function isAbort(e: unknown): boolean {
  return (e as { name?: string })?.name === 'AbortError';
}
