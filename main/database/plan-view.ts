import type { ExplainedPlan, PlanNodeView } from '../contract/database.ts';

/** A node of EXPLAIN (FORMAT JSON) output: the keys the view reads; the server's other keys pass through in `json`. */
export interface JsonPlanNode {
  'Node Type': string;
  'Startup Cost': number;
  'Total Cost': number;
  'Plan Rows': number;
  Plans?: JsonPlanNode[];
  [key: string]: unknown;
}

/** Keys shown under a node, in EXPLAIN's text order: what the node looks up, joins on, filters and sorts by. */
const DETAIL_KEYS = [
  'Index Cond',
  'Recheck Cond',
  'Hash Cond',
  'Merge Cond',
  'Join Filter',
  'Filter',
  'Sort Key',
  'Group Key',
  'Presorted Key',
  'Cache Key',
  'One-Time Filter',
  'Subplan Name',
] as const;

function nodeTitle(node: JsonPlanNode): string {
  const strategy = typeof node['Strategy'] === 'string' && node['Strategy'] !== 'Plain' ? `${node['Strategy'] as string} ` : '';
  const join = typeof node['Join Type'] === 'string' && node['Join Type'] !== 'Inner' ? ` ${node['Join Type'] as string} Join` : '';
  // As EXPLAIN's text names them: `Parallel Seq Scan`, `Index Scan Backward`, `HashAggregate`, `Hash Left Join`.
  const parallel = node['Parallel Aware'] === true ? 'Parallel ' : '';
  const backward = node['Scan Direction'] === 'Backward' ? ' Backward' : '';
  const base = node['Node Type'] === 'Aggregate' ? `${strategy}Aggregate` : node['Node Type'];
  const named = join && /Join|Nested Loop/.test(base) ? base.replace(/ Join$/, '') + join : base;
  return `${parallel}${named}${backward}`;
}

function relationOf(node: JsonPlanNode): string | null {
  const name = node['Relation Name'];
  if (typeof name !== 'string') return null;
  return typeof node['Schema'] === 'string' ? `${node['Schema']}.${name}` : name;
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function detailsOf(node: JsonPlanNode): string[] {
  const out: string[] = [];
  for (const key of DETAIL_KEYS) {
    const value = node[key];
    if (typeof value === 'string') out.push(`${key}: ${value}`);
    else if (Array.isArray(value)) out.push(`${key}: ${value.join(', ')}`);
  }
  return out;
}

function view(node: JsonPlanNode): PlanNodeView {
  return {
    nodeType: nodeTitle(node),
    relation: relationOf(node),
    alias: stringOf(node['Alias']),
    index: stringOf(node['Index Name']),
    startupCost: node['Startup Cost'],
    totalCost: node['Total Cost'],
    rows: node['Plan Rows'],
    width: typeof node['Plan Width'] === 'number' ? node['Plan Width'] : null,
    details: detailsOf(node),
    children: (node.Plans ?? []).map(view),
  };
}

/** EXPLAIN's text layout of a plan tree (as `EXPLAIN (VERBOSE off, COSTS on)` prints it, near enough to read the same). */
export function planText(root: PlanNodeView): string {
  const lines: string[] = [];
  const walk = (node: PlanNodeView, depth: number) => {
    const pad = depth === 0 ? '' : ' '.repeat(6 * depth - 4) + '->  ';
    const using = node.index ? ` using ${node.index}` : '';
    const on = node.relation
      ? ` on ${node.relation}${node.alias && node.alias !== node.relation.split('.').at(-1) ? ` ${node.alias}` : ''}`
      : '';
    const cost = `(cost=${node.startupCost.toFixed(2)}..${node.totalCost.toFixed(2)} rows=${Math.round(node.rows)}${node.width === null ? '' : ` width=${node.width}`})`;
    lines.push(`${pad}${node.nodeType}${using}${on}  ${cost}`);
    const detailPad = ' '.repeat(depth === 0 ? 2 : 6 * depth + 2);
    for (const detail of node.details) lines.push(`${detailPad}${detail}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  walk(root, 0);
  return lines.join('\n');
}

/** A plan from EXPLAIN (FORMAT JSON)'s `Plan` for the contract: the tree, the JSON as the server gave it, and the text layout. */
export function explainedPlan(plan: JsonPlanNode): ExplainedPlan {
  const root = view(plan);
  return { totalCost: plan['Total Cost'], root, json: JSON.stringify([{ Plan: plan }], null, 2), text: planText(root) };
}
