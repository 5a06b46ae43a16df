// TypeScript types of the JSON the goclaw server returns, as really returned (probed against
// `goclaw server`; see docs/design/api.md). Optional fields are ones the server leaves out.

export type WorkflowState = 'pending' | 'scheduled' | 'running' | 'completed' | 'failed' | 'cancelled';
export type TaskState =
  | 'pending' | 'ready' | 'queued' | 'running' | 'retrying' | 'waiting'
  | 'completed' | 'failed' | 'skipped' | 'cancelled';

export const WORKFLOW_STATES: WorkflowState[] = ['pending', 'scheduled', 'running', 'completed', 'failed', 'cancelled'];
export const FINISHED_WORKFLOW_STATES: WorkflowState[] = ['completed', 'failed', 'cancelled'];

/** One row of GET /api/v1/workflows. `tasks` is the task count. */
export interface WorkflowSummary {
  id: string;
  name: string;
  status: WorkflowState;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  tasks?: number;
  error?: string;
}

export interface WorkflowList {
  workflows: WorkflowSummary[];
  total: number;
  limit: number;
  offset: number;
  next_cursor: string | null;
}

export interface TaskStatus {
  id: string;
  name: string;
  type: string;
  status: TaskState;
  attempts: number;
  started_at?: string;
  completed_at?: string;
  duration_seconds?: number;
  result?: unknown;
  result_ref?: string;
  result_bytes?: number;
  error?: string;
  depends_on?: string[];
  lane?: string;
}

/** GET /api/v1/workflows/{id} (and a submit that waited until the end). */
export interface WorkflowStatus {
  id: string;
  name: string;
  status: WorkflowState;
  created_at: string;
  started_at?: string;
  completed_at?: string;
  error?: string;
  metadata?: Record<string, unknown>;
  input?: unknown;
  tasks: TaskStatus[];
}

/** 202 answer of an async submit. */
export interface SubmitAccepted {
  id: string;
  name: string;
  status: WorkflowState;
  created_at: string;
}

/** GET /api/v1/workflows/{id}/spec (S1): the spec as submitted and the workflow input. */
export interface WorkflowSpecDoc {
  workflow_id?: string;
  spec: Record<string, unknown> & { name?: string; tasks?: SpecTask[]; input?: unknown };
  input?: unknown;
}

export interface SpecTask {
  id: string;
  type?: string;
  depends_on?: string[];
  config?: unknown;
  [k: string]: unknown;
}

export interface ValidateResult {
  valid: boolean;
  name: string;
  tasks: number;
  order: string[] | string[][];
}

/** One stored event (GET .../events) — the WebSocket adds `type: 'event'` and `kind`. */
export interface WorkflowEvent {
  seq: number;
  workflow_id: string;
  task_id?: string;
  from?: string;
  to: string;
  attempt?: number;
  time: string;
  error?: string;
  kind?: string;
  [k: string]: unknown;
}

export interface WorkflowEvents {
  workflow_id: string;
  events: WorkflowEvent[];
}

export interface LogLine {
  attempt: number;
  time: string;
  stream: string;
  text: string;
}

export interface TaskLogs {
  workflow_id: string;
  task_id: string;
  lines: LogLine[];
  truncated_attempts?: number[];
}

export interface SignalRecord {
  id?: string;
  kind: string;
  task?: string;
  payload?: unknown;
  state?: string;
  created_at?: string;
  time?: string;
  [k: string]: unknown;
}

export interface LaneStatus {
  name: string;
  running: number;
  waiting: number;
  max_concurrency: number;
  capacity?: number;
  dropped?: number;
  rejected?: number;
  [k: string]: unknown;
}

export interface ServerStatus {
  version: string;
  started_at?: string;
  uptime_seconds: number;
  workflows: Record<WorkflowState | 'total', number>;
  lanes: LaneStatus[];
  store: {
    kind: string;
    durable: boolean;
    healthy: boolean;
    commits: number;
    batches: number;
    failed_batches: number;
    last_write_error?: string;
  };
}

/** GET /api/v1/stats/series (S1). */
export interface StatsBucket {
  start: string;
  workflows_submitted: number;
  workflows_completed: number;
  workflows_failed: number;
  workflows_cancelled: number;
  tasks_completed: number;
  tasks_failed: number;
  workflow_latency_p50_seconds: number | null;
  workflow_latency_p99_seconds: number | null;
}

export interface StatsSeries {
  step_seconds: number;
  window_seconds?: number;
  buckets: StatsBucket[];
}

/** The error body of every non-2xx answer. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: { path: string; message: string; line?: number }[];
    request_id?: string;
  };
}

// ---- Lanes, sessions, sagas, memory, workers (pages owned by U2; shapes probed on a real
// server with lanes, session kinds, sagas, memory and pull workers configured).

/** The wait-time histogram's buckets (S1): `le` is the bucket's upper bound in seconds. */
export interface LaneWaitBucket {
  le: number | string | null;
  count: number;
}

