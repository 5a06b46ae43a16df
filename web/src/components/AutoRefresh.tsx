// The refresh controls of a page that polls (Lanes, Workers): an "Auto-refresh (N s)" checkbox
// and a Refresh button. `useAutoRefresh(ms)` holds the toggle and gives the interval to pass to
// useApi (undefined while it is off).
import { useState } from 'react';

export function useAutoRefresh(everyMs: number, initial = true): { auto: boolean; setAuto: (on: boolean) => void; refreshMs: number | undefined } {
  const [auto, setAuto] = useState(initial);
  return { auto, setAuto, refreshMs: auto ? everyMs : undefined };
}

export interface AutoRefreshProps {
  auto: boolean;
  onAutoChange: (on: boolean) => void;
  everyMs: number;
  onRefresh: () => void;
  /** Disables the Refresh button (e.g. while the first answer is still loading). */
  refreshDisabled?: boolean;
}

export function AutoRefresh({ auto, onAutoChange, everyMs, onRefresh, refreshDisabled }: AutoRefreshProps) {
  return (
    <>
      <label className="inline">
        <input type="checkbox" checked={auto} onChange={(e) => onAutoChange(e.target.checked)} />
        Auto-refresh ({everyMs / 1000} s)
      </label>
      <button type="button" onClick={onRefresh} disabled={refreshDisabled}>Refresh</button>
    </>
  );
}
