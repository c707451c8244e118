import { ContractError } from '../../../main/contract/api.ts';
import type { LatencyByTemplate, OptimizePlanPayload, OptimizeResultPayload } from '../../../main/contract/advisor.ts';
import { Engine } from '../../../main/engine/index.ts';
import { stepsExit } from '../exit-codes.ts';
import { printProgress } from '../progress-printer.ts';
import { onShutdownSignal } from '../shutdown-signals.ts';
import { onFatalError } from '../fatal-errors.ts';
import { connectWithPasswords, takeEnvironmentPasswords, type PasswordFlags } from '../password-options.ts';
import { DEFAULT_DEMO_CHUNKS } from '../stack-flag-defaults.ts';
import { parsePgUrl } from '../../../main/stack/index.ts';
import { workloadInputs, type WorkloadInputFlags } from './optimize-inputs.ts';

export interface OptimizeOptions extends PasswordFlags, WorkloadInputFlags {
  pg?: string;
  local?: boolean;
  dataDir: string;
  /** Run this workload while optimizing, to measure before and after (e.g. `demo`). */
  workload?: string;
  rate?: number;
  /** Seconds the workload runs before the plan is made (its "before" window). */
  warmup: number;
  /** Seconds the workload runs on the result before "after" is read (the last MEASUREMENT_WINDOW_S count); default the engine's. */
  settle?: number;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * `hotpath optimize`: the console's Optimize as a command. Prints the plan (the advisor's proposals with their
 * DDL and estimated gains, the other steps, findings on existing indexes), and without --dry-run applies it with
 * progress and prints before/after. With --workload it runs that workload meanwhile so that before/after is
 * measured on live traffic; without, before/after needs a workload and is reported as not measured.
 */
export async function optimize(options: OptimizeOptions): Promise<void> {
  if (!options.pg && !options.local)
    throw new ContractError('bad-arguments', 'optimize needs a database.', 'Add --pg postgres://… (or --local for the demo stack).');
  if (options.pg && options.local) throw new ContractError('bad-arguments', 'Choose either --local or --pg, not both.');
  // Files are read before anything connects: a missing file or a parse error stops here, with its place.
  const inputs = await workloadInputs(options, (line) => process.stderr.write(`${line}\n`), logDatabase(options.pg));
  // PGPASSWORD belongs to --pg, as with psql (see takeEnvironmentPasswords).
  const environmentPasswords = takeEnvironmentPasswords();
  // A dry run on your database is read-only from the first connect: not even CREATE EXTENSION pg_stat_statements or
  // a build's ownership marker. The local demo stack is Hotpath's own, and it is seeded (DDL) before anything runs.
  const engine = new Engine({
    dataDir: options.dataDir,
    cache: false,
    ...(options.settle === undefined ? {} : { settleMs: options.settle * 1000 }),
    ...(options.dryRun && options.pg ? { readOnly: true } : {}),
  });
  const stopPrinting = options.json ? () => undefined : printProgress(engine);
  // Interrupted, optimize has not done what it was asked: a clean stop still exits 128 + the signal's number.
  onShutdownSignal(() => engine.stop(), { interruptedIsFailure: true });
  onFatalError(() => engine.stop());
  try {
    if (options.local) await engine.call('stack.startLocal', { dataDir: options.dataDir, redis: 'off' });
    else await connectWithPasswords(engine, options, environmentPasswords);
    if (options.local) await engine.call('demo.seed', { chunks: DEFAULT_DEMO_CHUNKS });
    if (options.workload) {
      await engine.call('workload.start', { profile: options.workload, ...(options.rate === undefined ? {} : { rate: options.rate }) });
      process.stderr.write(`Running the ${options.workload} workload for ${options.warmup} s to measure "before"…\n`);
      await new Promise((resolve) => setTimeout(resolve, options.warmup * 1000));
    }
    if (options.json && options.sampleActivity !== undefined) {
      process.stderr.write(`Sampling pg_stat_activity for ${options.sampleActivity} s…\n`);
    }
    const plan = await engine.call('optimize.plan', inputs);
    const result =
      options.dryRun || plan.steps.length === 0 ? null : await engine.call('optimize.apply', { planId: plan.id, confirm: true });
    process.stdout.write(
      options.json ? `${JSON.stringify(toJson(plan, result), null, 2)}\n` : formatText(plan, result, options.dryRun === true),
    );
    const exit = stepsExit(result?.steps ?? []);
    if (exit.summary) process.stderr.write(`hotpath optimize: ${exit.summary}\n`);
    process.exitCode = exit.code;
  } finally {
    stopPrinting();
    await engine.stop();
  }
}

