import type pg from 'pg';
import { ADVISOR_MARKER } from './advisor-marker.ts';
import type { PlanNode } from './plan-predicates.ts';

/**
 * A plan of a partitioned table scans its partitions (`Seq Scan on orders_2024 orders_1`), but the index to propose
 * belongs on the partitioned table at the root of the tree: `CREATE INDEX ON orders` makes one on every partition,
 * present and future, which is what a query on the parent needs. Each scan of a partition gets its root noted as
 * `Partition Root` (pg_partition_root, which climbs sub-partitioned levels too), read by plan-predicates.ts.
 * A child of old-style inheritance (not a partition) is left alone: an index on its parent does not cover it.
 */
export type PartitionRoots = Map<string, { schema: string; table: string } | null>;

/**
 * `known`: what earlier calls found, by scanned relation (null: not a partition); a caller that re-plans the same
 * statements many times (the HypoPG evaluator) passes one, and asks the catalog only about relations it has not seen.
 */
export async function notePartitionRoots(client: pg.Client, plan: PlanNode, known: PartitionRoots = new Map()): Promise<void> {
  const scans: PlanNode[] = [];
  const visit = (node: PlanNode): void => {
    if (typeof node['Relation Name'] === 'string' && typeof node.Schema === 'string' && /Scan$/.test(node['Node Type'])) scans.push(node);
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(plan);
  const keyOf = (scan: PlanNode) => JSON.stringify([scan.Schema, scan['Relation Name']]);
  const unknown = scans.filter((scan) => !known.has(keyOf(scan)));
  if (unknown.length > 0) await readRoots(client, unknown, known);
  for (const scan of scans) {
    const root = known.get(keyOf(scan));
    if (root) scan['Partition Root'] = root;
  }
}

async function readRoots(client: pg.Client, scans: PlanNode[], known: PartitionRoots): Promise<void> {
  const { rows } = await client.query<{ schema: string; name: string; root_schema: string; root_name: string }>(
    `${ADVISOR_MARKER} SELECT r.schema, r.name, rn.nspname AS root_schema, rc.relname AS root_name
       FROM unnest($1::text[], $2::text[]) AS r(schema, name)
       JOIN pg_catalog.pg_namespace n ON n.nspname = r.schema
       JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = r.name AND c.relispartition
       JOIN pg_catalog.pg_class rc ON rc.oid = pg_catalog.pg_partition_root(c.oid)
       JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace`,
    [scans.map((s) => s.Schema), scans.map((s) => s['Relation Name'])],
  );
  for (const scan of scans) known.set(JSON.stringify([scan.Schema, scan['Relation Name']]), null);
  for (const r of rows) known.set(JSON.stringify([r.schema, r.name]), { schema: r.root_schema, table: r.root_name });
}
