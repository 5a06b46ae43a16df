// A state name (workflow, task, saga, lane…) coloured by state; colours live in theme.css
// (.badge.state-<name>). Unknown states get the neutral colour. The badge reads "state: <name>"
// to assistive technology (a visually hidden prefix), so a lone word in a row or a header says
// what it is; what a sighted user sees is the name alone.
const KNOWN = new Set([
  'pending', 'scheduled', 'ready', 'queued', 'running', 'retrying', 'waiting', 'completed', 'failed',
  'skipped', 'cancelled', 'compensating', 'compensated', 'compensation-failed', 'pending-compensation',
  'delivered', 'consumed', 'expired', 'idle', 'active', 'connected',
]);

export function stateClass(state: string): string {
  const s = state.toLowerCase();
  return KNOWN.has(s) ? `state-${s}` : 'state-unknown';
}

export function StateBadge({ state, title }: { state: string; title?: string }) {
  return (
    <span className={`badge ${stateClass(state)}`} title={title}>
      <span className="sr-only">state:</span>{` ${state}`}
    </span>
  );
}
