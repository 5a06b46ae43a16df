// Session JSON as a real `goclaw server` answered (kinds chat:* in steer mode and digest:* in
// collect mode with cap 3), for the tests.
import type { SessionDetail, SessionInputAnswer, SessionList } from '../api/types';

export const sessionList: SessionList = {
  sessions: [
    { session: 'chat:alice', match: 'chat:*', queue_mode: 'steer', active_run: 'wf-01a2399c-2c8f-7000-960e-4e517c34a95c', waiting: 0 },
    { session: 'digest:bob', match: 'digest:*', queue_mode: 'collect', active_run: 'wf-01a2399c-2cd0-7000-be72-05dd0780c312', waiting: 3 },
  ],
  total: 2,
  limit: 20,
  offset: 0,
};

export const digestBob: SessionDetail = {
  session: 'digest:bob',
  match: 'digest:*',
  queue_mode: 'collect',
  active_run: 'wf-01a2399c-2cd0-7000-be72-05dd0780c312',
  waiting: [
    { seq: 2, input: { message: 'c' }, enqueued_at: '2026-12-03T01:54:26.187Z' },
    { seq: 3, input: { message: 'd' }, enqueued_at: '2026-12-03T01:54:26.229Z' },
    { seq: 4, input: { message: '你好，告诉我关于车道的事' }, enqueued_at: '2026-12-03T01:54:26.267Z' },
  ],
};

export const idleSession: SessionDetail = { session: 'chat:zzz', match: 'chat:*', queue_mode: 'steer', active_run: null, waiting: [] };

export const coalescedAnswer: SessionInputAnswer = {
  session: 'digest:bob', action: 'coalesced', workflow_id: 'wf-01a2399c-2cd0-7000-be72-05dd0780c312',
  position: 3, seq: 5, dropped: [2],
};
