// One lane in detail: its settings and wait-time figures, the wait-time histogram, and the
// form that changes it. Shown under the lanes table for the lane picked there (?lane=name).
import { useState } from 'react';
import type { LanePatch, LaneStats } from '../api/types';
import { formatCount, formatDuration } from '../components/format';
import { LaneForm } from './LaneForm';
import { WaitHistogram } from './WaitHistogram';

export interface LaneDetailProps {
  lane: LaneStats;
  onSaved: (lane: LaneStats) => void;
  onClose: () => void;
}

/** "max concurrency 3, rate none" — what a PATCH changed, for the confirmation line. */
export function describePatch(p: LanePatch): string {
  const parts: string[] = [];
  if (p.max_concurrency !== undefined) parts.push(`max concurrency ${p.max_concurrency}`);
  if (p.capacity !== undefined) parts.push(`capacity ${p.capacity}`);
  if (p.rate === null) parts.push('no rate limit');
  else if (p.rate) parts.push(`rate ${p.rate.per_second}/s${p.rate.burst !== undefined ? `, burst ${p.rate.burst}` : ''}`);
  return parts.join(', ');
}

export function LaneDetail({ lane, onSaved, onClose }: LaneDetailProps) {
  const [saved, setSaved] = useState<string>();
  const w = lane.wait_seconds;
  const mean = w.count > 0 ? w.sum / w.count : undefined;
  // The form restarts from the lane's settings whenever they change (a save, or someone else).
  const formKey = `${lane.name}|${lane.max_concurrency}|${lane.capacity}|${JSON.stringify(lane.rate)}`;
  return (
    <section className="card lane-detail stack" aria-labelledby="lane-detail-title">
      <div className="row">
        <h2 id="lane-detail-title">Lane {lane.name}</h2>
        <span className="spacer" />
        <button type="button" onClick={onClose} aria-label={`Close lane ${lane.name}`}>Close</button>
      </div>
      <div>
        <h3>Wait time</h3>
        <dl className="lane-facts">
          <div><dt>P50</dt><dd>{w.count ? formatDuration(w.p50) : '—'}</dd></div>
          <div><dt>P99</dt><dd>{w.count ? formatDuration(w.p99) : '—'}</dd></div>
          <div><dt>Mean</dt><dd>{mean !== undefined ? formatDuration(mean) : '—'}</dd></div>
          <div><dt>Admitted</dt><dd>{formatCount(w.count)}</dd></div>
        </dl>
        <WaitHistogram lane={lane.name} buckets={w.buckets} />
      </div>
      <div className="grid cols-2">
        <div>
          <h3>Change</h3>
          {saved ? <p className="notice" role="status">Lane {lane.name} changed: {saved}.</p> : null}
          <LaneForm key={formKey} lane={lane} onSaved={(updated, patch) => {
            setSaved(describePatch(patch));
            onSaved(updated);
          }} />
        </div>
        <div>
          <h3>Policy</h3>
          <p className="small">
            When {formatCount(lane.capacity)} items wait, new ones are <strong>{onFullText(lane)}</strong>.
            {lane.keyed ? ` A template lane: each key gets its own queue with these settings (${formatCount(lane.keys ?? 0)} live keys).` : ''}
            {lane.closed ? ' The lane is closed.' : ''}
          </p>
          <p className="small muted">
            Raising the concurrency admits waiting items at once; lowering it lets running items finish. Lowering the
            capacity below the queue keeps the queue; a rate change keeps the tokens the bucket has.
          </p>
        </div>
      </div>
    </section>
  );
}

export function onFullText(lane: LaneStats): string {
  switch (lane.on_full) {
    case 'block': return 'blocked until there is room';
    case 'drop': return 'dropped';
    case 'redirect': return lane.redirect_to ? `redirected to ${lane.redirect_to}` : 'redirected';
    default: return lane.on_full;
  }
}
