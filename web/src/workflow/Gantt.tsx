// A Gantt timeline of task attempts, rebuilt from the event history: one row per task (every
// task that has started, none left out), one bar per attempt coloured by its outcome, the
// critical path marked. Rows are windowed with VirtualList — only the rows in view are in the
// DOM — so a 10,000-task run scrolls as smoothly as a ten-task one. Keyboard: the list takes
// ↑/↓/PageUp/PageDown/Home/End, Enter opens the task.
import { useMemo } from 'react';
import { VirtualList } from '../components/VirtualList';
import { formatDuration } from '../components/format';
import type { Attempt } from './attempts';
import { ganttRows } from './attempts';

export const GANTT_ROW = 22;
/** The list's height: this many rows, or fewer when there are fewer. */
export const GANTT_VISIBLE_ROWS = 20;
const LABEL_W = 170;
const TICKS = [0, 0.25, 0.5, 0.75, 1];

export interface GanttProps {
  attempts: Map<string, Attempt[]>;
  critical: Set<string>;
  selected?: string;
  onSelect: (id: string) => void;
}

type Row = { task: string; attempts: Attempt[] };

function describe(r: Row): string {
  return r.attempts.map((a) => `attempt ${a.attempt} ${a.outcome}${a.end !== undefined ? ` ${formatDuration((a.end - a.start) / 1000)}` : ''}`).join('; ');
}

export function Gantt({ attempts, critical, selected, onSelect }: GanttProps) {
  const { rows, t0, t1 } = useMemo(() => ganttRows(attempts), [attempts]);
  const selectedIndex = useMemo(() => (selected === undefined ? -1 : rows.findIndex((r) => r.task === selected)), [rows, selected]);
  if (rows.length === 0) return <p className="muted">No attempt has started yet.</p>;
  const span = Math.max(1, t1 - t0);
  const pct = (t: number) => ((t - t0) / span) * 100;
  const attemptCount = rows.reduce((n, r) => n + r.attempts.length, 0);
  const height = Math.min(rows.length, GANTT_VISIBLE_ROWS) * GANTT_ROW + 2;
  return (
    <div className="gantt">
      <p className="muted small">
        {rows.length.toLocaleString('en-US')} task{rows.length === 1 ? '' : 's'}, {attemptCount.toLocaleString('en-US')} attempt{attemptCount === 1 ? '' : 's'} over {formatDuration(span / 1000)}
        {rows.length > GANTT_VISIBLE_ROWS ? ' — scroll for the rest, every row is here' : ''}.
      </p>
      <div className="gantt-axis" aria-hidden="true">
        <span style={{ width: LABEL_W }} />
        <span className="gantt-plot">
          {TICKS.map((f) => (
            <span key={f} className="gantt-tick" style={{ left: `${f * 100}%`, transform: f === 0 ? undefined : f === 1 ? 'translateX(-100%)' : 'translateX(-50%)' }}>
              +{formatDuration((f * span) / 1000)}
            </span>
          ))}
        </span>
      </div>
      <VirtualList<Row>
        items={rows}
        rowHeight={GANTT_ROW}
        height={height}
        label="Timeline rows"
        itemKey={(r) => r.task}
        activeIndex={selectedIndex >= 0 ? selectedIndex : undefined}
        onActivate={(r) => onSelect(r.task)}
        renderItem={(r) => {
          const crit = critical.has(r.task);
          return (
            <div className={`gantt-row${r.task === selected ? ' selected' : ''}`} data-task={r.task}>
              <span className={`gantt-label${crit ? ' critical' : ''}`} style={{ width: LABEL_W }} title={r.task}>
                {r.task.length > 24 ? `${r.task.slice(0, 23)}…` : r.task}
              </span>
              <span className="sr-only">{`: ${describe(r)}`}</span>
              <span className="gantt-plot" aria-hidden="true">
                {r.attempts.map((a) => {
                  const end = a.end ?? Date.now();
                  return (
                    <span key={a.attempt} className={`gantt-bar state-${a.outcome}${crit ? ' critical' : ''}`}
                      style={{ left: `${pct(a.start)}%`, width: `${Math.max(0, pct(end) - pct(a.start))}%` }}
                      title={`${r.task} attempt ${a.attempt}: ${a.outcome}, ${formatDuration((end - a.start) / 1000)}${a.error ? ` — ${a.error}` : ''}`} />
                  );
                })}
              </span>
            </div>
          );
        }}
      />
    </div>
  );
}
