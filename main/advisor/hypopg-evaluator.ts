import type pg from 'pg';
import { ADVISOR_MARKER, explainGenericPlan } from './generic-plan.ts';
import { createIndexDdl, type IndexSpec } from './index-spec.ts';
import { specKey } from './candidates.ts';
import type { PlanNode } from './plan-predicates.ts';
import { notePartitionRoots, type PartitionRoots } from './partition-roots.ts';
import { TRUST_GUARD, inRolledBackReadOnlyTransaction } from './planning-roles.ts';
import { tableKey } from './table-stats.ts';

/** What the selection asks of a cost model: a statement's plan cost with some indexes in place, and an index's size. */
export interface CostEvaluator {
  readonly method: 'hypopg' | 'estimate';
  cost(config: readonly IndexSpec[], statement: number): Promise<number>;
  /** The statement's plan with the configuration in place, where the method re-plans (HypoPG); null where it estimates. */
  plan(config: readonly IndexSpec[], statement: number): Promise<PlanNode | null>;
  /** Statements planned so far, where the method plans (HypoPG): what a search has spent. */
  readonly planned?: number;
  sizeBytes(spec: IndexSpec): Promise<number>;
  /** Leaves nothing behind (HypoPG: hypopg_reset). */
  close(): Promise<void>;
}

/** HypoPG's `CREATE INDEX` text: the real DDL without CONCURRENTLY and name (hypothetical indexes name themselves). */
export function hypotheticalDdl(spec: IndexSpec): string {
  return createIndexDdl(spec, 'x').replace(/^CREATE INDEX CONCURRENTLY "x" ON /, 'CREATE INDEX ON ');
}

/** True when HypoPG's functions are callable in this session (the extension is created in this database). */
export async function hypopgInstalled(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query(`${ADVISOR_MARKER} SELECT 1 FROM pg_extension WHERE extname = 'hypopg'`);
  return rows.length > 0;
}

export async function hypopgAvailable(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query(`${ADVISOR_MARKER} SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'`);
  return rows.length > 0;
}

/**
 * What-if costs through HypoPG (only when an owner created it in the database: analysis never does): the
 * configuration's indexes are created hypothetically in this backend, the
 * statements' generic plans EXPLAINed (never ANALYZEd: nothing runs) and the plan's total cost read. Everything
 * happens on the one client the advisor holds, because hypothetical indexes exist only in the backend that made
 * them. Results are cached per configuration and statement.
 */
export class HypopgEvaluator implements CostEvaluator {
  readonly method = 'hypopg' as const;
  private readonly cache = new Map<string, number>();
  private readonly sizes = new Map<string, number>();
  /** Which scanned relations are partitions of which partitioned table (partition-roots.ts), as found so far. */
  private readonly partitionRoots: PartitionRoots = new Map();
  /** A partitioned table's leaf partitions, by tableKey; empty for a table that is not partitioned. */
  private readonly leaves = new Map<string, { schema: string; table: string }[]>();
  /** Statements EXPLAINed so far: what the search has spent. */
  planned = 0;
  /** The hypothetical indexes this backend holds now: spec key → HypoPG's indexrelid. */
  private readonly active = new Map<string, number>();

  /** `statements`: each one's text and the role it is planned as (null: the connecting role), as analysis chose. */
  constructor(
    private readonly client: pg.Client,
    private readonly serverVersion: number,
    private readonly statements: readonly { sql: string; role: string | null; guard: boolean }[],
  ) {}

  /**
   * Makes exactly `config` the hypothetical indexes of this backend. Successive configurations of a search differ
   * by an index or two, so only the difference is dropped and created: a reset and a full rebuild for every
   * configuration cost more than the EXPLAIN itself.
   */
  private async activate(config: readonly IndexSpec[]): Promise<void> {
    const wanted = new Map(config.map((spec) => [specKey(spec), spec]));
    for (const [key, indexrelid] of this.active) {
      if (wanted.has(key)) continue;
      await this.client.query(`${ADVISOR_MARKER} SELECT hypopg_drop_index($1)`, [indexrelid]);
      this.active.delete(key);
    }
    for (const [key, spec] of wanted) {
      if (this.active.has(key)) continue;
      const { rows } = await this.client.query<{ indexrelid: number }>(`${ADVISOR_MARKER} SELECT indexrelid FROM hypopg_create_index($1)`, [
        hypotheticalDdl(spec),
      ]);
      const indexrelid = createdIndex(rows, spec);
      this.active.set(key, indexrelid);
      if (!this.sizes.has(key)) this.sizes.set(key, (await this.partitionedSize(spec)) ?? (await this.relationSize(indexrelid)));
    }
  }

