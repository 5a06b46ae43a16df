// The workflow DAG with @xyflow/react, laid out left→right by dagre. Up to FULL_GRAPH_LIMIT
// tasks every task is a node (coloured by state, the critical path highlighted). Above it the
// graph is collapsed — one node per dependency level, plus the selected task's neighbourhood —
// and a notice on screen says so and why. Layout runs only when the structure changes, not
// on every state change. A focused node (Tab reaches them) opens with Enter or Space, as a
// click would.
import { memo, useMemo, type KeyboardEvent } from 'react';
import { Background, Controls, Handle, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { TaskStatus } from '../api/types';
import { formatDuration } from '../components/format';
import { Notice } from '../components/Toast';
import { chooseGraphMode, edgeKey, FULL_GRAPH_LIMIT, groupByLevel, neighbourhood, type CriticalPath, type Dag, type TaskGroup } from './graph';
import { layoutDag } from './layout';

const NODE_W = 168;
const NODE_H = 46;
const GROUP_W = 220;
const GROUP_H = 64;
// The sizes theme.css gives the nodes, handed to React Flow too: a node whose size React Flow
// has not measured yet is hidden, and every state change hands it new node objects (whose
// measurement starts over), so without these a busy page could keep a node invisible.
const TASK_SIZE = { initialWidth: NODE_W, initialHeight: NODE_H };
const GROUP_SIZE = { initialWidth: GROUP_W, initialHeight: GROUP_H };
const MORE_SIZE = { initialWidth: GROUP_W, initialHeight: NODE_H };

type TaskNodeData = { task: TaskStatus; critical: boolean; selected: boolean };
type GroupNodeData = { group: TaskGroup; total: number; label: string; more?: boolean };
type TaskNodeT = Node<TaskNodeData, 'task'>;
type GroupNodeT = Node<GroupNodeData, 'taskgroup'>;

const TaskNode = memo(function TaskNode({ data }: NodeProps<TaskNodeT>) {
  const t = data.task;
  return (
    <div className={`dag-node state-${t.status}${data.critical ? ' critical' : ''}${data.selected ? ' selected' : ''}`}
      title={`${t.id} — ${t.status}${t.error ? `\n${t.error}` : ''}`}>
      <Handle type="target" position={Position.Left} />
      <div className="dag-node-id">{t.id}</div>
      <div className="dag-node-meta">
        {t.status}
        {t.attempts > 1 ? ` · ${t.attempts} attempts` : ''}
        {t.duration_seconds !== undefined ? ` · ${formatDuration(t.duration_seconds)}` : ''}
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

const STATE_ORDER = ['completed', 'running', 'retrying', 'waiting', 'queued', 'ready', 'pending', 'failed', 'skipped', 'cancelled'];

const GroupNode = memo(function GroupNode({ data }: NodeProps<GroupNodeT>) {
  const g = data.group;
  const total = g.members.length || 1;
  return (
    <div className={`dag-group${data.more ? ' more' : ''}`}>
      <Handle type="target" position={Position.Left} />
      <div className="dag-node-id">{data.label}</div>
      {!data.more ? (
        <>
          <div className="group-bar" aria-hidden="true">
            {STATE_ORDER.filter((s) => g.states[s]).map((s) => (
              <span key={s} className={`state-${s}`} style={{ width: `${(g.states[s] / total) * 100}%` }} />
            ))}
          </div>
          <div className="dag-node-meta">
            {STATE_ORDER.filter((s) => g.states[s]).map((s) => `${g.states[s].toLocaleString('en-US')} ${s}`).join(' · ')}
          </div>
        </>
      ) : null}
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

const nodeTypes = { task: TaskNode, taskgroup: GroupNode };

/**
 * A keydown handler for the box around a ReactFlow: Enter or Space on a focused node calls
 * `open` with the node's id. (React Flow itself only selects the node on those keys.)
 */
export function openOnKey(open: (nodeId: string) => void) {
  return (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const el = e.target as HTMLElement;
    if (!el.classList?.contains('react-flow__node')) return;
    const id = el.getAttribute('data-id');
    if (id === null) return;
    e.preventDefault();
    open(id);
  };
}

export interface DagViewProps {
  tasks: TaskStatus[];
  dag: Dag;
  critical: CriticalPath;
  selected?: string;
  onSelect: (taskId: string) => void;
  onSelectLevels?: (levels: [number, number] | null) => void;
  height?: number;
}

function FullGraph({ tasks, dag, critical, selected, onSelect, height }: DagViewProps) {
  const structure = useMemo(() => dag.ids.join('\u0001') + '|' + dag.deps.map((d) => d.join(',')).join(';'), [dag]);
  const layout = useMemo(() => {
    const edges: { from: string; to: string }[] = [];
    dag.deps.forEach((ds, v) => ds.forEach((u) => edges.push({ from: dag.ids[u], to: dag.ids[v] })));
    return { pos: layoutDag(dag.ids.map((id) => ({ id, width: NODE_W, height: NODE_H })), edges).positions, edges };
  }, [structure]); // eslint-disable-line react-hooks/exhaustive-deps

  const critSet = useMemo(() => new Set(critical.tasks), [critical]);
  const nodes: TaskNodeT[] = useMemo(() => tasks.map((t) => ({
    id: t.id,
    type: 'task',
    position: layout.pos.get(t.id) ?? { x: 0, y: 0 },
    data: { task: t, critical: critSet.has(t.id), selected: t.id === selected },
    draggable: false,
    connectable: false,
    ...TASK_SIZE,
    ariaLabel: `Task ${t.id}, ${t.status}`,
  })), [tasks, layout, critSet, selected]);
  const byId = useMemo(() => new Map(tasks.map((t) => [t.id, t])), [tasks]);
  const edges: Edge[] = useMemo(() => layout.edges.map((e) => {
    const crit = critical.edges.has(edgeKey(e.from, e.to));
    const target = byId.get(e.to);
    return {
      id: edgeKey(e.from, e.to),
      source: e.from,
      target: e.to,
      className: crit ? 'critical' : undefined,
      animated: target?.status === 'running',
      style: crit ? { stroke: 'var(--critical)', strokeWidth: 3 } : undefined,
    };
  }), [layout, critical, byId]);

  return (
    <div className="dag" style={{ height }} data-testid="dag" data-mode="full" onKeyDown={openOnKey(onSelect)}>
      <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} fitView fitViewOptions={{ maxZoom: 1 }} minZoom={0.05} maxZoom={2}
        nodesDraggable={false} nodesConnectable={false} onlyRenderVisibleElements={tasks.length > 150}
        onNodeClick={(_, n) => onSelect(n.id)} proOptions={{ hideAttribution: true }}>
        <Background gap={24} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

/** Few groups: dagre left→right. Many (a deep graph): a grid in level order, 4 per row, readable at any depth. */
function layoutGroups(ids: string[], edges: { from: string; to: string }[]): { positions: Map<string, { x: number; y: number }> } {
  if (ids.length <= 6) return layoutDag(ids.map((id) => ({ id, width: GROUP_W, height: GROUP_H })), edges, { rankSep: 50 });
  const cols = 4;
  const positions = new Map<string, { x: number; y: number }>();
  ids.forEach((id, i) => positions.set(id, { x: (i % cols) * (GROUP_W + 70), y: Math.floor(i / cols) * (GROUP_H + 36) }));
  return { positions };
}

function CollapsedGraph({ tasks, dag, selected, onSelect, onSelectLevels, height }: DagViewProps) {
  const structure = useMemo(() => `${dag.ids.length}|${dag.deps.reduce((n, d) => n + d.length, 0)}`, [dag]);
  const groups = useMemo(() => groupByLevel(tasks, dag), [tasks, dag]);
  const layout = useMemo(() => layoutGroups(groups.groups.map((g) => g.id), groups.edges), [structure]); // eslint-disable-line react-hooks/exhaustive-deps

  const openGroup = (id: string) => {
    const g = groups.groups.find((x) => x.id === id);
    if (!g) return;
    if (g.members.length === 1) onSelect(tasks[g.members[0]].id);
    else onSelectLevels?.(g.levels);
  };
  const openNeighbour = (id: string) => { if (!id.startsWith('__more')) onSelect(id); };

  const groupNodes: GroupNodeT[] = groups.groups.map((g) => ({
    id: g.id, type: 'taskgroup', position: layout.positions.get(g.id) ?? { x: 0, y: 0 },
    data: { group: g, total: tasks.length, label: g.label }, draggable: false, connectable: false,
    ...GROUP_SIZE, ariaLabel: `${g.label}`,
  }));
  const groupEdges: Edge[] = groups.edges.map((e) => ({
    id: `${e.from}->${e.to}`, source: e.from, target: e.to, label: e.count > 1 ? `${e.count.toLocaleString('en-US')} edges` : undefined,
  }));

  // the selected task's neighbourhood
  const center = selected !== undefined ? dag.index.get(selected) : undefined;
  const nb = useMemo(() => {
    if (center === undefined) return null;
    const n = neighbourhood(dag, center, 24);
    const ids = [...n.upstream, n.center, ...n.downstream].map((i) => dag.ids[i]);
    const nodesL = ids.map((id) => ({ id, width: NODE_W, height: NODE_H }));
    const edgesL = [...n.upstream.map((u) => ({ from: dag.ids[u], to: dag.ids[center] })), ...n.downstream.map((d) => ({ from: dag.ids[center], to: dag.ids[d] }))];
    if (n.hiddenUpstream) { nodesL.push({ id: '__more_up', width: NODE_W, height: NODE_H }); edgesL.push({ from: '__more_up', to: dag.ids[center] }); }
    if (n.hiddenDownstream) { nodesL.push({ id: '__more_down', width: NODE_W, height: NODE_H }); edgesL.push({ from: dag.ids[center], to: '__more_down' }); }
    return { n, ids, pos: layoutDag(nodesL, edgesL, { nodeSep: 8 }).positions, edges: edgesL };
  }, [center, dag]);

  const byId = useMemo(() => new Map(tasks.map((t) => [t.id, t])), [tasks]);
  const nbNodes: Node[] = nb ? [
    ...nb.ids.map((id): TaskNodeT => ({
      id, type: 'task', position: nb.pos.get(id) ?? { x: 0, y: 0 }, draggable: false, connectable: false, ...TASK_SIZE,
      data: { task: byId.get(id)!, critical: false, selected: id === selected }, ariaLabel: `Task ${id}`,
    })),
    ...(['__more_up', '__more_down'] as const).filter((k) => nb.pos.has(k) && (k === '__more_up' ? nb.n.hiddenUpstream : nb.n.hiddenDownstream)).map((k): GroupNodeT => ({
      id: k, type: 'taskgroup', position: nb.pos.get(k)!, draggable: false, connectable: false, ...MORE_SIZE,
      data: { group: { id: k, levels: [0, 0], members: [], states: {}, label: '' }, total: 0, more: true,
        label: `+${(k === '__more_up' ? nb.n.hiddenUpstream : nb.n.hiddenDownstream).toLocaleString('en-US')} more ${k === '__more_up' ? 'upstream' : 'downstream'}` },
    })),
  ] : [];
  const nbEdges: Edge[] = nb ? nb.edges.map((e) => ({ id: `${e.from}->${e.to}`, source: e.from, target: e.to })) : [];

  return (
    <div className="stack">
      <Notice kind="warning">
        <strong>Graph collapsed:</strong> this workflow has {tasks.length.toLocaleString('en-US')} tasks, more than {FULL_GRAPH_LIMIT}, so
        the graph is not drawn task by task — laying out and rendering that many nodes would freeze the tab. Below: one node per
        dependency level or band of levels (click one to filter the task list), and the neighbourhood of the selected task. Every task is in the
        virtualised task list.
      </Notice>
      <div className="dag" style={{ height: nb ? Math.round(height! * 0.45) : height }} data-testid="dag" data-mode="collapsed" onKeyDown={openOnKey(openGroup)}>
        <ReactFlow key={nb ? 'with-neighbourhood' : 'alone'} nodes={groupNodes} edges={groupEdges} nodeTypes={nodeTypes} fitView fitViewOptions={{ maxZoom: 1 }} minZoom={0.1} nodesDraggable={false}
          nodesConnectable={false} proOptions={{ hideAttribution: true }}
          onNodeClick={(_, n) => openGroup(n.id)}>
          <Background gap={24} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
      {nb ? (
        <div>
          <h3>Neighbourhood of {selected}</h3>
          <div className="dag" style={{ height: Math.round(height! * 0.55) }} data-testid="dag-neighbourhood" onKeyDown={openOnKey(openNeighbour)}>
            <ReactFlow key={selected} nodes={nbNodes} edges={nbEdges} nodeTypes={nodeTypes} fitView fitViewOptions={{ maxZoom: 1 }} minZoom={0.1} nodesDraggable={false}
              nodesConnectable={false} proOptions={{ hideAttribution: true }}
              onNodeClick={(_, n) => openNeighbour(n.id)}>
              <Background gap={24} />
            </ReactFlow>
          </div>
        </div>
      ) : <p className="muted small">Select a task in the list to see its neighbourhood.</p>}
    </div>
  );
}

export function DagView(props: DagViewProps) {
  const mode = chooseGraphMode(props.tasks.length);
  const p = { ...props, height: props.height ?? 460 };
  return mode === 'full' ? <FullGraph {...p} /> : <CollapsedGraph {...p} />;
}
