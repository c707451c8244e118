import os from 'node:os';
import path from 'node:path';
import { ContractError } from '../../main/contract/api.ts';
import type { Engine, EngineOptions } from '../../main/engine/index.ts';
import { parseMemoryBudget } from '../../main/memory/index.ts';
import type { ReplicaPolicy } from '../../main/pool/index.ts';
import { cacheSettings, type CacheFlags } from './cache-options.ts';
import { checkReplicaFlags } from './replica-options.ts';
import { connectWithPasswords, type EnvironmentPasswords, type PasswordFlags } from './password-options.ts';
import { checkRedisTopologyFlags, redisUrlOfFlags, type RedisTopologyFlags } from './redis-topology-options.ts';

/**
 * The stack and workload options `serve` and `start` share (app/cli/main.ts declares them once for both), and
 * what both hosts do with them: the headless server (`serve`) and the desktop window (`start`, in Electron's
 * main process, which receives them from the CLI as desktop-options.ts encodes them).
 */
export interface StackFlags extends CacheFlags, PasswordFlags, RedisTopologyFlags {
  /** e.g. "512MiB"; parsed by parseMemoryBudget. */
  memoryBudget?: string;
  readOnly?: boolean;
  local?: boolean;
  dataDir: string;
  workload?: string;
  rate?: number;
  chunks: number;
  seed?: boolean;
  /** false with --no-local-redis */
  localRedis: boolean;
  poolSize?: number;
  /** --replica-policy: how the workload's reads are spread over the --pg-replica servers. */
  replicaPolicy?: ReplicaPolicy;
  /** --replica-max-lag: lag-bounded's bound, in seconds. */
  replicaMaxLag?: number;
}

/** Combinations that cannot work, refused before anything starts. */
export function checkStackFlags(flags: StackFlags): void {
  if (flags.local && flags.pg) throw new ContractError('bad-arguments', 'Choose either --local or --pg, not both.');
  checkRedisTopologyFlags(flags);
  checkReplicaFlags(flags);
  if (!flags.local && !flags.pg && (flags.workload || flags.seed)) {
    throw new ContractError(
      'bad-arguments',
      `${flags.workload ? '--workload' : '--seed'} needs a stack.`,
      'Add --local (the demo stack) or --pg URL.',
    );
  }
  if (flags.readOnly && flags.pg && flags.seed) {
    throw new ContractError(
      'bad-arguments',
      '--seed cannot be combined with --read-only: seeding creates a schema and tables in your database.',
      'Drop --read-only to seed, or drop --seed to only read.',
    );
  }
}

/** The engine settings the flags make; the host adds its own (host, cipher, password sources). */
export function engineSettings(
  flags: StackFlags,
): Pick<
  EngineOptions,
  'dataDir' | 'workloadPoolSize' | 'cache' | 'memoryBudgetBytes' | 'readOnly' | 'replicaPolicy' | 'replicaMaxLagSeconds'
> {
  return {
    dataDir: flags.dataDir,
    ...(flags.poolSize === undefined ? {} : { workloadPoolSize: flags.poolSize }),
    cache: cacheSettings(flags),
    ...(flags.memoryBudget === undefined
      ? {}
      : { memoryBudgetBytes: parseMemoryBudget(flags.memoryBudget, { machineTotalBytes: os.totalmem() }) }),
    ...(flags.readOnly ? { readOnly: true } : {}),
    ...(flags.replicaPolicy === undefined ? {} : { replicaPolicy: flags.replicaPolicy }),
    ...(flags.replicaMaxLag === undefined ? {} : { replicaMaxLagSeconds: flags.replicaMaxLag }),
  };
}

/**
 * Connects to --pg (with the passwords from its files, the environment, the password file, or psql's prompt) or
 * starts the local demo stack; seeds where asked (the local stack always); starts --workload. Does nothing
 * without --local or --pg: the console then offers the choice. `say` gets one line per milestone.
 */
export async function bringUpStack(
  engine: Pick<Engine, 'call' | 'status'>,
  flags: StackFlags,
  environmentPasswords: EnvironmentPasswords,
  say: (line: string) => void,
): Promise<'connected' | 'not-connected'> {
  if (!flags.local && !flags.pg) return 'not-connected';
  if (flags.pg) {
    // --redis-sentinels/--redis-master or --redis-cluster as the one Redis URL the password sources then complete.
    const redis = redisUrlOfFlags(flags);
    await connectWithPasswords(engine, redis === undefined ? flags : { ...flags, redis }, environmentPasswords);
  } else {
    await engine.call('stack.startLocal', { dataDir: flags.dataDir, redis: flags.localRedis ? 'auto' : 'off' });
  }
  const stack = engine.status().stack!;
  say(
    `Connected to ${stack.pgDisplayUrl} (PostgreSQL ${Math.floor(stack.serverVersion / 10000)})${stack.redisUrl ? `, Redis ${stack.redisUrl}` : ', no Redis'}`,
  );
  for (const replica of stack.replicas ?? [])
    say(`Read replica ${replica.name}: ${replica.displayUrl} (the workload's reads go to the replicas)`);
  // The local stack seeds itself; a database of yours only when asked to.
  if (!flags.pg || flags.seed) await engine.call('demo.seed', { chunks: flags.chunks });
  if (flags.workload) {
    const profile = flags.workload === 'demo' ? 'demo' : path.resolve(flags.workload);
    await engine.call('workload.start', flags.rate === undefined ? { profile } : { profile, rate: flags.rate });
  }
  return 'connected';
}
