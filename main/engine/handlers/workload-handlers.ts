import { ContractError } from '../../contract/api.ts';
import type { SeedReportPayload } from '../../contract/commands.ts';
import type { EngineStatus } from '../../contract/status.ts';
import { describeSeedProgress, seedDemoData } from '../../demo/index.ts';
import { WorkloadSession } from '../workload-session.ts';
import { workloadReads } from '../replica-pools.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type WorkloadCommands = 'demo.seed' | 'workload.start' | 'workload.stop' | 'workload.setRate' | 'telemetry.history';

export function workloadHandlers(ctx: EngineContext): HandlerGroup<WorkloadCommands> {
  // workload.start and workload.stop run one after another, in the order they arrived: each sees the workload the
  // previous one left, so overlapping starts replace one another instead of racing for the swap.
  let last: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const turn = last.then(work, work);
    last = turn.catch(() => undefined);
    return turn;
  };
  return {
    'demo.seed': async (p) => seed(ctx, p.chunks, p.force ?? false),
    'workload.start': async (p) => inTurn(() => startWorkload(ctx, p.profile, p.rate)),
    'workload.stop': async () =>
      inTurn(async () => {
        await ctx.replaceWorkload(null);
        return ctx.status();
      }),
    'workload.setRate': async (p) => {
      const workload = ctx.workload();
      if (!workload) throw new ContractError('no-workload', 'No workload is running.', 'Start one first.');
      workload.runner.setRate(p.rate);
      return ctx.changed();
    },
    'telemetry.history': async (p) => ctx.history.recent(p.seconds),
  };
}

async function seed(ctx: EngineContext, chunks: number, force: boolean): Promise<SeedReportPayload> {
  const { admin, stack, cache } = ctx.requireReady();
  if (ctx.readOnly && stack.kind !== 'local') {
    // Seeding creates a schema and tables and truncates them on --force: DDL, which read-only mode never sends to
    // a database of yours. The local demo stack is Hotpath's own (it created the whole cluster), so it is seeded.
    throw new ContractError(
      'read-only',
      'Hotpath is in read-only mode, so it will not seed the demo data (that creates a schema and tables).',
      'Seed from a Hotpath started without --read-only, or load the demo data yourself; read-only mode only reads.',
    );
  }
  ctx.setPhase('seeding');
  try {
    const report = await seedDemoData(admin, {
      chunks,
      force,
      signal: ctx.stopping,
      // Seeding is background work: it waits while the memory manager has paused it.
      batch: { gate: ctx.background },
      onProgress: (p) =>
        ctx.events.emit('task.progress', { task: 'seed', phase: p.phase, message: describeSeedProgress(p), done: p.done, total: p.total }),
    });
    if (!report.reused && cache) {
      // The demo rows were rewritten: cached results of them are stale here, in the shared tiers and in the L1 of every
      // other Hotpath on this database (a flush of everything reaches those through the invalidation bus).
      const flushed = await cache.flush('all');
      if (!flushed.complete)
        ctx.log('warn', 'The demo data changed but a cache tier could not be flushed: flush the cache once it is back.');
    }
    ctx.log(
      'info',
      report.reused
        ? `Demo data re-used: ${report.chunks.toLocaleString('en')} chunks.`
        : `Seeded ${report.chunks.toLocaleString('en')} chunks and ${report.edges.toLocaleString('en')} edges in ${(report.elapsedMs / 1000).toFixed(1)} s.`,
    );
    return { chunks: report.chunks, edges: report.edges, reused: report.reused, elapsedMs: report.elapsedMs };
  } finally {
    if (!ctx.stopping.aborted) ctx.setPhase('ready');
  }
}

async function startWorkload(ctx: EngineContext, profile: string, rate: number | undefined): Promise<EngineStatus> {
  const { pool, replicas, cache, planner, replicaPolicy, replicaMaxLagSeconds } = ctx.requireReady();
  // The new workload is loaded, validated and planned while the old one keeps running: a bad profile is
  // refused with the old workload intact, and only a session that opened replaces it.
  const session = await WorkloadSession.open({
    pool,
    // The templates are read-only: with read replicas they go there (by the policy), the rest stays on the primary.
    // The policy is the stack's: its connection's own (a profile, stack.connect) or the engine's start-up one.
    ...(replicas.length > 0 ? { reads: workloadReads(pool, replicas, replicaPolicy, replicaMaxLagSeconds) } : {}),
    profile,
    hybrid: (templates, seed) => planner.hybridTarget(templates, seed),
    ...(cache ? { cache } : {}),
    ...(rate === undefined ? {} : { rate }),
    ...(ctx.workloadSeed === undefined ? {} : { seed: ctx.workloadSeed }),
  });
  if (ctx.connected()?.pool !== pool) {
    // The stack changed while the profile was being prepared: this session belongs to a pool that is gone.
    await session.close();
    throw new ContractError('stack-changed', 'The stack changed while the workload was being prepared.', 'Start the workload again.');
  }
  await ctx.replaceWorkload(session);
  if (ctx.workload() !== session) {
    // The stack was let go while the old workload stopped: that closed this session too.
    throw new ContractError('stack-changed', 'The stack changed while the workload was being started.', 'Start the workload again.');
  }
  session.runner.start();
  ctx.log('info', `Workload "${session.profile.name}" started at ${session.runner.targetRate} requests/s.`);
  return ctx.changed();
}
