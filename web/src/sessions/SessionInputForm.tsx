// Sends one input to a session (POST /api/v1/sessions/{key}/input {"input": {...}}): a JSON
// object typed in a textarea, checked before sending, and the server's answer shown — what it
// did with the input (started, steered, queued, coalesced, interrupted, dropped…), the run, the
// position in the queue and the inputs dropped to make room.
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { call } from '../api/client';
import type { SessionInputAnswer } from '../api/types';
import { ErrorState, StateBadge } from '../components';

export const DEFAULT_INPUT = '{\n  "message": ""\n}';

/** Parses the textarea: an object, or an error message saying what is wrong. */
export function parseInput(text: string): { value?: Record<string, unknown>; error?: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { error: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { error: 'the input must be a JSON object, such as {"message": "hello"}' };
  return { value: v as Record<string, unknown> };
}

export interface SessionInputFormProps {
  sessionKey: string;
  onSent?: (answer: SessionInputAnswer) => void;
}

export function SessionInputForm({ sessionKey, onSent }: SessionInputFormProps) {
  const id = useId();
  const [text, setText] = useState(DEFAULT_INPUT);
  const [localError, setLocalError] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [answer, setAnswer] = useState<SessionInputAnswer>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setAnswer(undefined);
    const parsed = parseInput(text);
    if (parsed.error) {
      setLocalError(parsed.error);
      return;
    }
    setLocalError(undefined);
    setBusy(true);
    try {
      const a = await call<SessionInputAnswer>('sendSessionInput', { params: { key: sessionKey }, body: { input: parsed.value } });
      setAnswer(a);
      onSent?.(a);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="stack" aria-label={`Send an input to session ${sessionKey}`}>
      <div className="u2-field">
        <label htmlFor={`${id}-input`}>Input (JSON object)</label>
        <textarea id={`${id}-input`} className="code" rows={5} value={text} spellCheck={false}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={localError ? true : undefined} aria-describedby={localError ? `${id}-err` : undefined} />
        {localError ? <span className="field-error" id={`${id}-err`}>{localError}</span> : null}
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Sending…' : 'Send input'}</button>
        <span className="muted small">The session’s queue mode decides what the input does while a run is active.</span>
      </div>
      {error ? <ErrorState error={error} title="The input was not accepted" compact /> : null}
      {answer ? <InputAnswer answer={answer} /> : null}
    </form>
  );
}

export function InputAnswer({ answer }: { answer: SessionInputAnswer }) {
  return (
    <div className="u2-answer" role="status" aria-label="Answer to the input">
      <dl className="u2-facts">
        <dt>Action</dt>
        <dd><StateBadge state={answer.action} /></dd>
        <dt>Run</dt>
        <dd>{answer.workflow_id ? <Link to={`/workflows/${encodeURIComponent(answer.workflow_id)}`}>{answer.workflow_id}</Link> : '—'}</dd>
        <dt>Position</dt>
        <dd>{answer.position}{answer.position === 0 ? ' (not waiting)' : ' in the queue'}</dd>
        <dt>Input seq</dt>
        <dd>{answer.seq}</dd>
        <dt>Dropped</dt>
        <dd>{answer.dropped.length === 0 ? 'none' : `inputs ${answer.dropped.join(', ')} (to make room)`}</dd>
      </dl>
    </div>
  );
}
