import os from 'node:os';
import path from 'node:path';
import { parseMemoryBudget } from '../../../main/memory/memory-budget.ts';
import { ContractError } from '../../../main/contract/api.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { createHeadlessCipher } from '../../../main/profiles/env-key-cipher.ts';
import { startHeadlessServer, type HeadlessServer } from '../../server/headless-server.ts';
import { printProgress } from '../progress-printer.ts';
import { onShutdownSignal } from '../shutdown-signals.ts';
import { onFatalError } from '../fatal-errors.ts';
import { openInBrowser } from '../open-browser.ts';
import { cacheSettings, type CacheFlags } from '../cache-options.ts';
import { connectWithPasswords, takeEnvironmentPasswords } from '../password-options.ts';

export interface ServeOptions extends CacheFlags {
  /** e.g. "512MiB"; parsed by parseMemoryBudget. */
  memoryBudget?: string;
  readOnly?: boolean;
  local?: boolean;
  pg?: string;
  redis?: string;
  /** A file whose first line is the PostgreSQL / Redis password (keeps it out of /proc/<pid>/cmdline). */
  pgPasswordFile?: string;
  redisPasswordFile?: string;
  dataDir: string;
  port: number;
  workload?: string;
  rate?: number;
  chunks: number;
  seed?: boolean;
  /** false with --no-local-redis */
  localRedis: boolean;
  poolSize?: number;
  /** Open the console in the default browser once it is served. */
  openBrowser?: boolean;
}

/**
 * `hotpath serve`: the headless host. The HTTP server comes up first, so `/healthz`
 * answers (503) while the stack starts and the demo data is seeded.
 */
export async function serve(options: ServeOptions): Promise<void> {
  if (options.local && options.pg) throw new ContractError('bad-arguments', 'Choose either --local or --pg, not both.');
  if (!options.local && !options.pg && (options.workload || options.seed)) {
    throw new ContractError(
      'bad-arguments',
      `${options.workload ? '--workload' : '--seed'} needs a stack.`,
      'Add --local (the demo stack) or --pg URL.',
    );
  }
  if (options.readOnly && options.pg && options.seed) {
    throw new ContractError(
      'bad-arguments',
      '--seed cannot be combined with --read-only: seeding creates a schema and tables in your database.',
      'Drop --read-only to seed, or drop --seed to only read.',
    );
  }
  // Before the engine exists: from here on, a stack.connect to any host can no longer be sent these.
  const environmentPasswords = takeEnvironmentPasswords();
  const engine = new Engine({
    dataDir: options.dataDir,
    secretCipher: createHeadlessCipher(process.env),
    ...(options.poolSize === undefined ? {} : { workloadPoolSize: options.poolSize }),
    cache: cacheSettings(options),
    ...(options.memoryBudget === undefined
      ? {}
      : { memoryBudgetBytes: parseMemoryBudget(options.memoryBudget, { machineTotalBytes: os.totalmem() }) }),
    ...(options.readOnly ? { readOnly: true } : {}),
  });
  printProgress(engine);
  let server: HeadlessServer | null = null;
  let shuttingDown: Promise<void> | null = null;
  // Installed before anything starts: a signal during start-up stops what has started
  // (the engine waits for a stack still starting) instead of leaving it behind.
  const shutdown = (quiet = false) =>
    (shuttingDown ??= (async () => {
      if (!quiet) process.stderr.write('Stopping Hotpath…\n');
      await server?.close();
      await engine.stop();
      if (!quiet) process.stderr.write('Stopped; every process it started has exited.\n');
    })());
  onShutdownSignal(() => shutdown());
  onFatalError(() => shutdown());

  try {
    server = await startHeadlessServer({
      engine,
      port: options.port,
      ...(process.env.HOTPATH_TOKEN ? { token: process.env.HOTPATH_TOKEN } : {}),
    });
    process.stdout.write(`Hotpath listening on ${server.url}  (health: ${server.url}/healthz, metrics: ${server.url}/metrics)\n`);
    process.stdout.write(`Contract WebSocket: ${server.wsUrl}\n`);
    if (server.consoleUrl) {
      process.stdout.write(`Console: ${server.consoleUrl}\n`);
      if (options.openBrowser && !openInBrowser(server.consoleUrl))
        process.stdout.write('(No desktop browser to open here: open the console URL above.)\n');
    } else {
      process.stdout.write('The console UI is not built (npm run build:renderer); the engine runs without it.\n');
    }

    if (!options.local && !options.pg) {
      process.stdout.write('Not connected yet: choose a stack in the console.\n');
      return;
    }
    if (options.pg) {
      await connectWithPasswords(engine, options, environmentPasswords);
    } else {
      await engine.call('stack.startLocal', { dataDir: options.dataDir, redis: options.localRedis ? 'auto' : 'off' });
    }
    const stack = engine.status().stack!;
    process.stdout.write(
      `Connected to ${stack.pgDisplayUrl} (PostgreSQL ${Math.floor(stack.serverVersion / 10000)})${stack.redisUrl ? `, Redis ${stack.redisUrl}` : ', no Redis'}\n`,
    );
    // The local stack seeds itself; a database of yours only when asked to.
    if (!options.pg || options.seed) await engine.call('demo.seed', { chunks: options.chunks });
    if (options.workload) {
      const profile = options.workload === 'demo' ? 'demo' : path.resolve(options.workload);
      await engine.call('workload.start', options.rate === undefined ? { profile } : { profile, rate: options.rate });
    }
    process.stdout.write(`Hotpath is ready. Press Ctrl+C to stop.\n`);
  } catch (error) {
    // A signal during start-up makes the pending step fail; its handler owns the exit.
    if (shuttingDown) return;
    // Start-up failed: stop what did start, quietly, so the error is the last word the user reads.
    await shutdown(true).catch(() => undefined);
    throw error;
  }
}
