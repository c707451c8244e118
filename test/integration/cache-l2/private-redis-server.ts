import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../support/wait-for.ts';

/**
 * A throwaway redis-server the outage and Cluster tests may kill: never the system Redis other tests use.
 * No persistence, loopback only, its own temp dir (cluster-config files and any dump land there).
 */
export interface PrivateRedis {
  port: number;
  url: string;
  dir: string;
  /** kill -9: no goodbye on the sockets, the way a crashed or partitioned server looks. */
  kill(): Promise<void>;
  /** SIGSTOP: the sockets stay open and accept bytes, nothing answers: a hung or swapping server. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** Starts it again on the same port and dir; resolves when it answers PING. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(port = 0): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startPrivateRedis(extraArgs: string[] = [], chosenPort?: number): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'hotpath-l2-redis-'));
  const port = chosenPort ?? (await freePort());
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs];
    const proc = spawn('redis-server', args, { cwd: dir, stdio: 'ignore' });
    child = proc;
    await waitFor(
      `redis-server on port ${port}`,
      async () => {
        if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
        return (await ping(port)) ? true : undefined;
      },
      10_000,
    );
  };

  const kill = async (): Promise<void> => {
    if (!child) return;
    const current = child;
    current.kill('SIGKILL');
    await exited(current);
    child = undefined;
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    kill,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    restart: launch,
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** How fast a private Sentinel gives up on a master: the failover tests shorten both. */
export interface SentinelTimings {
  /** `sentinel down-after-milliseconds` (default 5000). */
  downAfterMs?: number;
  /** `sentinel failover-timeout` (Sentinel's default, 180000, when absent). */
  failoverTimeoutMs?: number;
}

/** A private Sentinel watching one master; Sentinel rewrites its config file, so it gets its own temp dir. */
export async function startPrivateSentinel(
  masterPort: number,
  masterName: string,
  timings: SentinelTimings = {},
): Promise<{ port: number; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hotpath-l2-sentinel-'));
  const port = await freePort();
  const config = join(dir, 'sentinel.conf');
  await writeFile(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 1`,
      `sentinel down-after-milliseconds ${masterName} ${timings.downAfterMs ?? 5000}`,
      ...(timings.failoverTimeoutMs === undefined ? [] : [`sentinel failover-timeout ${masterName} ${timings.failoverTimeoutMs}`]),
      '',
    ].join('\n'),
  );
  const proc = spawn('redis-server', [config, '--sentinel'], { cwd: dir, stdio: 'ignore' });
  await waitFor(
    `redis-sentinel on port ${port}`,
    async () => {
      if (proc.exitCode !== null) throw new Error(`redis-sentinel exited with ${proc.exitCode}`);
      return (await ping(port)) ? true : undefined;
    },
    10_000,
  );
  return {
    port,
    stop: async () => {
      proc.kill('SIGKILL');
      await exited(proc);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
