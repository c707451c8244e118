import { mkdtemp, rm, chown } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { loadEmbeddedPostgres } from '../../main/stack/local/embedded-postgres-launcher.ts';
import type { TestProject } from 'vitest/node';
import { checkSystemServices } from './global-setup-system-services.ts';
import { buildCompiledCli } from './compiled-cli.ts';
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

/** Starts the embedded PostgreSQL 18, hands its URL to the tests, and returns what stops it. */
async function startEmbeddedPg18(project: TestProject): Promise<() => Promise<void>> {
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

  return async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

/**
 * Checks the system services, then starts one embedded PostgreSQL 18 and builds the CLI for the whole run (the
 * integration project). The two at once, as neither needs the other.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await checkSystemServices(project);
  const started = await Promise.allSettled([startEmbeddedPg18(project), buildCompiledCli(project)]);
  const teardowns = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const teardown = async () => {
    for (const stop of teardowns) await stop();
  };
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    // The one that started must not outlive the failed setup (a PostgreSQL left running, a build left behind).
    await teardown();
    throw failed.reason;
  }
  return teardown;
}