  private async relationSize(indexrelid: number): Promise<number> {
    const size = await this.client.query<{ bytes: string }>(`${ADVISOR_MARKER} SELECT hypopg_relation_size($1)::text AS bytes`, [
      indexrelid,
    ]);
    return Number(size.rows[0]?.bytes ?? 0);
  }

  /**
   * The size of an index on a partitioned table: the sum of the same index on each leaf partition, each created
   * hypothetically for its size and dropped again. HypoPG (1.1.4 on) accepts the index on the partitioned table
   * itself and the planner uses it on every partition, but sizes it from the partitioned table's own reltuples,
   * which stay -1 until someone ANALYZEs it (autovacuum never does): one page. Null for a table that is not
   * partitioned.
   */
  private async partitionedSize(spec: IndexSpec): Promise<number | null> {
    const table = tableKey(spec.schema, spec.table);
    let leaves = this.leaves.get(table);
    if (!leaves) {
      const { rows } = await this.client.query<{ schema: string; table: string }>(
        `${ADVISOR_MARKER} SELECT n.nspname AS schema, c.relname AS table
           FROM pg_catalog.pg_class r JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
           CROSS JOIN LATERAL pg_catalog.pg_partition_tree(r.oid) t
           JOIN pg_catalog.pg_class c ON c.oid = t.relid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE rn.nspname = $1 AND r.relname = $2 AND r.relkind = 'p' AND t.isleaf`,
        [spec.schema, spec.table],
      );
      leaves = rows;
      this.leaves.set(table, leaves);
    }
    if (leaves.length === 0) return null;
    let bytes = 0;
    for (const leaf of leaves) {
      const { rows } = await this.client.query<{ indexrelid: number }>(`${ADVISOR_MARKER} SELECT indexrelid FROM hypopg_create_index($1)`, [
        hypotheticalDdl({ ...spec, ...leaf }),
      ]);
      if (!rows[0]) continue;
      bytes += await this.relationSize(rows[0].indexrelid);
      await this.client.query(`${ADVISOR_MARKER} SELECT hypopg_drop_index($1)`, [rows[0].indexrelid]);
    }
    return bytes;
  }

  async cost(config: readonly IndexSpec[], statement: number): Promise<number> {
    const id = JSON.stringify(config.map(specKey).sort());
    const cacheKey = `${id}#${statement}`;
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const plan = await this.plan(config, statement);
    this.cache.set(cacheKey, plan['Total Cost']);
    return plan['Total Cost'];
  }

  /** The statement's plan with the configuration in place (not cached: plans are large, and asked for rarely). */
  async plan(config: readonly IndexSpec[], statement: number): Promise<PlanNode> {
    this.planned++;
    await this.activate(config);
    // The hypothetical indexes live in this backend's memory, not in the transaction: the rollback keeps them.
    const { sql, role, guard } = this.statements[statement]!;
    const plan = await inRolledBackReadOnlyTransaction(this.client, role, () =>
      explainGenericPlan(this.client, this.serverVersion, sql, guard ? TRUST_GUARD : null),
    );
    // Scans of partitions read as scans of their partitioned table, as explainGeneric's plans are.
    await notePartitionRoots(this.client, plan, this.partitionRoots);
    return plan;
  }

  async sizeBytes(spec: IndexSpec): Promise<number> {
    const key = specKey(spec);
    if (!this.sizes.has(key)) {
      // Created for its size and dropped again: the configuration in place stays as it is.
      const { rows } = await this.client.query<{ indexrelid: number }>(`${ADVISOR_MARKER} SELECT indexrelid FROM hypopg_create_index($1)`, [
        hypotheticalDdl(spec),
      ]);
      const indexrelid = createdIndex(rows, spec);
      try {
        this.sizes.set(key, (await this.partitionedSize(spec)) ?? (await this.relationSize(indexrelid)));
      } finally {
        await this.client.query(`${ADVISOR_MARKER} SELECT hypopg_drop_index($1)`, [indexrelid]);
      }
    }
    return this.sizes.get(key) ?? 0;
  }

  async close(): Promise<void> {
    await this.client.query(`${ADVISOR_MARKER} SELECT hypopg_reset()`);
    this.active.clear();
  }
}

/** HypoPG's answer to hypopg_create_index: one row per index created. None would leave a cost computed without it. */
function createdIndex(rows: readonly { indexrelid: number }[], spec: IndexSpec): number {
  if (!rows[0]) throw new Error(`HypoPG created no hypothetical index for ${hypotheticalDdl(spec)}`);
  return rows[0].indexrelid;
}
