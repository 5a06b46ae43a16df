// Shows a failed request: the API error code and HTTP status, the message, each detail
// (path: message), the request id (to grep the server log), and a Retry button.
import { ApiError } from '../api/client';

export interface ErrorStateProps {
  error: unknown;
  onRetry?: () => void;
  title?: string;
  compact?: boolean;
}

export function ErrorState({ error, onRetry, title, compact }: ErrorStateProps) {
  const api = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className={`error-state${compact ? ' compact' : ''}`} role="alert">
      <div className="error-head">
        <strong>{title ?? 'Request failed'}</strong>
        {api ? (
          <span className="error-code">
            {api.code}
            {api.status ? ` · HTTP ${api.status}` : ' · no answer'}
          </span>
        ) : null}
      </div>
      <p className="error-message">{message}</p>
      {api && api.details.length > 0 ? (
        <ul className="error-details" aria-label="Error details">
          {api.details.map((d, i) => (
            <li key={i}>
              {d.path ? <code>{d.path}</code> : null}
              {d.path ? ': ' : null}
              {d.message}
              {d.line !== undefined ? <span className="muted"> (line {d.line})</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {api?.requestId ? (
        <p className="muted small">
          request id <code>{api.requestId}</code>
        </p>
      ) : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
