// The /ws/events client. `EventStream` holds one WebSocket with one subscription, reconnects
// with capped exponential backoff, and resumes each listed workflow from the last seq it saw
// (`since`), dropping anything already seen; `useEvents` wraps it for React. The header badge
// reads the combined connection state through `useConnectionState`.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { wsEventsUrl } from './routes';
import type { WorkflowEvent } from './types';

export interface EventFilter {
  workflow_ids?: string[];
  kinds?: string[];
  /** Replay stored events after this seq (needs workflow_ids). */
  since?: number;
}

export type ConnState = 'connecting' | 'open' | 'closed';

export interface LiveEvent extends WorkflowEvent {
  type: 'event';
  kind: string;
}

/** The subset of the browser WebSocket that EventStream uses (a fake one in tests). */
export interface SocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface StreamOptions {
  url?: string;
  createSocket?: (url: string) => SocketLike;
  /** Backoff: first delay and cap, in ms. */
  minDelayMs?: number;
  maxDelayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
  random?: () => number;
  onState?: (s: ConnState) => void;
  /** Called after a reconnect (not the first connect): live-only streams missed events. */
  onReconnect?: () => void;
  onServerError?: (e: { code?: string; message?: string }) => void;
}

/** Delay before reconnect attempt n (0-based): min*2^n capped at max, plus up to 20% jitter. */
export function backoffDelay(n: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, minMs * Math.pow(2, Math.min(n, 20)));
  return Math.round(base + base * 0.2 * random());
}

export class EventStream {
  private sock: SocketLike | null = null;
  private timer: unknown = null;
  private attempts = 0;
  private everOpened = false;
  private stopped = false;
  /** Last seq seen per workflow — the resume point. */
  readonly lastSeq = new Map<string, number>();
  state: ConnState = 'closed';

  constructor(
    private readonly filter: EventFilter,
    private readonly onEvent: (e: LiveEvent) => void,
    private readonly opts: StreamOptions = {},
  ) {
    if (filter.since !== undefined && filter.workflow_ids) {
      for (const id of filter.workflow_ids) this.lastSeq.set(id, filter.since);
    }
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) (this.opts.clearTimer ?? clearTimeout)(this.timer as ReturnType<typeof setTimeout>);
    this.timer = null;
    const s = this.sock;
    this.sock = null;
    if (s) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      try { s.close(1000, 'done'); } catch { /* already closed */ }
    }
    this.setState('closed');
  }

  /** The subscribe message for the next (re)connect. */
  subscribeMessage(): Record<string, unknown> {
    const msg: Record<string, unknown> = { type: 'subscribe' };
    const ids = this.filter.workflow_ids;
    if (ids && ids.length) msg.workflow_ids = ids;
    if (this.filter.kinds && this.filter.kinds.length) msg.kinds = this.filter.kinds;
    if (ids && ids.length) {
      const seen = ids.map((id) => this.lastSeq.get(id));
      if (seen.every((s) => s !== undefined)) msg.since = Math.min(...(seen as number[]));
      else if (this.filter.since !== undefined) msg.since = this.filter.since;
    }
    return msg;
  }

  private setState(s: ConnState) {
    if (this.state === s) return;
    this.state = s;
    this.opts.onState?.(s);
  }

  private connect() {
    if (this.stopped) return;
    this.setState('connecting');
    const url = this.opts.url ?? wsEventsUrl();
    let sock: SocketLike;
    try {
      sock = this.opts.createSocket ? this.opts.createSocket(url) : (new WebSocket(url) as unknown as SocketLike);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.sock = sock;
    sock.onopen = () => {
      sock.send(JSON.stringify(this.subscribeMessage()));
    };
    sock.onmessage = (ev) => this.handleMessage(ev.data);
    sock.onerror = () => { /* a close follows */ };
    sock.onclose = () => {
      if (this.sock !== sock) return;
      this.sock = null;
      this.setState('closed');
      this.scheduleReconnect();
    };
  }

  private handleMessage(data: unknown) {
    if (typeof data !== 'string') return;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return;
    }
    if (msg.type === 'subscribed') {
      const reconnect = this.everOpened;
      this.everOpened = true;
      this.attempts = 0;
      this.setState('open');
      if (reconnect) this.opts.onReconnect?.();
      return;
    }
    if (msg.type === 'error') {
      this.opts.onServerError?.((msg.error ?? {}) as { code?: string; message?: string });
      return;
    }
    if (msg.type !== 'event') return;
    const ev = msg as unknown as LiveEvent;
    if (typeof ev.seq === 'number' && typeof ev.workflow_id === 'string') {
      const last = this.lastSeq.get(ev.workflow_id);
      if (last !== undefined && ev.seq <= last) return; // already seen (replay overlap)
      this.lastSeq.set(ev.workflow_id, ev.seq);
    }
    this.onEvent(ev);
  }

  private scheduleReconnect() {
    if (this.stopped) return;
    const min = this.opts.minDelayMs ?? 500;
    const max = this.opts.maxDelayMs ?? 15000;
    const delay = backoffDelay(this.attempts, min, max, this.opts.random);
    this.attempts += 1;
    this.timer = (this.opts.setTimer ?? setTimeout)(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }
}

