// GET /api/v1/workers as a real `goclaw server` answered with the C++ and Python example
// workers on queue `research` running three remote tasks, and a task waiting on `translate`
// that no worker serves, for the tests.
import type { WorkersAnswer } from '../api/types';

export const workersBusy: WorkersAnswer = {
  workers: [
    {
      id: 'wk-01a2399d-c88a-7000-a9f7-50ba0c705e71', name: 'cpp-researcher-1', queues: ['research'],
      labels: { example: 'cpp' }, capacity: 2, free_credits: 1, connected_at: '2026-12-03T01:56:11.530Z', silent_ms: 1064,
      attempts: ['wf-01a2399d-d055-7000-b5ba-e5fcaf924c29/research/1'],
    },
    {
      id: 'wk-01a2399d-c91b-7000-8c7d-44dac83b9fcb', name: 'py-researcher-1', queues: ['research'],
      labels: { example: 'research', pid: '13177' }, capacity: 3, free_credits: 1, connected_at: '2026-12-03T01:56:11.675Z', silent_ms: 919,
      attempts: ['wf-01a2399d-d03f-7000-8598-42d2529e0cc2/research/1', 'wf-01a2399d-d068-7000-b42f-11146eb1d16c/research/1'],
    },
  ],
  queues: [
    { name: 'research', waiting: 0, workers: 2, free_credits: 2 },
    { name: 'translate', waiting: 1, workers: 0, free_credits: 0 },
  ],
};
