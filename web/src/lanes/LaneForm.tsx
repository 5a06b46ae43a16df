// The form that changes a lane at run time: max concurrency, capacity and the token-bucket
// rate (or none). It sends only what changed (PATCH /api/v1/lanes/{name}), lets the server
// validate the values, and shows each of the server's `details` next to its field.
import { useId, useState, type FormEvent } from 'react';
import { ApiError, call } from '../api/client';
import type { LanePatch, LaneStats } from '../api/types';

type Field = 'max_concurrency' | 'capacity' | 'rate.per_second' | 'rate.burst';

export interface LaneFormProps {
  lane: LaneStats;
  onSaved: (lane: LaneStats, patch: LanePatch) => void;
}

/** Which form field a server detail path belongs to ('' for none). */
export function fieldOfPath(path: string): Field | 'rate' | '' {
  if (path === 'max_concurrency' || path === 'capacity' || path === 'rate.per_second' || path === 'rate.burst') return path;
  if (path === 'rate' || path.startsWith('rate.')) return 'rate';
  return '';
}

function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Builds the PATCH body from the form's text values; returns local errors for unreadable ones. */
export function buildPatch(lane: LaneStats, v: { mc: string; cap: string; rateOn: boolean; perSecond: string; burst: string }):
  { patch: LanePatch; errors: Partial<Record<Field, string>> } {
  const patch: LanePatch = {};
  const errors: Partial<Record<Field, string>> = {};
  if (v.mc.trim() !== String(lane.max_concurrency)) {
    const n = parseNumber(v.mc);
    if (n === undefined) errors.max_concurrency = 'enter a number';
    else patch.max_concurrency = n;
  }
  if (v.cap.trim() !== String(lane.capacity)) {
    const n = parseNumber(v.cap);
    if (n === undefined) errors.capacity = 'enter a number';
    else patch.capacity = n;
  }
  if (!v.rateOn) {
    if (lane.rate !== null) patch.rate = null;
  } else {
    const ps = parseNumber(v.perSecond);
    const burstText = v.burst.trim();
    const burst = parseNumber(burstText);
    if (ps === undefined) errors['rate.per_second'] = 'enter a number';
    if (burstText !== '' && burst === undefined) errors['rate.burst'] = 'enter a number or leave empty';
    // An empty burst asks for the server's default, which is a change when a burst is set now.
    const changed = lane.rate === null || ps !== lane.rate.per_second || burstText === '' || burst !== lane.rate.burst;
    if (ps !== undefined && changed) patch.rate = burst === undefined ? { per_second: ps } : { per_second: ps, burst };
  }
  return { patch, errors };
}

