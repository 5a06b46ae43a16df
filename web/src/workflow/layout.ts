// Layered left-to-right layout of a DAG with dagre. Returns each node's top-left position
// (what @xyflow/react wants). Used for the full task graph (≤ FULL_GRAPH_LIMIT tasks), the
// collapsed group graph and a task's neighbourhood.
import dagre from '@dagrejs/dagre';

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

export interface LayoutResult {
  positions: Map<string, { x: number; y: number }>;
  width: number;
  height: number;
}

export function layoutDag(nodes: LayoutNode[], edges: { from: string; to: string }[], opts: { rankSep?: number; nodeSep?: number } = {}): LayoutResult {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', ranksep: opts.rankSep ?? 60, nodesep: opts.nodeSep ?? 16, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const p = g.node(n.id) as { x: number; y: number } | undefined;
    positions.set(n.id, p ? { x: p.x - n.width / 2, y: p.y - n.height / 2 } : { x: 0, y: 0 });
  }
  const gl = g.graph() as { width?: number; height?: number };
  return { positions, width: gl.width ?? 0, height: gl.height ?? 0 };
}
