import { describe, expect, it } from 'vitest';
import { backoffDelay, EventStream, type LiveEvent, type SocketLike } from './events';

class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(public url: string) { FakeSocket.all.push(this); }
  send(d: string) { this.sent.push(d); }
  close() { this.closed = true; }
  // test helpers
  open() { this.readyState = 1; this.onopen?.({}); }
  recv(msg: unknown) { this.onmessage?.({ data: JSON.stringify(msg) }); }
  drop() { this.readyState = 3; this.onclose?.({ code: 1006 }); }
}

function harness(filter: ConstructorParameters<typeof EventStream>[0]) {
  FakeSocket.all = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const got: LiveEvent[] = [];
  const states: string[] = [];
  let reconnects = 0;
  const s = new EventStream(filter, (e) => got.push(e), {
    url: 'ws://test/ws/events',
    createSocket: (u) => new FakeSocket(u),
    setTimer: (fn, ms) => { timers.push({ fn, ms }); return timers.length; },
    clearTimer: () => {},
    random: () => 0,
    minDelayMs: 100,
    maxDelayMs: 1000,
    onState: (st) => states.push(st),
    onReconnect: () => { reconnects++; },
  });
  return { s, timers, got, states, reconnects: () => reconnects };
}

const event = (wf: string, seq: number, kind = 'task.completed') => ({ type: 'event', kind, seq, workflow_id: wf, to: 'completed', time: 't' });

describe('EventStream', () => {
  it('subscribes on open and reports open once subscribed', () => {
    const h = harness({ workflow_ids: ['w1'], kinds: ['task.*'], since: 4 });
    h.s.start();
    const sock = FakeSocket.all[0];
    sock.open();
    expect(JSON.parse(sock.sent[0])).toEqual({ type: 'subscribe', workflow_ids: ['w1'], kinds: ['task.*'], since: 4 });
    expect(h.s.state).toBe('connecting');
    sock.recv({ type: 'subscribed', workflow_ids: ['w1'], kinds: ['task.*'] });
    expect(h.s.state).toBe('open');
  });

  it('reconnects with growing capped backoff and resumes from the last seq seen', () => {
    const h = harness({ workflow_ids: ['w1', 'w2'], kinds: ['task.*'], since: 0 });
    h.s.start();
    let sock = FakeSocket.all[0];
    sock.open();
    sock.recv({ type: 'subscribed' });
    sock.recv(event('w1', 1));
    sock.recv(event('w1', 2));
    sock.recv(event('w2', 7));
    expect(h.got.map((e) => e.seq)).toEqual([1, 2, 7]);

    sock.drop();
    expect(h.s.state).toBe('closed');
    expect(h.timers.map((t) => t.ms)).toEqual([100]);
    h.timers[0].fn(); // reconnect attempt 1 fails before opening
    FakeSocket.all[1].drop();
    expect(h.timers.map((t) => t.ms)).toEqual([100, 200]);
    h.timers[1].fn();
    sock = FakeSocket.all[2];
    sock.open();
    // resume: the smallest last seq over the listed workflows
    expect(JSON.parse(sock.sent[0])).toEqual({ type: 'subscribe', workflow_ids: ['w1', 'w2'], kinds: ['task.*'], since: 2 });
    sock.recv({ type: 'subscribed' });
    expect(h.reconnects()).toBe(1);
    // the replay overlaps: w2's seq 7 was seen, w1's 3 was not
    sock.recv(event('w2', 7));
    sock.recv(event('w1', 2));
    sock.recv(event('w1', 3));
    sock.recv(event('w2', 8));
    expect(h.got.map((e) => `${e.workflow_id}:${e.seq}`)).toEqual(['w1:1', 'w1:2', 'w2:7', 'w1:3', 'w2:8']);
    // backoff resets after a successful subscribe
    sock.drop();
    expect(h.timers[2].ms).toBe(100);
  });

  it('caps the backoff', () => {
    expect(backoffDelay(0, 100, 1000, () => 0)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 0)).toBe(800);
    expect(backoffDelay(10, 100, 1000, () => 0)).toBe(1000);
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1200);
  });

  it('sends no since without workflow ids, and stops cleanly', () => {
    const h = harness({ kinds: ['workflow.*'] });
    h.s.start();
    const sock = FakeSocket.all[0];
    sock.open();
    expect(JSON.parse(sock.sent[0])).toEqual({ type: 'subscribe', kinds: ['workflow.*'] });
    sock.recv({ type: 'error', error: { code: 'BAD_REQUEST', message: 'x' } });
    sock.recv('not json');
    h.s.stop();
    expect(sock.closed).toBe(true);
    expect(h.timers).toHaveLength(0);
    expect(h.s.state).toBe('closed');
  });
});
