// Server refusals in the memory forms: each `details` entry goes to the field its path names
// (shown under that field, the input marked aria-invalid), the rest into one alert with the
// code, message and request id.
import { ApiError } from '../api/client';

export interface FormFailure<F extends string> {
  fields: Partial<Record<F, string[]>>;
  message: string;
  code?: string;
  other: string[];
  requestId?: string;
}

/** Sorts an error into field messages (by `fieldOf(detail.path)`) and the rest. */
export function formFailure<F extends string>(err: unknown, fieldOf: (path: string) => F | ''): FormFailure<F> {
  if (!(err instanceof ApiError)) return { fields: {}, message: err instanceof Error ? err.message : String(err), other: [] };
  const fields: Partial<Record<F, string[]>> = {};
  const other: string[] = [];
  for (const d of err.details) {
    const f = fieldOf(d.path);
    if (f) (fields[f] ??= []).push(d.path.includes('.') ? `${d.path}: ${d.message}` : d.message);
    else other.push(d.path ? `${d.path}: ${d.message}` : d.message);
  }
  return { fields, message: err.message, code: err.code, other, requestId: err.requestId };
}

/** The messages under a field; its id goes into the input's aria-describedby. */
export function FieldError({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages?.length) return null;
  return <span className="field-error" id={id}>{messages.join('; ')}</span>;
}

/** The alert for what no field took. */
export function FormAlert<F extends string>({ title, failure }: { title: string; failure?: FormFailure<F> }) {
  if (!failure) return null;
  return (
    <div className="error-state compact" role="alert">
      <div className="error-head">
        <strong>{title}</strong>
        {failure.code ? <span className="error-code">{failure.code}</span> : null}
      </div>
      <p className="error-message">{failure.message}</p>
      {failure.other.length > 0 ? (
        <ul className="error-details">{failure.other.map((m, i) => <li key={i}>{m}</li>)}</ul>
      ) : null}
      {failure.requestId ? <p className="muted small">request id <code>{failure.requestId}</code></p> : null}
    </div>
  );
}
