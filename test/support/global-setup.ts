import { mkdtemp, rm, chown } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import pg from 'pg';
import { loadEmbeddedPostgres } from '../../main/stack/local/embedded-postgres-launcher.ts';
import type { TestProject } from 'vitest/node';
import './provided.ts';

export const EMBEDDED_TEST_PASSWORD = 'hotpath-test-pw';

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function assertReachable(url: string, what: string, hint: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`${what} is not reachable at ${url}: ${(error as Error).message}. ${hint}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}

function assertRedis(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    socket.setTimeout(3000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      if (data.toString().startsWith('+PONG')) resolve();
      else reject(new Error(`Redis at ${host}:${port} answered ${JSON.stringify(data.toString())}`));
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`Redis at ${host}:${port} timed out`));
    });
    socket.once('error', (error) =>
      reject(new Error(`Redis is not reachable at ${host}:${port}: ${error.message}. Start it (see .ci/run).`)),
    );
  });
}

/** Starts one embedded PostgreSQL 18 for the whole run and checks the system services. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pg15Url = process.env.HOTPATH_TEST_PG15_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  await assertReachable(pg15Url, 'The system PostgreSQL 15', 'Start it (see .ci/run) or set HOTPATH_TEST_PG15_URL.');
  await assertRedis('127.0.0.1', 6379);

  const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-test-pg18-'));
  if (userInfo().uid === 0) {
    // PostgreSQL refuses to run as root; embedded-postgres runs it as the `postgres` user.
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    await chown(dataDir, uid, gid);
  }
  const port = await freePort();
  // Through the launcher, which disarms the package's exit hook: left armed, its `beforeExit` handler calls
  // process.exit(0) in vitest's main process and turns a failed run into exit code 0.
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: join(dataDir, 'pgdata'),
    port,
    user: 'postgres',
    password: EMBEDDED_TEST_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: [
      '-c',
      'shared_preload_libraries=pg_stat_statements',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  const pg18Url = `postgres://postgres:${EMBEDDED_TEST_PASSWORD}@127.0.0.1:${port}/postgres`;

  project.provide('pg18Url', pg18Url);
  project.provide('pg15Url', pg15Url);
  project.provide('redisUrl', 'redis://127.0.0.1:6379');

  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
