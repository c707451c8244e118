import net from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { buildCompiledCli } from './compiled-cli.ts';
import './provided.ts';

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

/** The system PostgreSQL 15's URL: HOTPATH_TEST_PG15_URL, or the one .ci/run starts. */
export const PG15_URL = process.env.HOTPATH_TEST_PG15_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Checks the system PostgreSQL 15 and Redis and hands their URLs to the tests (the e2e project needs no more). */
export async function checkSystemServices(project: TestProject): Promise<void> {
  await assertReachable(PG15_URL, 'The system PostgreSQL 15', 'Start it (see .ci/run) or set HOTPATH_TEST_PG15_URL.');
  await assertRedis('127.0.0.1', 6379);
  project.provide('pg15Url', PG15_URL);
  project.provide('redisUrl', 'redis://127.0.0.1:6379');
}

/** The e2e project's setup: the system services, and the CLI its tests start, built for the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await checkSystemServices(project);
  return await buildCompiledCli(project);
}
