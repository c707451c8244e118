import pg from 'pg';
import type { AdvisorReport, IndexProposal } from './advisor-types.ts';
import { generateCandidates, specKey, type Candidate } from './candidates.ts';
import { ESTIMATE_NOTE, EstimateEvaluator, entryBytes, predicateFraction } from './estimate-evaluator.ts';
import { coveredByExisting, indexFindings, readExistingIndexes } from './existing-indexes.ts';
import { readReplicaIndexScans, type ReplicaConnection } from './replica-index-scans.ts';
import { ADVISOR_MARKER, explainGeneric, parameterCount } from './generic-plan.ts';
import type { WorkloadStatement } from './advisor-types.ts';
import { HypopgEvaluator, hypopgAvailable, hypopgInstalled, type CostEvaluator } from './hypopg-evaluator.ts';
import { createIndexDdl, indexName, type IndexSpec } from './index-spec.ts';
import { scanAccesses, type PlanNode, type ScanAccess } from './plan-predicates.ts';
import { NotPlannableError } from './statement-checks.ts';
import { DEFAULT_BUDGET_SHARE, selectIndexes } from './selection.ts';
import { extensionsOf, grownCandidates } from './candidate-extensions.ts';
import { indexedColumns, maintenanceCost, tableWrites, type TableWrites } from './index-maintenance.ts';
import { readCostSettings, readTables, tableKey, type TableInfo } from './table-stats.ts';
import { captureWorkload, type CapturedStatement, type WorkloadTemplate } from './workload-capture.ts';
import type { SuppliedStatement } from './advisor-types.ts';
import {
  TRUST_GUARD,
  inRolledBackReadOnlyTransaction,
  planningRole,
  readPlanningTrust,
  readRunners,
  type StatementRunner,
} from './planning-roles.ts';
import { quoteIdent } from '../sql/identifiers.ts';

/**
 * A table whose writes are at least this share of its tuple traffic (pg_stat_user_tables) is write-heavy: there the
 * workload's writes are charged to each index (index-maintenance.ts). Elsewhere the rows the statements read outweigh
 * those written, and the writes counted are mostly the load that filled the table, which no index pays again: charging
 * a one-off load of every row against the first minutes of reads would reject every index of a freshly loaded table.
 */
const WRITE_HEAVY_SHARE = 0.5;

export interface AnalyzeWorkloadOptions {
  /**
   * Where to connect. A `pg.ClientConfig` makes the advisor open (and close) its own client. A function returning
   * a connected `pg.Client` lends it one: the advisor uses only that client (HypoPG's hypothetical indexes live in
   * one backend), resets what it created, and leaves the client open for its owner.
   */
  pg: pg.ClientConfig | (() => Promise<pg.Client>);
  /** The engine's workload templates; `weight` (or `calls`) is their count where pg_stat_statements has none. */
  templates?: WorkloadTemplate[];
  /**
   * Storage for new indexes together, in bytes (a positive whole number). Default: a share of the database's size
   * (DEFAULT_BUDGET_SHARE in selection.ts).
   */
  budgetBytes?: number;
  /**
   * Statements from other sources than pg_stat_statements (a SQL file, server logs, pg_stat_activity samples):
   * analyzed like pg_stat_statements' (the role that ran them is unknown, so they are planned as another role's).
   */
  statements?: SuppliedStatement[];
  /** Also sample pg_stat_activity's running statements for this many seconds (workload-sources/activity-sampler.ts). */
  sampleActivitySeconds?: number;
  /** pg_stat_statements' busiest statements (by total time) analyzed besides the templates. Default 50. */
  maxStatements?: number;
  /** Read pg_stat_statements (when created in the database). Default true. */
  useStatStatements?: boolean;
  /**
   * Use HypoPG. Default: when it is created in this database. Analysis never creates it (analysis only reads, and
   * dry-run and read-only promise no DDL): a superuser runs CREATE EXTENSION hypopg once (it is not a trusted extension).
   */
  useHypopg?: boolean;
  /**
   * The stack's read replicas: their index scans are added to the primary's before an index is called unused
   * (a standby counts the scans run on it; see replica-index-scans.ts). Default none.
   */
  replicas?: readonly ReplicaConnection[];
}

async function connect(option: AnalyzeWorkloadOptions['pg']): Promise<{ client: pg.Client; owned: boolean }> {
  if (typeof option === 'function') return { client: await option(), owned: false };
  const client = new pg.Client(option);
  // A connection lost mid-analysis fails the query in progress; without a listener it would also throw an
  // unhandled 'error' event and take the process down.
  client.on('error', () => undefined);
  await client.connect();
  return { client, owned: true };
}