/** One lane of GET /api/v1/lanes (and the answer of PATCH /api/v1/lanes/{name}). */
export interface LaneStats {
  name: string;
  keyed: boolean;
  max_concurrency: number;
  capacity: number;
  on_full: 'block' | 'drop' | 'redirect' | string;
  redirect_to?: string;
  closed: boolean;
  running: number;
  waiting: number;
  blocked: number;
  accepted: number;
  admitted: number;
  dropped: number;
  redirected: number;
  rejected: number;
  cancelled: number;
  /** Live keys of a template lane (`session:*`). */
  keys?: number;
  rate: { per_second: number; burst: number } | null;
  /** Tokens in the bucket now (lanes with a rate). */
  tokens?: number;
  wait_seconds: {
    count: number;
    sum: number;
    p50: number;
    p99: number;
    buckets?: LaneWaitBucket[];
  };
}

export interface LaneList {
  lanes: LaneStats[];
}

/** PATCH /api/v1/lanes/{name}: each field optional; `rate: null` removes the limit. */
export interface LanePatch {
  max_concurrency?: number;
  capacity?: number;
  rate?: { per_second: number; burst?: number } | null;
}

/** One row of GET /api/v1/sessions: `waiting` is a count here. */
export interface SessionSummary {
  session: string;
  match: string;
  queue_mode: string;
  active_run: string | null;
  waiting: number;
}

export interface SessionList {
  sessions: SessionSummary[];
  total: number;
  limit: number;
  offset: number;
}

export interface SessionWaitingInput {
  seq: number;
  input: unknown;
  enqueued_at: string;
}

/** GET /api/v1/sessions/{key}: `waiting` lists the inputs. */
export interface SessionDetail {
  session: string;
  match: string;
  queue_mode: string;
  active_run: string | null;
  waiting: SessionWaitingInput[];
}

/** POST /api/v1/sessions/{key}/input. `dropped` holds the seqs of inputs dropped to make room. */
export interface SessionInputAnswer {
  session: string;
  action: string;
  workflow_id: string | null;
  position: number;
  seq: number;
  dropped: number[];
}

export type SagaState =
  | 'created' | 'running' | 'completed' | 'compensating' | 'pending-compensation'
  | 'compensated' | 'compensation-failed' | 'recovering';

export const SAGA_STATES: SagaState[] = [
  'created', 'running', 'completed', 'compensating', 'pending-compensation',
  'compensated', 'compensation-failed', 'recovering',
];

export interface SagaSummary {
  saga_id: string;
  name: string;
  state: SagaState;
  created_at: string;
  completed_at: string | null;
}

export interface SagaList {
  items: SagaSummary[];
  total: number;
  limit: number;
  offset: number;
}

export interface SagaStepCompensation {
  state: string;
  attempts: number;
  error: string;
  compensated_at: string | null;
}

export interface SagaStep {
  id: string;
  state: string;
  attempts: number;
  error: string;
  /** null for a step without a `compensate:` block. */
  compensation: SagaStepCompensation | null;
}

/** GET /api/v1/sagas/{id}. */
export interface SagaDetail {
  saga_id: string;
  name: string;
  state: SagaState;
  policy: string;
  completed_steps: string[];
  compensated_steps: string[];
  failed_step: string;
  failure_reason: string;
  step_results: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
  workflow_id: string;
  compensation_workflow_id: string;
  compensation_round: number;
  compensation_requested: boolean;
  compensation_skipped: boolean;
  reason: string;
  deadline: string | null;
  compensation_deadline: string | null;
  steps: SagaStep[];
}

/** 202 of POST /api/v1/sagas/{id}/compensate and /recover. */
export interface SagaActionAnswer {
  saga_id: string;
  state: SagaState;
}

export interface MemorySessionSummary {
  session_id: string;
  entries: number;
}

export interface MemorySessions {
  sessions: MemorySessionSummary[];
  session_count: number;
  total_entries: number;
}

/** A memory item with its FSRS-6 card and retrievability now. */
export interface MemoryItem {
  id: string;
  session_id: string;
  content: string;
  metadata: Record<string, string>;
  provenance: { workflow_id: string; task_id: string; source: string; trust: string };
  created_at: string;
  has_vector: boolean;
  vector_source?: string;
  retrievability: number;
  strength: number;
  stability: number;
  difficulty: number;
  state: string;
  reps: number;
  lapses: number;
  last_review: string | null;
  due: string | null;
}

/** One hit of a memory search: the fused score and each ranking's rank when it took part. */
export interface MemoryHit {
  entry: MemoryItem;
  score: number;
  bm25_rank?: number;
  vector_rank?: number;
  [k: string]: unknown;
}

export interface MemoryPage {
  entries: MemoryItem[];
  total: number;
  limit: number;
  offset: number;
}

export interface MemoryStats {
  session_id: string;
  total_entries: number;
  average_strength: number;
  average_retrievability: number;
  weak_entries: number;
  vectors: number;
  dimensions: number;
  vector_index: string;
  terms: number;
  bytes: number;
  states: Record<string, number>;
}

export interface WorkerInfo {
  id: string;
  name: string;
  queues: string[];
  labels: Record<string, string>;
  capacity: number;
  free_credits: number;
  connected_at: string;
  silent_ms: number;
  /** Attempt ids: `<workflow id>/<task id>/<attempt>`. */
  attempts: string[];
}

export interface WorkerQueue {
  name: string;
  waiting: number;
  workers: number;
  free_credits: number;
}

export interface WorkersAnswer {
  workers: WorkerInfo[];
  queues: WorkerQueue[];
}