/** The --pg database, whose statements a csvlog or jsonlog keeps apart from other databases'; none for --local. */
function logDatabase(pgUrl: string | undefined): string | undefined {
  if (pgUrl === undefined) return undefined;
  try {
    return parsePgUrl(pgUrl).config.database ?? undefined;
  } catch {
    // A URL that does not parse fails with its own message when the engine connects.
    return undefined;
  }
}

/** The JSON the README documents: `proposals` (table, columns in order, method, predicate, ddl, …), then the rest. */
export function toJson(plan: OptimizePlanPayload, result: OptimizeResultPayload | null) {
  const { advisor } = plan;
  return {
    method: advisor.method,
    methodNote: advisor.methodNote,
    statements: advisor.statements,
    proposals: advisor.proposals.map((p) => ({
      name: p.name,
      schema: p.schema,
      table: p.table,
      columns: p.columns.map((c) => c.name),
      directions: p.columns.map((c) => c.direction),
      include: p.include,
      method: p.method,
      predicate: p.predicate,
      ddl: p.ddl,
      serves: p.serves.map((s) => s.template ?? s.query),
      estimatedGain: p.estimatedGain,
      estimatedSizeBytes: p.estimatedSizeBytes,
      writeCost: p.writeCost,
      reason: p.reason,
    })),
    findings: advisor.findings,
    /** The storage the proposals could take together (bytes), where it came from, and what they take. */
    budget: advisor.budget,
    /** Statements not analyzed, each with why (e.g. another role's, which Hotpath may not plan as that role). */
    skipped: advisor.skipped,
    steps: plan.steps,
    notes: plan.notes,
    applied: result ? result.steps : null,
    before: result?.before ?? plan.before,
    after: result?.after ?? null,
  };
}

function formatLatency(before: LatencyByTemplate | null, after: LatencyByTemplate | null): string[] {
  if (!before) return ['  (no workload ran: start one with --workload demo to measure before/after)'];
  const templates = Object.keys(before);
  const width = Math.max(...templates.map((t) => t.length), 8);
  return templates.map((t) => {
    const b = before[t]!;
    const a = after?.[t];
    const change = a === undefined ? '' : `  ${(b / Math.max(a, 0.001)).toFixed(1)}× faster`;
    return `  ${t.padEnd(width)}  p95 ${b.toFixed(2)} ms${a === undefined ? '' : ` → ${a.toFixed(2)} ms${change}`}`;
  });
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

function formatText(plan: OptimizePlanPayload, result: OptimizeResultPayload | null, dryRun: boolean): string {
  const { advisor } = plan;
  const lines = [
    `Index advisor: ${advisor.statements} statements, ${advisor.method === 'hypopg' ? 'what-if costs from HypoPG' : 'estimated costs (no HypoPG)'}.`,
    `Storage budget: ${megabytes(advisor.budget.bytes)}${advisor.budget.source === 'default' ? " (half the database's size; --budget sets it)" : ''}; the proposals take ${megabytes(advisor.budget.proposedBytes)}.`,
  ];
  lines.push('', plan.steps.length === 0 ? 'Nothing to do.' : `Plan (${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}):`);
  for (const [i, step] of plan.steps.entries()) {
    lines.push(`  ${i + 1}. ${step.title}`, `     ${step.estimatedGain}`);
    if (step.ddl) lines.push(`     ${step.ddl};`);
  }
  for (const note of plan.notes) lines.push(`  Note: ${note}`);
  if (advisor.findings.length > 0) {
    lines.push('', 'Existing indexes worth a look (not changed):');
    for (const f of advisor.findings) lines.push(`  ${f.kind}: ${f.schema}.${f.index} on ${f.table}: ${f.detail}`, `     ${f.dropDdl};`);
  }
  if (advisor.skipped.length > 0) {
    lines.push('', `Not analyzed (${advisor.skipped.length}):`);
    for (const s of advisor.skipped.slice(0, 10)) lines.push(`  ${s.query.replace(/\s+/g, ' ').slice(0, 100)}`, `     ${s.reason}`);
    if (advisor.skipped.length > 10) lines.push(`  … and ${advisor.skipped.length - 10} more (--json lists them all).`);
  }
  if (result) {
    lines.push('', 'Applied:');
    for (const step of result.steps) lines.push(`  ${step.status.padEnd(9)} ${step.id}: ${step.message}`);
  } else if (dryRun && plan.steps.length > 0) {
    lines.push('', 'Dry run: nothing was changed. Run without --dry-run to apply.');
  }
  lines.push(
    '',
    result ? `Latency (p95 per template, ${result.windowSeconds} s of live traffic before and after):` : 'Latency now (p95 per template):',
  );
  lines.push(...formatLatency(result?.before ?? plan.before, result?.after ?? null));
  return `${lines.join('\n')}\n`;
}