async function chooseEvaluator(client: pg.Client, options: AnalyzeWorkloadOptions): Promise<{ use: boolean; note: string }> {
  if (options.useHypopg === false) return { use: false, note: 'HypoPG was not used (useHypopg: false).' };
  if (await hypopgInstalled(client)) return { use: true, note: '' };
  const enable =
    'a superuser can run CREATE EXTENSION hypopg in this database (it adds functions only; analysis never creates it, as it only reads)';
  const note = (await hypopgAvailable(client))
    ? `HypoPG is installed on this server but not created in this database: ${enable}.`
    : `HypoPG is not installed on this server: install its package (e.g. postgresql-<version>-hypopg), then ${enable}.`;
  if (options.useHypopg === true) throw new Error(`useHypopg: true, but ${note}`);
  return { use: false, note };
}

/**
 * What-if plans one analysis may spend on its search. Each is an EXPLAIN with hypothetical indexes (a few ms of the
 * server); the limit keeps a large workload's analysis to minutes, and the search keeps what it found by then.
 */
const MAX_WHAT_IF_PLANS = 50_000;

const HYPOPG_NOTE =
  "Costs are the planner's own: each candidate set was created as HypoPG hypothetical indexes in one session and every statement's generic plan EXPLAINed (never ANALYZEd) with them, as the role that ran it, in a read-only transaction rolled back; HypoPG's size estimates run somewhat high";

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * The index advisor's analysis: the workload (pg_stat_statements and the engine's templates) → generic plans →
 * candidate indexes from their predicates, joins, sorts and ranges → what-if costs (HypoPG, or the stated estimate)
 * → a search over configurations under a storage budget, each index's upkeep under the workload's writes
 * subtracted from what it saves (selection.ts, index-maintenance.ts); plus findings on
 * the existing indexes (unused, duplicate, invalid). It reads only: no index is built, nothing is ANALYZEd, no statement is executed, no
 * DDL is sent (the session is read-only), and each statement is planned as the role that ran it (planning-roles.ts).
 */