export function LaneForm({ lane, onSaved }: LaneFormProps) {
  const id = useId();
  const [mc, setMc] = useState(String(lane.max_concurrency));
  const [cap, setCap] = useState(String(lane.capacity));
  const [rateOn, setRateOn] = useState(lane.rate !== null);
  const [perSecond, setPerSecond] = useState(lane.rate ? String(lane.rate.per_second) : '');
  const [burst, setBurst] = useState(lane.rate ? String(lane.rate.burst) : '');
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field | 'rate', string[]>>>({});
  const [formError, setFormError] = useState<{ message: string; code?: string; other: string[]; requestId?: string }>();
  const [note, setNote] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNote(undefined);
    setFormError(undefined);
    const { patch, errors } = buildPatch(lane, { mc, cap, rateOn, perSecond, burst });
    if (Object.keys(errors).length > 0) {
      const fe: Partial<Record<Field | 'rate', string[]>> = {};
      for (const [k, m] of Object.entries(errors)) fe[k as Field] = [m as string];
      setFieldErrors(fe);
      setFormError({ message: 'Some values are not numbers.', other: [] });
      return;
    }
    setFieldErrors({});
    if (Object.keys(patch).length === 0) {
      setNote('Nothing changed.');
      return;
    }
    setBusy(true);
    try {
      const updated = await call<LaneStats>('updateLane', { params: { name: lane.name }, body: patch });
      onSaved(updated, patch);
    } catch (err) {
      if (err instanceof ApiError) {
        const fe: Partial<Record<Field | 'rate', string[]>> = {};
        const other: string[] = [];
        for (const d of err.details) {
          const f = fieldOfPath(d.path);
          if (f) (fe[f] ??= []).push(d.message);
          else other.push(d.path ? `${d.path}: ${d.message}` : d.message);
        }
        setFieldErrors(fe);
        setFormError({ message: err.message, code: err.code, other, requestId: err.requestId });
      } else {
        setFormError({ message: err instanceof Error ? err.message : String(err), other: [] });
      }
    } finally {
      setBusy(false);
    }
  };

  const errs = (f: Field | 'rate') => fieldErrors[f];
  const fieldError = (f: Field | 'rate') =>
    errs(f) ? (
      <span className="field-error" id={`${id}-${f}-err`}>
        {errs(f)!.join('; ')}
      </span>
    ) : null;
  const numberField = (f: Field, label: string, value: string, set: (v: string) => void,
    o: { hint?: string; disabled?: boolean; decimal?: boolean } = {}) => {
    const inputId = `${id}-${f}`;
    const describedBy = [errs(f) ? `${inputId}-err` : '', o.hint ? `${inputId}-hint` : ''].filter(Boolean).join(' ');
    return (
      <div className="lane-field">
        <label htmlFor={inputId}>{label}</label>
        <input id={inputId} type="number" inputMode={o.decimal ? 'decimal' : 'numeric'} step={o.decimal ? 'any' : 1}
          value={value} disabled={o.disabled} onChange={(e) => set(e.target.value)}
          aria-invalid={errs(f) ? true : undefined} aria-describedby={describedBy || undefined} />
        {fieldError(f)}
        {o.hint ? <span className="muted small" id={`${inputId}-hint`}>{o.hint}</span> : null}
      </div>
    );
  };

  return (
    <form className="lane-form" onSubmit={submit} noValidate aria-label={`Change lane ${lane.name}`}>
      <div className="lane-form-grid">
        {numberField('max_concurrency', 'Max concurrency', mc, setMc, { hint: '0 pauses the lane' })}
        {numberField('capacity', 'Capacity', cap, setCap, { hint: 'items that may wait' })}
      </div>
      <fieldset className="lane-rate">
        <legend>Rate limit</legend>
        <label className="inline">
          <input type="checkbox" checked={rateOn} onChange={(e) => setRateOn(e.target.checked)} />
          Limit the rate (token bucket)
        </label>
        <div className="lane-form-grid">
          {numberField('rate.per_second', 'Rate per second', perSecond, setPerSecond, { disabled: !rateOn, decimal: true })}
          {numberField('rate.burst', 'Burst', burst, setBurst, { disabled: !rateOn, decimal: true, hint: 'empty: max(1, per second)' })}
        </div>
        {fieldError('rate')}
      </fieldset>
      {formError ? (
        <div className="error-state compact" role="alert">
          <div className="error-head">
            <strong>Not changed</strong>
            {formError.code ? <span className="error-code">{formError.code}</span> : null}
          </div>
          <p className="error-message">{formError.message}</p>
          {formError.other.length > 0 ? (
            <ul className="error-details">
              {formError.other.map((m, i) => <li key={i}>{m}</li>)}
            </ul>
          ) : null}
          {formError.requestId ? <p className="muted small">request id <code>{formError.requestId}</code></p> : null}
        </div>
      ) : null}
      {note ? <p className="muted" role="status">{note}</p> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Applying…' : 'Apply changes'}
        </button>
        <button type="button" disabled={busy} onClick={() => {
          setMc(String(lane.max_concurrency));
          setCap(String(lane.capacity));
          setRateOn(lane.rate !== null);
          setPerSecond(lane.rate ? String(lane.rate.per_second) : '');
          setBurst(lane.rate ? String(lane.rate.burst) : '');
          setFieldErrors({});
          setFormError(undefined);
          setNote(undefined);
        }}>
          Reset
        </button>
      </div>
    </form>
  );
}
