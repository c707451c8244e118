import { z } from 'zod';
import { REPLICA_POLICIES } from '../../main/pool/index.ts';
import type { StackFlags } from './stack-startup.ts';
import { DEFAULT_CACHE_L1_MIB, DEFAULT_DEMO_CHUNKS } from './stack-flag-defaults.ts';

/**
 * How `hotpath start` hands its stack options (--pg, --local, --workload, …) to Electron's main process: one JSON
 * object in an environment variable. Not on Electron's command line: Chromium reads switches from it, and
 * anything there (a connection string with a password) is readable by every local user in /proc/<pid>/cmdline,
 * while the environment is readable by the same user only. Password files travel as their paths, and
 * PGPASSWORD / REDISCLI_AUTH stay in the environment, as for `serve`. No electron import: the CLI uses it too.
 */
export const DESKTOP_OPTIONS_ENV = 'HOTPATH_DESKTOP_OPTIONS';

// exactOptional: a flag is absent or has a value (JSON cannot hold undefined), as StackFlags says.
const stackFlagsSchema = z.strictObject({
  memoryBudget: z.string().exactOptional(),
  readOnly: z.boolean().exactOptional(),
  local: z.boolean().exactOptional(),
  pg: z.string().exactOptional(),
  pgReplica: z.array(z.string()).exactOptional(),
  replicaPolicy: z.enum(REPLICA_POLICIES).exactOptional(),
  replicaMaxLag: z.number().positive().exactOptional(),
  redis: z.string().exactOptional(),
  redisSentinels: z.string().exactOptional(),
  redisMaster: z.string().exactOptional(),
  redisCluster: z.string().exactOptional(),
  redisTls: z.boolean().exactOptional(),
  pgPasswordFile: z.string().exactOptional(),
  redisPasswordFile: z.string().exactOptional(),
  dataDir: z.string().min(1),
  workload: z.string().exactOptional(),
  rate: z.number().positive().exactOptional(),
  chunks: z.number().int().positive(),
  seed: z.boolean().exactOptional(),
  localRedis: z.boolean(),
  poolSize: z.number().int().positive().exactOptional(),
  cache: z.boolean(),
  cacheL1: z.number().positive(),
  cacheL3: z.string().exactOptional(),
  cacheL3Max: z.string().exactOptional(),
}) satisfies z.ZodType<StackFlags>;

/**
 * Exactly the stack flags given (commander's options object also carries `port` and others the window has no use
 * for, and a repeatable flag not given as an empty list).
 */
export function pickStackFlags(options: StackFlags): StackFlags {
  const keys = Object.keys(stackFlagsSchema.shape) as (keyof StackFlags)[];
  const given = (value: unknown) => value !== undefined && !(Array.isArray(value) && value.length === 0);
  return Object.fromEntries(keys.filter((key) => given(options[key])).map((key) => [key, options[key]])) as unknown as StackFlags;
}

/** The environment for Electron's main process: this one, plus the options. */
export function desktopEnvironment(options: StackFlags, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // Set, ELECTRON_RUN_AS_NODE would make the Electron binary a plain Node.js that runs our folder as a script.
  const { ELECTRON_RUN_AS_NODE: _runAsNode, ...rest } = env;
  return { ...rest, [DESKTOP_OPTIONS_ENV]: JSON.stringify(pickStackFlags(options)) };
}

/** What the window is started with when no CLI passed options: `electron .` or the installed app. */
export interface DesktopDefaults {
  dataDir: string;
}

/**
 * The options of this launch: those `hotpath start` passed; else, for `electron . --local` (development and
 * the Electron test), the local demo stack with the CLI's defaults; else null (the welcome screen offers the
 * choice). Throws a message naming what is wrong when the variable holds something else than the CLI writes.
 */
export function readDesktopOptions(env: NodeJS.ProcessEnv, argv: readonly string[], defaults: DesktopDefaults): StackFlags | null {
  const encoded = env[DESKTOP_OPTIONS_ENV];
  if (encoded === undefined || encoded === '') {
    if (!argv.includes('--local')) return null;
    return {
      local: true,
      dataDir: defaults.dataDir,
      chunks: DEFAULT_DEMO_CHUNKS,
      localRedis: true,
      cache: true,
      cacheL1: DEFAULT_CACHE_L1_MIB,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(encoded);
  } catch {
    throw new Error(
      `${DESKTOP_OPTIONS_ENV} is not JSON; it is written by \`hotpath start\`, which is how to open the window with options.`,
    );
  }
  const parsed = stackFlagsSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(options)'}: ${issue.message}`).join('; ');
    throw new Error(`${DESKTOP_OPTIONS_ENV} does not hold the options \`hotpath start\` writes (${problems}).`);
  }
  return parsed.data;
}
