// A Gantt timeline of task attempts (SVG), rebuilt from the event history: one row per task,
// one bar per attempt coloured by its outcome, the critical path marked. Large workflows show
// the first MAX_ROWS rows by start time and say so.
import { useMemo } from 'react';
import { formatDuration } from '../components/format';
import type { Attempt } from './attempts';
import { ganttRows } from './attempts';

const MAX_ROWS = 300;
const ROW = 20;
const LABEL_W = 170;

export interface GanttProps {
  attempts: Map<string, Attempt[]>;
  critical: Set<string>;
  selected?: string;
  onSelect: (id: string) => void;
  width?: number;
}

export function Gantt({ attempts, critical, selected, onSelect, width = 1100 }: GanttProps) {
  const { rows, t0, t1 } = useMemo(() => ganttRows(attempts), [attempts]);
  if (rows.length === 0) return <p className="muted">No attempt has started yet.</p>;
  const shown = rows.slice(0, MAX_ROWS);
  const span = Math.max(1, t1 - t0);
  const plotW = width - LABEL_W - 10;
  const x = (t: number) => LABEL_W + ((t - t0) / span) * plotW;
  const AXIS = 18;
  const height = shown.length * ROW + AXIS + 4;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div className="gantt">
      {rows.length > MAX_ROWS ? (
        <p className="muted small">Showing the first {MAX_ROWS} of {rows.length.toLocaleString('en-US')} tasks by start time.</p>
      ) : null}
      <div className="gantt-scroll" tabIndex={0} aria-label="Timeline rows">
      <svg width="100%" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Timeline of ${rows.length} tasks over ${formatDuration(span / 1000)}`}>
        {ticks.map((f) => (
          <g key={f}>
            <line x1={LABEL_W + f * plotW} x2={LABEL_W + f * plotW} y1={AXIS - 4} y2={height} className="gantt-grid" />
            <text x={LABEL_W + f * plotW} y={12} className="gantt-tick" textAnchor={f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}>
              +{formatDuration((f * span) / 1000)}
            </text>
          </g>
        ))}
        {shown.map((r, i) => (
          <g key={r.task} transform={`translate(0, ${AXIS + i * ROW})`} className={`gantt-row${r.task === selected ? ' selected' : ''}`}
            onClick={() => onSelect(r.task)} style={{ cursor: 'pointer' }}>
            <text x={4} y={ROW - 6} className={`gantt-label${critical.has(r.task) ? ' critical' : ''}`}>
              {r.task.length > 24 ? `${r.task.slice(0, 23)}…` : r.task}
            </text>
            {r.attempts.map((a) => {
              const end = a.end ?? Date.now();
              const w = Math.max(2, x(end) - x(a.start));
              return (
                <rect key={a.attempt} x={x(a.start)} y={3} width={w} height={ROW - 6} rx={3} className={`gantt-bar state-${a.outcome}${critical.has(r.task) ? ' critical' : ''}`}>
                  <title>{`${r.task} attempt ${a.attempt}: ${a.outcome}, ${formatDuration((end - a.start) / 1000)}${a.error ? ` — ${a.error}` : ''}`}</title>
                </rect>
              );
            })}
          </g>
        ))}
      </svg>
      </div>
    </div>
  );
}
