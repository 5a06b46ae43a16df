// Forgetting in bulk, each after a confirmation: every item of a session (DELETE
// /api/v1/memory/{session}/all) or only the weak ones, whose FSRS-6 retrievability is now below
// a threshold (DELETE /api/v1/memory/{session}/weak?threshold=…, the server's default 0.1).
// What was forgotten is said in a status line and a toast; a threshold the server refuses is
// shown at its field.
import { useId, useState } from 'react';
import { call } from '../api/client';
import { ConfirmButton, useToast } from '../components';
import { FieldError, FormAlert, formFailure, type FormFailure } from './formErrors';

export const DEFAULT_WEAK_THRESHOLD = '0.1';

const items = (n: number) => `${n.toLocaleString('en-US')} item${n === 1 ? '' : 's'}`;

export function ForgetSession({ session, onForgotten }: { session: string; onForgotten: () => void }) {
  const id = useId();
  const notify = useToast();
  const [threshold, setThreshold] = useState(DEFAULT_WEAK_THRESHOLD);
  const [failure, setFailure] = useState<FormFailure<'threshold'>>();
  const [note, setNote] = useState<string>();

  const run = async (what: 'all' | 'weak') => {
    setFailure(undefined);
    setNote(undefined);
    try {
      if (what === 'all') {
        const r = await call<{ deleted: number }>('forgetAllMemory', { params: { session } });
        setNote(`Forgot ${items(r.deleted)}: ${session} is empty.`);
        notify(`Forgot all of ${session} (${items(r.deleted)}).`, 'success');
      } else {
        const t = threshold.trim();
        const r = await call<{ deleted: number; threshold?: number }>('forgetWeakMemory', {
          params: { session }, query: t === '' ? undefined : { threshold: t },
        });
        const below = r.threshold ?? (t === '' ? 0.1 : Number(t));
        setNote(`Forgot ${items(r.deleted)} with retrievability below ${below}.`);
        notify(`Forgot ${items(r.deleted)} of ${session} below retrievability ${below}.`, 'success');
      }
      onForgotten();
    } catch (err) {
      setFailure(formFailure(err, (p) => (p === 'threshold' ? 'threshold' : '')));
    }
  };

  const tErr = failure?.fields.threshold;
  return (
    <div className="stack" role="group" aria-label={`Forget in bulk from ${session}`}>
      <div className="row" style={{ alignItems: 'flex-end' }}>
        <div className="u2-field">
          <label htmlFor={`${id}-threshold`}>Retrievability threshold</label>
          <input id={`${id}-threshold`} inputMode="decimal" value={threshold} style={{ width: 90 }} onChange={(e) => setThreshold(e.target.value)}
            aria-invalid={tErr ? true : undefined} aria-describedby={`${id}-threshold-hint${tErr ? ` ${id}-threshold-err` : ''}`} />
        </div>
        <ConfirmButton label="Forget weak" confirmLabel="Confirm forget weak" ariaLabel={`Forget weak items of ${session}`}
          onConfirm={() => run('weak')} />
        <span className="spacer" />
        <ConfirmButton label="Forget all" confirmLabel="Confirm forget all" ariaLabel={`Forget all items of ${session}`}
          onConfirm={() => run('all')} />
      </div>
      <span className="muted small" id={`${id}-threshold-hint`}>Forget weak: the items whose retrievability is now below this, in (0, 1].</span>
      <FieldError id={`${id}-threshold-err`} messages={tErr} />
      {failure && !tErr ? <FormAlert title="Nothing forgotten" failure={failure} /> : null}
      {failure && tErr && failure.other.length ? <FormAlert title="Nothing forgotten" failure={failure} /> : null}
      {note ? <p className="muted small" role="status">{note}</p> : null}
    </div>
  );
}