// ---- connection state shared with the header badge ----

const streamStates = new Map<number, ConnState>();
const listeners = new Set<() => void>();
let nextStreamId = 1;
let snapshot: ConnState | 'idle' = 'idle';

function recompute() {
  const vals = [...streamStates.values()];
  snapshot = vals.length === 0 ? 'idle' : vals.every((v) => v === 'open') ? 'open' : vals.some((v) => v === 'connecting') ? 'connecting' : 'closed';
  for (const l of listeners) l();
}

/** 'open' when every live stream is subscribed; 'idle' when none exists. */
export function useConnectionState(): ConnState | 'idle' {
  return useSyncExternalStore(
    (l) => { listeners.add(l); return () => listeners.delete(l); },
    () => snapshot,
    () => snapshot,
  );
}

export interface UseEventsOptions {
  onReconnect?: () => void;
  /** For tests. */
  createSocket?: (url: string) => SocketLike;
}

/**
 * Subscribes while mounted. A null filter means "not yet" (nothing opened). The filter is
 * compared by value, so an inline object literal is fine. onEvent may change every render.
 */
export function useEvents(
  filter: EventFilter | null,
  onEvent: (e: LiveEvent) => void,
  options: UseEventsOptions = {},
): { connected: boolean; state: ConnState } {
  const [state, setState] = useState<ConnState>('closed');
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  const optsRef = useRef(options);
  optsRef.current = options;
  const key = filter === null ? null : JSON.stringify(filter);

  useEffect(() => {
    if (key === null) return;
    const f = JSON.parse(key) as EventFilter;
    const id = nextStreamId++;
    const stream = new EventStream(f, (e) => onEventRef.current(e), {
      createSocket: optsRef.current.createSocket,
      onState: (s) => {
        setState(s);
        streamStates.set(id, s);
        recompute();
      },
      onReconnect: () => optsRef.current.onReconnect?.(),
    });
    stream.start();
    return () => {
      stream.stop();
      streamStates.delete(id);
      recompute();
    };
  }, [key]);

  return { connected: state === 'open', state };
}

/**
 * Returns a function that calls fn at most once per `ms` (trailing call guaranteed), for
 * turning bursts of events into a few reloads.
 */
export function throttle(fn: () => void, ms: number): (() => void) & { cancel(): void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    last = Date.now();
    timer = null;
    fn();
  };
  const t = () => {
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(run, wait);
  };
  t.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return t;
}

/** A throttled callback that always calls the latest fn; cancelled on unmount. */
export function useThrottled(fn: () => void, ms: number): () => void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const ref = useRef<ReturnType<typeof throttle> | null>(null);
  if (ref.current === null) ref.current = throttle(() => fnRef.current(), ms);
  useEffect(() => () => ref.current?.cancel(), []);
  return ref.current;
}
