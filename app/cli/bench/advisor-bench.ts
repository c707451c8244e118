import pg from 'pg';
import { analyzeWorkload } from '../../../main/advisor/index.ts';
import type { BenchCell, BenchResult } from './bench-result.ts';
import { autoAdminSelection } from './tpch/autoadmin-peer.ts';
import { db2advisSelection } from './tpch/db2advis-peer.ts';
import { dropSelection } from './tpch/drop-peer.ts';
import { DTA_MAX_CONFIGURATIONS, dtaAnytimeSelection } from './tpch/dta-anytime-peer.ts';
import { extendSelection } from './tpch/extend-peer.ts';
import { referencedColumns } from './tpch/query-columns.ts';
import { relaxationSelection } from './tpch/relaxation-peer.ts';
import { runForStatStatements } from './tpch/stat-statements-run.ts';
import { ensureTpchDatabase, tpchDatabaseName } from './tpch/tpch-loader.ts';
import { TPCH_DEFAULT_SEED } from './tpch/tpch-schema.ts';
import { STUDY_QUERY_NUMBERS, tpchQueries, type TpchQuery } from './tpch/tpch-queries.ts';
import { WhatIfCoster, describeIndex, type CostedQuery, type WhatIfIndex } from './tpch/what-if-cost.ts';

/**
 * `bench advisor`: Hotpath's index selection on TPC-H against the index-selection study's yardstick (Kossmann et
 * al., VLDB 2020): the 19 queries, no indexes at the start, relative workload cost = Σ EXPLAIN total cost with the
 * chosen indexes (HypoPG) ÷ Σ without, weight 1 each, at storage budgets of 50, 100, 200 and 500 MB per GB of data
 * (scale factor 1 ≈ 1 GB) and at Hotpath's default budget. Every configuration is costed by the bench itself
 * (what-if-cost.ts), never by the figures the advisor reports. Beside it: Extend, the study's best algorithm on
 * TPC-H, as we implemented it (tpch/extend-peer.ts), and more of the study's algorithms as we implemented them, Drop
 * (tpch/drop-peer.ts), DB2Advis (tpch/db2advis-peer.ts), a simplified AutoAdmin (tpch/autoadmin-peer.ts), Relaxation
 * (tpch/relaxation-peer.ts) and DTA-anytime (tpch/dta-anytime-peer.ts), all on the same queries and cost model, and
 * the figures the study's own platform gave at scale factor 1 (the field notes).
 */

export interface AdvisorBenchOptions {
  /** A server URL (its database part is ignored): the bench creates and owns `hotpath_bench_tpch_sf<scale>`. */
  pgUrl: string;
  scale: number;
  seed?: number;
  /** Also run the queries and analyze from pg_stat_statements alone (needs it preloaded on the server). */
  fromStatStatements?: boolean;
  /** statement_timeout for the queries actually run in that mode. */
  statementTimeoutSeconds?: number;
}

/** Budgets in MB (10^6 bytes, as the study's platform counts) per GB of data. */
const BUDGETS_MB_PER_GB = [50, 100, 200, 500] as const;

/** Extend's relative cost measured with the study's own platform at scale factor 1 (field notes), by budget in MB. */
const STUDY_EXTEND_SF1: Record<number, number> = { 50: 0.971, 100: 0.946, 200: 0.658, 500: 0.557, 1250: 0.498 };

interface Contender {
  relativeCost: number;
  indexes: string[];
  sizeBytes: number;
  /** Each query's cost with the indexes ÷ without (JSON only: where the difference between contenders comes from). */
  perQuery: Record<string, number>;
}

/** A peer's choice at the budget it was given. */
type Peer = Contender & { budgetBytes: number; seconds: number };

