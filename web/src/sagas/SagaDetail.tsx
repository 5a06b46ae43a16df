// One saga (GET /api/v1/sagas/{id}): state, policy, why it failed, links to its forward and
// compensation workflows, each step's forward and compensation state, and the operator's two
// actions — Compensate (a running or pending-compensation saga, with an optional reason) and
// Recover (a compensation-failed one) — each confirmed first, with the answer or the error.
// Refreshes every two seconds while the saga is moving.
import { useEffect, useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, call } from '../api/client';
import { useApi } from '../api/useApi';
import type { SagaActionAnswer, SagaDetail as SagaDoc, SagaState } from '../api/types';
import { ConfirmButton, ErrorState, JsonView, Loading, StateBadge, formatTime } from '../components';
import { SagaSteps } from './SagaSteps';

export const SAGA_REFRESH_MS = 2000;
/** States a saga leaves by itself; the detail refreshes while in one. */
export const MOVING: SagaState[] = ['created', 'running', 'compensating', 'recovering'];
export const COMPENSATE_FROM: SagaState[] = ['running', 'pending-compensation'];
export const RECOVER_FROM: SagaState[] = ['compensation-failed'];

function WorkflowLink({ id, label }: { id: string; label: string }) {
  if (!id) return <span className="muted">none</span>;
  return <Link to={`/workflows/${encodeURIComponent(id)}`} aria-label={`${label} ${id}`}>{id}</Link>;
}

export function SagaDetail({ sagaId, onClose, onChanged }: { sagaId: string; onClose: () => void; onChanged?: () => void }) {
  const id = useId();
  const [live, setLive] = useState(true);
  const { data, error, loading, reload } = useApi<SagaDoc>('getSaga', { params: { id: sagaId } }, [], live ? SAGA_REFRESH_MS : undefined);
  useEffect(() => {
    if (data) setLive(MOVING.includes(data.state));
  }, [data]);
  useEffect(() => {
    // An unknown id or a bad request will not get better by asking again; a network error may.
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) setLive(false);
  }, [error]);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string>();
  const [actionError, setActionError] = useState<{ action: string; error: unknown }>();

  const act = async (action: 'compensate' | 'recover') => {
    setResult(undefined);
    setActionError(undefined);
    try {
      const a = action === 'compensate'
        ? await call<SagaActionAnswer>('compensateSaga', { params: { id: sagaId }, body: reason.trim() ? { reason: reason.trim() } : {} })
        : await call<SagaActionAnswer>('recoverSaga', { params: { id: sagaId }, body: {} });
      const text = `${action === 'compensate' ? 'Compensation' : 'Recovery'} accepted: the saga is ${a.state}.`;
      setResult(text);
      setLive(true);
      reload();
      onChanged?.();
    } catch (e) {
      setActionError({ action, error: e });
    }
  };

  const canCompensate = !!data && COMPENSATE_FROM.includes(data.state);
  const canRecover = !!data && RECOVER_FROM.includes(data.state);

  return (
    <section className="card stack" aria-labelledby="saga-detail-title">
      <div className="row">
        <h2 id="saga-detail-title">Saga {data?.name ?? ''} <code className="small">{sagaId}</code></h2>
        {data ? <StateBadge state={data.state} /> : null}
        <span className="spacer" />
        <button type="button" onClick={reload} aria-label={`Refresh saga ${sagaId}`}>Refresh</button>
        <button type="button" onClick={onClose} aria-label={`Close saga ${sagaId}`}>Close</button>
      </div>
      {error ? <ErrorState error={error} onRetry={reload} title="Could not load the saga" compact={!!data} /> : null}
      {!data && loading ? <Loading label="Loading the saga…" /> : null}
      {data ? (
        <>
          <div className="grid cols-2">
            <dl className="u2-facts">
              <dt>State</dt>
              <dd>{data.state}{data.compensation_skipped ? ' (compensation skipped by policy)' : ''}</dd>
              <dt>Policy</dt>
              <dd>{data.policy}</dd>
              <dt>Failed step</dt>
              <dd>{data.failed_step || <span className="muted">none</span>}</dd>
              <dt>Failure</dt>
              <dd className="u2-content">{data.failure_reason || <span className="muted">—</span>}</dd>
              {data.reason ? (<><dt>Reason</dt><dd className="u2-content">{data.reason}</dd></>) : null}
              <dt>Completed steps</dt>
              <dd>{data.completed_steps.length ? data.completed_steps.join(', ') : <span className="muted">none</span>}</dd>
              <dt>Compensated</dt>
              <dd>{data.compensated_steps.length ? data.compensated_steps.join(', ') : <span className="muted">none</span>}</dd>
            </dl>
            <dl className="u2-facts">
              <dt>Forward workflow</dt>
              <dd><WorkflowLink id={data.workflow_id} label="Forward workflow" /></dd>
              <dt>Compensation workflow</dt>
              <dd><WorkflowLink id={data.compensation_workflow_id} label="Compensation workflow" /></dd>
              <dt>Compensation round</dt>
              <dd>{data.compensation_round}</dd>
              <dt>Created</dt>
              <dd>{formatTime(data.created_at)}</dd>
              <dt>Completed</dt>
              <dd>{formatTime(data.completed_at)}</dd>
              <dt>Deadline</dt>
              <dd>{formatTime(data.deadline)}</dd>
              <dt>Compensation deadline</dt>
              <dd>{formatTime(data.compensation_deadline)}</dd>
            </dl>
          </div>

          <div>
            <h3>Steps and compensations</h3>
            <SagaSteps saga={data} />
          </div>

          <div>
            <h3>Actions</h3>
            <div className="row" style={{ alignItems: 'flex-end' }}>
              <div className="u2-field">
                <label htmlFor={`${id}-reason`}>Reason for compensating (optional)</label>
                <input id={`${id}-reason`} value={reason} size={34} onChange={(e) => setReason(e.target.value)} disabled={!canCompensate} />
              </div>
              <ConfirmButton label="Compensate" ariaLabel={`Compensate saga ${sagaId}`} disabled={!canCompensate}
                onConfirm={() => act('compensate')} />
              <ConfirmButton label="Recover" ariaLabel={`Recover saga ${sagaId}`} disabled={!canRecover} danger={false}
                onConfirm={() => act('recover')} />
            </div>
            <p className="muted small">
              Compensate undoes the completed steps of a running or pending-compensation saga; Recover runs the
              compensations that are not done yet of a compensation-failed saga.
            </p>
            {result ? <p className="notice" role="status">{result}</p> : null}
            {actionError ? (
              <ErrorState error={actionError.error} compact
                title={actionError.action === 'compensate' ? 'Compensate was refused' : 'Recover was refused'} />
            ) : null}
          </div>

          {Object.keys(data.step_results ?? {}).length > 0 ? (
            <details>
              <summary>Step results ({Object.keys(data.step_results).length})</summary>
              <JsonView value={data.step_results} label={`Step results of saga ${sagaId}`} />
            </details>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
