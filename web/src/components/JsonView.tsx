// Pretty-printed JSON in a <pre>; very large values are cut with a "Show all" button so a
// multi-megabyte result does not freeze the tab.
import { useState } from 'react';

const LIMIT = 20000;

export function JsonView({ value, label, maxChars = LIMIT }: { value: unknown; label?: string; maxChars?: number }) {
  const [all, setAll] = useState(false);
  let text: string;
  try {
    text = value === undefined ? 'undefined' : JSON.stringify(value, null, 2);
  } catch {
    text = String(value);
  }
  const cut = !all && text.length > maxChars;
  return (
    <div className="json-view">
      <pre aria-label={label} tabIndex={0}>{cut ? `${text.slice(0, maxChars)}\n…` : text}</pre>
      {cut ? (
        <button type="button" className="link" onClick={() => setAll(true)}>
          Show all ({text.length.toLocaleString()} characters)
        </button>
      ) : null}
    </div>
  );
}