export async function analyzeWorkload(options: AnalyzeWorkloadOptions): Promise<AdvisorReport> {
  if (options.budgetBytes !== undefined && !(Number.isSafeInteger(options.budgetBytes) && options.budgetBytes > 0)) {
    throw new RangeError(`budgetBytes must be a positive whole number of bytes, got ${options.budgetBytes}`);
  }
  const { client, owned } = await connect(options.pg);
  // Every transaction of the analysis is read-only, its implicit ones included (HypoPG's calls, catalog reads):
  // the server, not only this code, refuses any write or DDL. A lent client gets its setting back at the end.
  let was: string | null = null;
  try {
    was = (await client.query<{ v: string }>(`${ADVISOR_MARKER} SELECT current_setting('default_transaction_read_only') AS v`)).rows[0]!.v;
    await client.query(`${ADVISOR_MARKER} SET default_transaction_read_only = on`);
    const { rows } = await client.query<{ v: string }>(`${ADVISOR_MARKER} SELECT current_setting('server_version_num') AS v`);
    const serverVersion = Number(rows[0]!.v);
    const captured = await captureWorkload(client, {
      templates: options.templates ?? [],
      maxStatements: options.maxStatements ?? 50,
      useStatStatements: options.useStatStatements ?? true,
      supplied: options.statements,
      sampleActivitySeconds: options.sampleActivitySeconds,
    });
    const skipped = [...captured.skipped];
    const statements: AdvisorReport['statements'] = [];
    const planAs: { role: string | null; guard: boolean }[] = [];
    const inStatSpan: boolean[] = [];
    const plans: PlanNode[] = [];
    const accesses: ScanAccess[][] = [];
    const trust = await readPlanningTrust(client, serverVersion);
    const runners = await readRunners(client, serverVersion, [...new Set(captured.statements.flatMap((s) => s.userIds ?? []))]);
    for (const statement of captured.statements) {
      const as = planningRole(statement.userIds?.map((id) => runners.get(id) as StatementRunner) ?? null, trust);
      if ('skip' in as) {
        skipped.push({ query: statement.query, reason: as.skip });
        continue;
      }
      try {
        const plan = await inRolledBackReadOnlyTransaction(client, as.role, () =>
          explainGeneric(client, serverVersion, statement.query, as.guard ? TRUST_GUARD : null),
        );
        statements.push(reported(statement));
        inStatSpan.push(statement.inStatSpan);
        planAs.push(as);
        plans.push(plan);
        accesses.push(scanAccesses(plan, quoteIdent));
      } catch (error) {
        skipped.push({
          query: statement.query,
          // A check before EXPLAIN found why (a dropped relation, a missing grant): said as it is, nothing was sent.
          reason:
            error instanceof NotPlannableError
              ? `not planned: ${error.message}`
              : `could not be planned${as.role === null ? '' : ` as ${as.role}`}: ${(error as Error).message}`,
        });
      }
    }
    const tables = await readTables(
      client,
      accesses.flat().map((a) => ({ schema: a.schema, table: a.table })),
    );
    const existing = await readExistingIndexes(client);
    const candidates = generateCandidates(accesses, tables).filter((c) => !coveredByExisting(c.spec, existing));

    const hypopg = await chooseEvaluator(client, options);
    const settings = await readCostSettings(client);
    const evaluator: CostEvaluator = hypopg.use
      ? new HypopgEvaluator(
          client,
          serverVersion,
          statements.map((s, i) => ({ sql: s.query, ...planAs[i]! })),
        )
      : new EstimateEvaluator(plans, accesses, tables, settings);
    try {
      // What each index costs the workload's writes (index-maintenance.ts), subtracted from what it saves on
      // write-heavy tables; the table's write rate and the slowdown of one write are reported beside it, for people.
      // Reads and writes weigh against each other only when counted over the same span: pg_stat_statements' (a
      // file's count says how often relative to its peers, not to the server's writes; see CapturedStatement).
      const sameSpan = inStatSpan.every(Boolean);
      const writes = sameSpan ? await tableWrites(client, captured.writes) : new Map<string, TableWrites>();
      const accessOf = (spec: IndexSpec) => accesses.flat().find((a) => a.schema === spec.schema && a.table === spec.table) ?? null;
      const infoOf = (spec: IndexSpec) => tables.get(tableKey(spec.schema, spec.table))!;
      const upkeep = new Map<string, number>();
      const writeCost = (c: Candidate) => {
        const info = infoOf(c.spec);
        const overheadShare =
          c.spec.method === 'brin' ? 0.01 : (entryBytes(c.spec, info) / info.rowBytes) * predicateFraction(c.spec, accessOf(c.spec), info);
        return {
          writesPerSecond: round(info.writesPerSecond),
          overheadShare: round(overheadShare * 1000) / 1000,
          maintenanceCost: round(upkeep.get(specKey(c.spec)) ?? 0),
        };
      };
      const byKey = new Map(candidates.map((c) => [specKey(c.spec), c]));
      const sizes = new Map<string, number>();
      const sizeAndUpkeep = async (c: Candidate) => {
        const key = specKey(c.spec);
        if (!sizes.has(key)) sizes.set(key, await evaluator.sizeBytes(c.spec));
        if (!upkeep.has(key)) {
          const info = infoOf(c.spec);
          const share = predicateFraction(c.spec, accessOf(c.spec), info);
          const written = info.writeShare >= WRITE_HEAVY_SHARE ? writes.get(tableKey(c.spec.schema, c.spec.table)) : undefined;
          const elsewhere = written ? await indexedColumns(existing, c.spec.schema, c.spec.table) : undefined;
          upkeep.set(key, await maintenanceCost(c.spec, info, written, settings, share, elsewhere));
        }
      };
      for (const c of candidates) await sizeAndUpkeep(c);
      const toSelection = (c: Candidate) => ({
        key: specKey(c.spec),
        fits: c.fits,
        columnCount: c.spec.columns.length + c.spec.include.length,
        descColumns: c.spec.columns.filter((k) => k.direction === 'desc').length,
        sizeBytes: sizes.get(specKey(c.spec)) ?? 0,
        maintenanceCost: upkeep.get(specKey(c.spec)) ?? 0,
      });
      // Candidates found during the search (wider variants, and those read from re-planned statements) join the
      // known ones: usable, sized once, and the same object whichever search found them first.
      const admit = async (found: readonly Candidate[]) => {
        const usable = found.filter((c) => !coveredByExisting(c.spec, existing));
        for (const c of usable) {
          const key = specKey(c.spec);
          if (!byKey.has(key)) byKey.set(key, c);
          await sizeAndUpkeep(byKey.get(key)!);
        }
        return usable.map((c) => toSelection(byKey.get(specKey(c.spec))!));
      };
      const budgetBytes = options.budgetBytes ?? (await defaultBudget(client));
      const selected = await selectIndexes({
        statements: await Promise.all(
          statements.map(async (s, i) => ({
            calls: s.calls,
            baseCost: plans[i]!['Total Cost'],
            generic: (await parameterCount(s.query)) > 0,
          })),
        ),
        candidates: candidates.map(toSelection),
        cost: (config, s) =>
          evaluator.cost(
            config.map((k) => byKey.get(k)!.spec),
            s,
          ),
        budgetBytes,
        exhausted: () => (evaluator.planned ?? 0) >= MAX_WHAT_IF_PLANS,
        extensions: async (chosen) => await admit(extensionsOf(byKey.get(chosen.key)!.spec, accesses, tables)),
        grow: async (chosen) =>
          await admit(
            await grownCandidates(
              evaluator,
              chosen.map((c) => byKey.get(c.key)!.spec),
              accesses,
              tables,
            ),
          ),
      });
      const proposals = selected.map((choice): IndexProposal => {
        const candidate = byKey.get(choice.key)!;
        const write = writeCost(candidate);
        return proposal(
          candidate.spec,
          choice,
          statements,
          sizes.get(choice.key) ?? 0,
          write,
          tables.get(tableKey(candidate.spec.schema, candidate.spec.table))!,
        );
      });
      const stopped =
        (evaluator.planned ?? 0) >= MAX_WHAT_IF_PLANS
          ? ` The search stopped after ${MAX_WHAT_IF_PLANS} what-if plans, its limit: the proposals are the best found by then (analyze fewer statements, or give a smaller budget, for a complete search).`
          : '';
      const methodNote = (hypopg.use ? `${HYPOPG_NOTE}${hypopg.note}.` : `${hypopg.note} ${ESTIMATE_NOTE}`) + stopped;
      return {
        method: evaluator.method,
        methodNote: captured.statStatementsNote ? `${methodNote} ${captured.statStatementsNote}` : methodNote,
        serverVersion,
        statements,
        proposals,
        findings: indexFindings(existing, await readReplicaIndexScans(options.replicas)),
        skipped,
        budget: {
          bytes: budgetBytes,
          source: options.budgetBytes === undefined ? 'default' : 'operator',
          proposedBytes: proposals.reduce((sum, p) => sum + p.estimatedSizeBytes, 0),
        },
      };
    } finally {
      await evaluator.close();
    }
  } finally {
    if (owned) await client.end();
    else if (was !== null) await client.query(`${ADVISOR_MARKER} SELECT set_config('default_transaction_read_only', $1, false)`, [was]);
  }
}

