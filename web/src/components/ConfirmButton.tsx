// A button for destructive actions: the first click asks ("Confirm <label>" / "No"), the second
// runs onConfirm. While it runs the button is disabled; the question resets after a few seconds.
import { useEffect, useRef, useState } from 'react';

export interface ConfirmButtonProps {
  label: string;
  onConfirm: () => unknown;
  confirmLabel?: string;
  /** Accessible name of the first button when the visible label is ambiguous (e.g. in a table row). */
  ariaLabel?: string;
  disabled?: boolean;
  danger?: boolean;
  timeoutMs?: number;
}

export function ConfirmButton({ label, onConfirm, confirmLabel, ariaLabel, disabled, danger = true, timeoutMs = 5000 }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const mounted = useRef(true);
  useEffect(() => () => { mounted.current = false; }, []);
  useEffect(() => {
    if (!asking) return;
    confirmRef.current?.focus();
    const t = setTimeout(() => setAsking(false), timeoutMs);
    return () => clearTimeout(t);
  }, [asking, timeoutMs]);

  if (!asking) {
    return (
      <button type="button" className={danger ? 'danger' : undefined} disabled={disabled || busy} aria-label={ariaLabel}
        onClick={() => setAsking(true)}>
        {busy ? `${label}…` : label}
      </button>
    );
  }
  const text = confirmLabel ?? `Confirm ${label.toLowerCase()}`;
  return (
    <span className="confirm-group" role="group" aria-label={text}>
      <button ref={confirmRef} type="button" className={danger ? 'danger' : 'primary'}
        onClick={async () => {
          setAsking(false);
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            if (mounted.current) setBusy(false);
          }
        }}>
        {text}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        No
      </button>
    </span>
  );
}
