// The list of a workflow's tasks — virtualised, so 10,000 rows cost a few dozen DOM nodes —
// with a text filter, a state filter and an optional level filter (from the collapsed graph).
// Arrow keys move, Enter opens the task panel.
import { useMemo, useState } from 'react';
import type { TaskStatus } from '../api/types';
import { formatDuration } from '../components/format';
import { VirtualList } from '../components/VirtualList';
import { EmptyState } from '../components/EmptyState';

export interface TaskListProps {
  tasks: TaskStatus[];
  levels?: number[];
  /** Show only tasks whose level is in [lo, hi] (from the collapsed graph). */
  levelRange: [number, number] | null;
  onClearLevel: () => void;
  selected?: string;
  onSelect: (id: string) => void;
  critical: Set<string>;
  height: number;
}

export function TaskList({ tasks, levels, levelRange, onClearLevel, selected, onSelect, critical, height }: TaskListProps) {
  const [q, setQ] = useState('');
  const [state, setState] = useState('');
  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const out: TaskStatus[] = [];
    tasks.forEach((t, i) => {
      if (state && t.status !== state) return;
      if (levelRange && levels && (levels[i] < levelRange[0] || levels[i] > levelRange[1])) return;
      if (needle && !t.id.toLowerCase().includes(needle) && !(t.name ?? '').toLowerCase().includes(needle)) return;
      out.push(t);
    });
    return out;
  }, [tasks, q, state, levelRange, levels]);
  const present = useMemo(() => [...new Set(tasks.map((t) => t.status))].sort(), [tasks]);
  const activeIndex = selected ? rows.findIndex((t) => t.id === selected) : -1;

  return (
    <div className="task-list">
      <div className="row">
        <label className="grow">
          Find task
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="id or name" />
        </label>
        <label>
          Task state
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">any</option>
            {present.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      </div>
      <div className="row small muted task-list-count">
        {rows.length.toLocaleString('en-US')} of {tasks.length.toLocaleString('en-US')} tasks
        {levelRange ? <> · {levelRange[0] === levelRange[1] ? `level ${levelRange[0]}` : `levels ${levelRange[0]}–${levelRange[1]}`} <button type="button" className="link" onClick={onClearLevel}>show all levels</button></> : null}
      </div>
      {rows.length === 0 ? <EmptyState title="No task matches." /> : (
        <VirtualList items={rows} rowHeight={30} height={height} label="Tasks" itemKey={(t) => t.id}
          activeIndex={activeIndex >= 0 ? activeIndex : undefined}
          onActivate={(t) => onSelect(t.id)}
          renderItem={(t) => (
            <>
              <span className={`dot state-${t.status}`} aria-hidden="true" />
              <span className={`task-id${t.id === selected ? ' selected' : ''}`}>{t.id}</span>
              {critical.has(t.id) ? <span className="crit-mark" title="on the critical path">◆</span> : null}
              <span className="spacer" />
              <span className="small muted">{t.status}{t.duration_seconds !== undefined ? ` · ${formatDuration(t.duration_seconds)}` : ''}</span>
            </>
          )} />
      )}
    </div>
  );
}