/** The storage new indexes may take when the operator sets none: a share of the database's size. */
async function defaultBudget(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ bytes: string }>(`${ADVISOR_MARKER} SELECT pg_database_size(current_database())::text AS bytes`);
  return Math.round(Number(rows[0]!.bytes) * DEFAULT_BUDGET_SHARE);
}

/** The report's view of a captured statement: without the role ids it was planned by. */
function reported(statement: CapturedStatement): WorkloadStatement {
  const { userIds: _userIds, inStatSpan: _inStatSpan, ...rest } = statement;
  return rest;
}

function proposal(
  spec: IndexSpec,
  choice: Awaited<ReturnType<typeof selectIndexes>>[number],
  statements: AdvisorReport['statements'],
  sizeBytes: number,
  writeCost: IndexProposal['writeCost'],
  info: TableInfo,
): IndexProposal {
  const name = indexName(spec);
  const serves = choice.serves.map((s) => {
    const st = statements[s.statement]!;
    return { queryId: st.queryId, template: st.template, query: st.query, costBefore: round(s.costBefore), costAfter: round(s.costAfter) };
  });
  const labels = serves.map((s) => s.template ?? `query ${s.queryId ?? '?'}`);
  const keys = spec.columns.map((c) => `${c.name}${c.direction === 'desc' ? ' DESC' : ''}`).join(', ');
  const correlation = info.columns.get(spec.columns[0]!.name)?.correlation;
  const why =
    spec.method === 'brin'
      ? `a BRIN index because the table is stored in ${spec.columns[0]!.name} order (correlation ${correlation?.toFixed(3)}) and the statements ask for ranges`
      : spec.predicate
        ? `a partial B-tree on (${keys}) holding only rows where ${spec.predicate}`
        : `a B-tree on (${keys})${spec.include.length ? ` including ${spec.include.join(', ')} for index-only scans` : ''}`;
  return {
    ...spec,
    name,
    ddl: createIndexDdl(spec, name),
    serves,
    estimatedGain: { costReduction: round(choice.gain), share: round(choice.share * 10000) / 10000 },
    estimatedSizeBytes: sizeBytes,
    writeCost,
    reason: `${why} serves ${labels.join(', ')}: estimated cost ${serves.map((s) => `${s.costBefore} → ${s.costAfter}`).join(', ')}, ${(choice.share * 100).toFixed(1)}% of the workload's estimated cost.`,
  };
}
