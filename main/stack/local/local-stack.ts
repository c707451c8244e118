import type pg from 'pg';
import { StackError } from '../stack-errors.ts';
import type { Stack, StackNotice, StackProgressListener } from '../stack.ts';
import { credentialsFor } from './credentials.ts';
import { isRoot, prepareDataDir } from './data-dir.ts';
import { initialiseCluster, isClusterInitialised, startCluster } from './embedded-postgres-launcher.ts';
import type { RunningPostgres } from './embedded-postgres-launcher.ts';
import { LOCAL_DATABASE, prepareLocalDatabase } from './local-database.ts';
import { readPostmasterPid, stopOrphans } from './orphan-cleanup.ts';
import { claimOwnership, releaseOwnership } from './owner-lock.ts';
import { findExecutable, startPrivateRedis } from './redis-launcher.ts';
import type { RunningRedis } from './redis-launcher.ts';

export interface LocalStackOptions {
  /** The app's data folder (see defaultDataDir()); PostgreSQL's data lives in <dataDir>/postgres. */
  dataDir: string;
  onProgress?: StackProgressListener;
  /** 'auto' (default): a private redis-server when one is on the PATH; 'off': no Redis, no L2. */
  redis?: 'auto' | 'off';
  /** Server log lines (PostgreSQL, Redis) and cleanup messages. */
  log?: (line: string) => void;
  /** Where to look for redis-server instead of $PATH (a PATH-like list). */
  redisSearchPath?: string;
}

const REDIS_INSTALL_HINT =
  'Install Redis (Debian/Ubuntu: sudo apt install redis-server; Fedora: sudo dnf install redis; macOS: brew install redis) and start again, or pass your own with --redis redis://host:6379.';

function redisNotice(mode: 'auto' | 'off', found: boolean): StackNotice | null {
  if (mode === 'off') {
    return {
      code: 'redis-off',
      message: 'Redis is off for the local stack: L2 disabled.',
      hint: 'Start with Redis on (the default) to add the shared cache tier, or pass your own with --redis redis://host:6379.',
    };
  }
  return found
    ? null
    : { code: 'redis-not-found', message: 'Redis not found (no redis-server on the PATH): L2 disabled.', hint: REDIS_INSTALL_HINT };
}

/**
 * Starts the local demo stack: embedded PostgreSQL (initialised on the first start, data kept between starts,
 * pg_stat_statements on) and, when available, a private Redis. Cleans up servers orphaned by a crashed
 * earlier run first. The returned stack's stop() stops both and waits until their processes are gone.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<Stack> {
  const progress = (step: string, message: string): void => options.onProgress?.({ step, message });
  const log = options.log ?? (() => undefined);
  const redisMode = options.redis ?? 'auto';

  progress(
    'prepare',
    isRoot()
      ? `Preparing data folder ${options.dataDir} (running as root: PostgreSQL runs as the "postgres" user)`
      : `Preparing data folder ${options.dataDir}`,
  );
  const paths = await prepareDataDir(options.dataDir);
  await claimOwnership(paths);

  let postgres: RunningPostgres | undefined;
  let redis: RunningRedis | undefined;
  const stopAll = async (): Promise<void> => {
    const results = await Promise.allSettled([redis?.stop(), postgres?.stop()]);
    await releaseOwnership(paths);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };

  try {
    const orphans = await stopOrphans(paths, (line) => {
      progress('cleanup', line.charAt(0).toUpperCase() + line.slice(1));
      log(line);
    });
    if (orphans.postgresPid || orphans.redisPid) log(`cleaned up after an earlier run: ${JSON.stringify(orphans)}`);

    const initialised = await isClusterInitialised(paths.postgres);
    const credentials = await credentialsFor(paths, initialised);
    const pgOptions = { databaseDir: paths.postgres, password: credentials.postgresPassword, log };
    if (!initialised) {
      progress('initialise', 'Initialising PostgreSQL data folder (first start)');
      await initialiseCluster(pgOptions);
    }
    progress('start-postgres', 'Starting PostgreSQL');
    postgres = await startCluster(pgOptions);

    const admin: pg.ClientConfig = {
      host: '127.0.0.1',
      port: postgres.port,
      user: 'postgres',
      password: credentials.postgresPassword,
      database: LOCAL_DATABASE,
      ssl: false,
      connectionTimeoutMillis: 10_000,
      application_name: 'hotpath',
    };
    const db = await prepareLocalDatabase(admin, (step) =>
      progress(step, step === 'create-database' ? `Creating database ${LOCAL_DATABASE}` : 'Enabling pg_stat_statements'),
    );

    const executable = redisMode === 'auto' ? findExecutable('redis-server', options.redisSearchPath) : undefined;
    const notices: StackNotice[] = [...db.notices];
    const notice = redisNotice(redisMode, executable !== undefined);
    if (notice) notices.push(notice);
    if (executable) {
      progress('start-redis', 'Starting Redis');
      redis = await startPrivateRedis({ executable, paths, password: credentials.redisPassword, log });
    }

    progress(
      'ready',
      `Local stack ready: PostgreSQL on 127.0.0.1:${postgres.port}${redis ? `, Redis on 127.0.0.1:${redis.port}` : ', no Redis'}`,
    );
    // The postmaster's pid from its own lock file (PostgreSQL writes it before it accepts connections).
    const postmaster = await readPostmasterPid(paths);
    let stopping: Promise<void> | undefined;
    return {
      kind: 'local',
      pg: admin,
      pgDisplayUrl: `postgres://postgres:****@127.0.0.1:${postgres.port}/${LOCAL_DATABASE}`,
      redis: redis ? { url: redis.url, displayUrl: redis.displayUrl } : null,
      replicas: [],
      capabilities: { serverVersion: db.serverVersion, pgStatStatements: db.pgStatStatements },
      notices,
      processes: [
        ...(postmaster ? [{ name: 'postgres' as const, pid: postmaster.pid }] : []),
        ...(redis ? [{ name: 'redis' as const, pid: redis.pid }] : []),
      ],
      stop() {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    // Leave nothing running behind a failed start.
    await stopAll().catch((stopError) => log(`cleanup after a failed start: ${(stopError as Error).message}`));
    if (error instanceof StackError) throw error;
    throw new StackError(
      'local-stack-failed',
      `The local stack did not start: ${(error as Error)?.message ?? String(error)}`,
      'Look at the log for details; starting again usually cleans up what is left.',
      { cause: error },
    );
  }
}
