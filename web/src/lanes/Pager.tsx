// Offset paging for the lists of the sessions, sagas and memory pages: "21–40 of 95" with
// Previous / Next buttons (the server's lists answer {total, limit, offset}).
export interface PagerProps {
  total: number;
  limit: number;
  offset: number;
  /** What is being paged, for the buttons' accessible names ("sagas"). */
  noun: string;
  onOffset: (offset: number) => void;
}

export function Pager({ total, limit, offset, noun, onOffset }: PagerProps) {
  if (total <= limit && offset === 0) return null;
  const first = total === 0 ? 0 : Math.min(offset + 1, total);
  const last = Math.min(offset + limit, total);
  return (
    <nav className="u2-pager" aria-label={`Pages of ${noun}`}>
      <span className="muted small" aria-live="polite">
        {first}–{last} of {total.toLocaleString('en-US')}
      </span>
      <button type="button" className="small" disabled={offset <= 0} aria-label={`Previous page of ${noun}`}
        onClick={() => onOffset(Math.max(0, offset - limit))}>
        ‹ Previous
      </button>
      <button type="button" className="small" disabled={offset + limit >= total} aria-label={`Next page of ${noun}`}
        onClick={() => onOffset(offset + limit)}>
        Next ›
      </button>
    </nav>
  );
}
