import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { verifyRedis } from '../redis-probe.ts';
import { maskRedisUrl } from '../redis-url.ts';
import { StackError } from '../stack-errors.ts';
import type { LocalStackPaths } from './data-dir.ts';
import { freePort } from './free-port.ts';
import { stopChild } from './child-process.ts';

/**
 * A private `redis-server` for the local stack: loopback only, a free port, a generated password, no
 * persistence (it is a cache; nothing to keep), its own process group so a terminal's Ctrl-C reaches only
 * Hotpath, whose shutdown then stops it in order. Its pid file lets the next start clean up after a crash.
 */

/** The executable on a PATH-like list, or undefined. */
export function findExecutable(name: string, searchPath: string = process.env.PATH ?? ''): string | undefined {
  const extensions = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of searchPath.split(path.delimiter).filter((d) => d !== '')) {
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export interface PrivateRedisOptions {
  executable: string;
  paths: LocalStackPaths;
  password: string;
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface RunningRedis {
  port: number;
  pid: number;
  url: string;
  displayUrl: string;
  /** SIGTERM (no save: persistence is off), SIGKILL after 10 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * The config file holds everything but the password: Redis reads that from its standard input (the `-` after the
 * file), so it is neither on disk nor in the process's command line. Quoted with JSON escapes, which redis.conf's
 * parser understands (paths and passwords may contain spaces and quotes).
 */
function configText(paths: LocalStackPaths, port: number): string {
  return [
    'bind 127.0.0.1',
    `port ${port}`,
    'protected-mode yes',
    'daemonize no',
    'save ""',
    'appendonly no',
    `dir ${JSON.stringify(paths.redis)}`,
    'logfile ""',
    '',
  ].join('\n');
}

/** SIGTERM lets Redis exit cleanly; SIGKILL if it does not. */
const REDIS_STOP_STEPS = [
  ['SIGTERM', 10_000],
  ['SIGKILL', 10_000],
] as const;

/** Resolves when Redis logs that it is ready; rejects when it exits first or the deadline passes. */
function waitUntilReady(child: ChildProcess, tail: string[], log: ((line: string) => void) | undefined, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs / 1000} s`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      for (const line of chunk
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        log?.(line);
        if (/Ready to accept connections/i.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${signal ?? `code ${code}`})`));
    });
  });
}

export async function startPrivateRedis(options: PrivateRedisOptions): Promise<RunningRedis> {
  const { paths, password } = options;
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    await writeFile(paths.redisConfig, configText(paths, port), { mode: 0o600 });
    const tail: string[] = [];
    const child = spawn(options.executable, [paths.redisConfig, '-'], {
      cwd: paths.redis,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    // A server that exits before reading its input breaks the pipe: `waitUntilReady` reports that exit.
    child.stdin.on('error', () => undefined);
    child.stdin.end(`requirepass ${JSON.stringify(password)}\n`);
    try {
      const ready = waitUntilReady(child, tail, options.log, timeoutMs);
      if (child.pid === undefined) await ready; // spawn failed: `ready` rejects with the spawn error
      // Written before Redis is even ready: a crash from here on leaves a pid file to clean up after.
      await writeFile(paths.redisPidFile, `${child.pid}\n${port}\n`, { mode: 0o600 });
      await ready;
      const url = `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`;
      await verifyRedis(url, 5_000);
      const pid = child.pid!;
      return {
        port,
        pid,
        url,
        displayUrl: maskRedisUrl(url),
        async stop() {
          await stopChild(child, REDIS_STOP_STEPS);
          await rm(paths.redisPidFile, { force: true });
        },
      };
    } catch (error) {
      await stopChild(child, REDIS_STOP_STEPS);
      await rm(paths.redisPidFile, { force: true });
      if (/Address already in use/i.test(tail.join('\n')) && attempt < 3) continue;
      throw new StackError(
        'local-stack-failed',
        `The private Redis did not start (${(error as Error).message}). Its last messages: ${tail.slice(-6).join(' / ') || '(none)'}`,
        'Start without the private Redis (redis off / --no-local-redis) or pass your own with --redis redis://host:6379.',
        { cause: error },
      );
    }
  }
}