interface BudgetRow {
  budget: string;
  budgetBytes: number | null;
  hotpath: Contender & { claimedSizeBytes: number; seconds: number };
  extend: Peer;
  drop: Peer;
  db2advis: Peer;
  autoAdmin: Peer;
  relaxation: Peer;
  dtaAnytime: Peer;
  studyExtend: number | null;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function megabytes(bytes: number): number {
  return Math.round(bytes / 1e5) / 10;
}

async function costedQueries(queries: readonly TpchQuery[]): Promise<CostedQuery[]> {
  const costed: CostedQuery[] = [];
  for (const query of queries) costed.push({ name: `Q${query.number}`, sql: query.sql, columns: await referencedColumns(query.sql) });
  return costed;
}

export async function advisorBench(options: AdvisorBenchOptions): Promise<BenchResult> {
  const progress = (message: string) => process.stderr.write(`${message}\n`);
  const seed = options.seed ?? TPCH_DEFAULT_SEED;
  const database = tpchDatabaseName(options.scale);
  const load = await ensureTpchDatabase(options.pgUrl, database, { scale: options.scale, seed, onProgress: progress });
  progress(load.loaded ? `Loaded in ${load.seconds.toFixed(0)} s.` : `Reusing ${database} (scale ${options.scale}, seed ${seed}).`);
  const queries = tpchQueries({ scale: options.scale, seed });
  const client = new pg.Client({ connectionString: load.url, application_name: 'hotpath-bench-advisor' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'`);
    if (rowCount === 0) throw new Error('bench advisor needs HypoPG on the server (e.g. apt-get install postgresql-15-hypopg).');
    await client.query('CREATE EXTENSION IF NOT EXISTS hypopg');
    const coster = new WhatIfCoster(client, await costedQueries(queries));
    const baseline = await coster.measure([]);
    const base = baseline.total;
    const measure = async (indexes: readonly WhatIfIndex[]): Promise<Contender> => {
      const measured = await coster.measure(indexes);
      return {
        relativeCost: round3(measured.total / base),
        indexes: indexes.map(describeIndex),
        sizeBytes: await coster.totalSizeBytes(indexes),
        perQuery: Object.fromEntries(coster.queries.map((q, i) => [q.name, round3(measured.perQuery[i]! / baseline.perQuery[i]!)])),
      };
    };
    const templates = queries.map((query) => ({ name: `Q${query.number}`, sql: query.sql, weight: 1 }));
    const runHotpath = async (budgetBytes: number | null) => {
      const started = performance.now();
      const report = await analyzeWorkload({
        pg: { connectionString: load.url },
        templates,
        useStatStatements: false,
        ...(budgetBytes === null ? {} : { budgetBytes }),
      });
      const seconds = (performance.now() - started) / 1000;
      const claimedSizeBytes = report.proposals.reduce((sum, p) => sum + p.estimatedSizeBytes, 0);
      return { report, result: { ...(await measure(report.proposals)), claimedSizeBytes, seconds } };
    };
    const runPeer = async (budgetBytes: number, select: () => Promise<{ indexes: WhatIfIndex[] }>): Promise<Peer> => {
      const started = performance.now();
      const chosen = await select();
      return { ...(await measure(chosen.indexes)), budgetBytes, seconds: (performance.now() - started) / 1000 };
    };
    const runPeers = async (budgetBytes: number) => {
      progress(`Budget ${megabytes(budgetBytes)} MB: Extend (ours)…`);
      const extend = await runPeer(budgetBytes, () => extendSelection(coster, { budgetBytes }));
      progress(`Budget ${megabytes(budgetBytes)} MB: Drop (ours)…`);
      const drop = await runPeer(budgetBytes, () => dropSelection(coster, { budgetBytes }));
      progress(`Budget ${megabytes(budgetBytes)} MB: DB2Advis (ours)…`);
      const db2advis = await runPeer(budgetBytes, () => db2advisSelection(client, coster, { budgetBytes }));
      progress(`Budget ${megabytes(budgetBytes)} MB: AutoAdmin (ours, simplified)…`);
      const autoAdmin = await runPeer(budgetBytes, () => autoAdminSelection(coster, { budgetBytes }));
      progress(`Budget ${megabytes(budgetBytes)} MB: Relaxation (ours)…`);
      const relaxation = await runPeer(budgetBytes, () => relaxationSelection(client, coster, { budgetBytes }));
      progress(`Budget ${megabytes(budgetBytes)} MB: DTA-anytime (ours)…`);
      const dtaAnytime = await runPeer(budgetBytes, () => dtaAnytimeSelection(client, coster, { budgetBytes }));
      return { extend, drop, db2advis, autoAdmin, relaxation, dtaAnytime };
    };

    const rows: BudgetRow[] = [];
    let coverage: { analyzed: number; skipped: { query: string; reason: string }[] } | null = null;
    for (const perGb of BUDGETS_MB_PER_GB) {
      const budgetBytes = Math.round(perGb * options.scale * 1e6);
      progress(`Budget ${megabytes(budgetBytes)} MB: Hotpath…`);
      const hotpath = await runHotpath(budgetBytes);
      coverage ??= { analyzed: hotpath.report.statements.length, skipped: hotpath.report.skipped };
      rows.push({
        budget: `${megabytes(budgetBytes)} MB`,
        budgetBytes,
        hotpath: hotpath.result,
        ...(await runPeers(budgetBytes)),
        studyExtend: options.scale === 1 ? (STUDY_EXTEND_SF1[perGb] ?? null) : null,
      });
    }
    progress('Hotpath at its default budget…');
    const byDefault = await runHotpath(null);
    // The peers get the storage Hotpath's default choice takes, so all compare at one size.
    const sameSize = Math.max(byDefault.result.sizeBytes, 1);
    const peersAtSize = await runPeers(sameSize);
    const studyAtDefault = options.scale === 1 ? nearestStudyFigure(sameSize) : null;
    rows.push({
      budget: 'Hotpath default',
      budgetBytes: null,
      hotpath: byDefault.result,
      ...peersAtSize,
      studyExtend: studyAtDefault?.cost ?? null,
    });

    const statStatements = options.fromStatStatements
      ? await fromStatStatements(load.url, queries, options.statementTimeoutSeconds ?? 120 * Math.max(1, options.scale), measure, progress)
      : null;

    return result(options, {
      database,
      seed,
      load,
      base,
      rows,
      coverage: coverage!,
      statStatements,
      studyAtDefault,
      explains: coster.explains,
    });
  } finally {
    await client.query('SELECT hypopg_reset()').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** The study's figure at the budget nearest to `bytes`, when one is within a fifth of it. */
function nearestStudyFigure(bytes: number): { budgetMb: number; cost: number } | null {
  const mb = bytes / 1e6;
  const [budgetMb, cost] = Object.entries(STUDY_EXTEND_SF1)
    .map(([budget, value]) => [Number(budget), value] as const)
    .sort((a, b) => Math.abs(a[0] - mb) - Math.abs(b[0] - mb))[0]!;
  return Math.abs(budgetMb - mb) <= mb / 5 ? { budgetMb, cost } : null;
}

interface StatStatementsOutcome {
  ran: boolean;
  reason?: string;
  analyzed?: number[];
  notAnalyzed?: { number: number; reason: string }[];
  failed?: { number: number; error: string }[];
  rerunWithoutNestedLoops?: number[];
  runSeconds?: number;
  hotpath?: Contender;
}

async function fromStatStatements(
  url: string,
  queries: readonly TpchQuery[],
  timeoutSeconds: number,
  measure: (indexes: readonly WhatIfIndex[]) => Promise<Contender>,
  progress: (message: string) => void,
): Promise<StatStatementsOutcome> {
  progress('Running the 19 queries for pg_stat_statements…');
  const run = await runForStatStatements(url, queries, timeoutSeconds, progress);
  if (!run.ran) {
    progress(`Skipping --from-stat-statements: ${run.reason}`);
    return { ran: false, reason: run.reason };
  }
  progress('Hotpath from pg_stat_statements alone, default budget…');
  const report = await analyzeWorkload({ pg: { connectionString: url }, useStatStatements: true, maxStatements: 100 });
  const analyzedIds = new Set(report.statements.map((s) => s.queryId).filter((id) => id !== null));
  const analyzed: number[] = [];
  const notAnalyzed: { number: number; reason: string }[] = [];
  for (const query of queries) {
    const entries = run.entries.get(query.number) ?? [];
    if (entries.some((entry) => analyzedIds.has(entry.id))) analyzed.push(query.number);
    else {
      // The advisor reports a skipped statement by its text after its repairs (`date $1` → `$1::date`), without a
      // queryid: the text before the first placeholder, which repairs leave alone, identifies it.
      const heads = new Set(entries.map((entry) => textBeforePlaceholders(entry.query)));
      const reasons = report.skipped.filter((s) => heads.has(textBeforePlaceholders(s.query))).map((s) => s.reason);
      const reason =
        reasons.length > 0 ? reasons.join('; ') : entries.length === 0 ? 'not in pg_stat_statements' : 'not analyzed, no reason given';
      notAnalyzed.push({ number: query.number, reason });
    }
  }
  return {
    ran: true,
    analyzed,
    notAnalyzed,
    failed: run.failed,
    rerunWithoutNestedLoops: run.rerunWithoutNestedLoops,
    runSeconds: run.seconds,
    hotpath: await measure(report.proposals),
  };
}

function textBeforePlaceholders(sql: string): string {
  const at = sql.indexOf('$');
  return at < 0 ? sql : sql.slice(0, at);
}

interface Outcome {
  database: string;
  seed: number;
  load: { loaded: boolean; seconds: number };
  base: number;
  rows: BudgetRow[];
  coverage: { analyzed: number; skipped: { query: string; reason: string }[] };
  statStatements: StatStatementsOutcome | null;
  studyAtDefault: { budgetMb: number; cost: number } | null;
  explains: number;
}

function result(options: AdvisorBenchOptions, outcome: Outcome): BenchResult {
  // One relative cost per contender; indexes and sizes are in the JSON (and Hotpath's size here, as the only
  // contender that may exceed the budget and the one that sets the default row's).
  const columns = [
    'budget',
    'Hotpath',
    'Hotpath MB',
    'Extend (ours)',
    'Drop (ours)',
    'DB2Advis (ours)',
    'AutoAdmin (ours)',
    'Relaxation (ours)',
    'DTA-anytime (ours)',
    'Extend (study, SF 1)',
  ];
  const rows: Record<string, BenchCell>[] = outcome.rows.map((row) => ({
    budget: row.budget,
    Hotpath: row.hotpath.relativeCost,
    'Hotpath MB': megabytes(row.hotpath.sizeBytes),
    'Extend (ours)': row.extend.relativeCost,
    'Drop (ours)': row.drop.relativeCost,
    'DB2Advis (ours)': row.db2advis.relativeCost,
    'AutoAdmin (ours)': row.autoAdmin.relativeCost,
    'Relaxation (ours)': row.relaxation.relativeCost,
    'DTA-anytime (ours)': row.dtaAnytime.relativeCost,
    'Extend (study, SF 1)': row.studyExtend === null ? '' : String(row.studyExtend),
  }));
  const notes: string[] = [
    `TPC-H scale ${options.scale} (seed ${outcome.seed}) in ${outcome.database}${outcome.load.loaded ? `, loaded in ${outcome.load.seconds.toFixed(0)} s` : ''}; 19 queries (Q1–Q22 without Q2, Q17, Q20), weight 1; relative cost = Σ EXPLAIN total cost with the indexes as HypoPG hypothetical indexes ÷ Σ without (${outcome.base.toFixed(0)}), costed by the bench; sizes are HypoPG's estimates; MB = 10^6 bytes.`,
    `Hotpath analyzed ${outcome.coverage.analyzed} of ${STUDY_QUERY_NUMBERS.length} queries given as templates${outcome.coverage.skipped.length ? `; skipped: ${outcome.coverage.skipped.map((s) => `${firstWords(s.query)} (${s.reason})`).join('; ')}` : ''}.`,
    `Columns are relative costs (lower is better). Peers, ours after the study's descriptions, width ≤ 2: Extend; Drop (every single-column candidate, removing the index whose removal raises the cost least until the budget fits); DB2Advis (per query all candidates at once, the plan's indexes credited with its cost reduction, summed, taken by benefit per byte; without the original's random-swap phase); AutoAdmin, simplified (per query its one best index of width ≤ 2, then greedy additions by workload cost within the budget; not the original's per-query configurations and widening iterations); Relaxation (from the indexes each query's plan uses with all its candidates, the transformation, splitting, merging, prefixing or removal, that adds least cost per byte freed, until the budget fits; one path without backtracking, as the study's, so at a small budget it may end with no index); DTA-anytime (those indexes and their pairwise merges as candidates, a greedy enumeration from each one alone and from none, the best kept; at most ${DTA_MAX_CONFIGURATIONS} configurations costed where the study gives it a time budget). Indexes and sizes per contender are in --json.`,
    `"Hotpath default" row: Hotpath without a budget; the peers there are given the size Hotpath's choice takes${outcome.studyAtDefault ? `; the study's figure is its Extend at ${outcome.studyAtDefault.budgetMb} MB` : ''}.`,
  ];
  for (const row of outcome.rows) {
    if (row.budgetBytes !== null && row.hotpath.sizeBytes > row.budgetBytes) {
      notes.push(`At ${row.budget} Hotpath chose ${megabytes(row.hotpath.sizeBytes)} MB: over the budget.`);
    }
  }
  if (options.scale !== 1) notes.push("The study's figures are for scale factor 1 only.");
  const ss = outcome.statStatements;
  if (ss && !ss.ran) notes.push(`--from-stat-statements skipped: ${ss.reason}.`);
  if (ss?.ran) {
    notes.push(
      `From pg_stat_statements alone: ${ss.analyzed!.length} of ${STUDY_QUERY_NUMBERS.length} queries analyzed` +
        (ss.notAnalyzed!.length ? ` (not: ${ss.notAnalyzed!.map((n) => `Q${n.number}: ${n.reason}`).join('; ')})` : '') +
        `; relative cost at the default budget ${ss.hotpath!.relativeCost}, ${ss.hotpath!.indexes.length} indexes, ${megabytes(ss.hotpath!.sizeBytes)} MB` +
        (ss.failed!.length ? `; queries that failed to run: ${ss.failed!.map((f) => `Q${f.number} (${f.error})`).join('; ')}` : '') +
        (ss.rerunWithoutNestedLoops!.length
          ? `; run again with nested loops off after the statement timeout: ${ss.rerunWithoutNestedLoops!.map((n) => `Q${n}`).join(', ')}`
          : '') +
        '.',
    );
  }
  return {
    suite: 'advisor',
    title: `Index advisor on TPC-H scale ${options.scale}: relative workload cost (lower is better) by storage budget`,
    columns,
    rows,
    command: `npm run bench -- advisor --scale ${options.scale}${options.fromStatStatements ? ' --from-stat-statements' : ''}`,
    notes,
    json: {
      scale: options.scale,
      seed: outcome.seed,
      database: outcome.database,
      loadSeconds: outcome.load.loaded ? round3(outcome.load.seconds) : null,
      baseCost: outcome.base,
      budgets: outcome.rows,
      analyzed: outcome.coverage.analyzed,
      skipped: outcome.coverage.skipped,
      fromStatStatements: outcome.statStatements,
      explains: outcome.explains,
    },
  };
}

function firstWords(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}
