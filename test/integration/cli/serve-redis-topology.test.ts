import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { runCli, startCli } from '../../support/run-cli.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startPrivateCluster, startSentinelGroup, type PrivateCluster, type SentinelGroup } from '../cache-l2/private-redis-topologies.ts';

// `hotpath serve` with --redis-sentinels/--redis-master and --redis-cluster: the engine's L2 on that Redis, said on
// the connected line and in /metrics; combinations that cannot work refused before anything starts.
let group: SentinelGroup;
let cluster: PrivateCluster;
let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  group = await startSentinelGroup('hotpath-cli');
  cluster = await startPrivateCluster(3, 0);
  db = await createTestDatabase('pg18');
  dir = await mkdtemp(join(tmpdir(), 'hotpath-serve-redis-'));
});
afterAll(async () => {
  await db?.drop();
  await group?.stop();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function serveAndScrape(redisArgs: string[], connectedLine: RegExp): Promise<void> {
  const cli = startCli(['serve', '--data-dir', join(dir, 'data'), '--port', '0', '--cache-l3', 'off', '--pg', db.url, ...redisArgs], {
    REDISCLI_AUTH: '',
  });
  try {
    await waitFor('ready', () => (cli.stdout().includes('Hotpath is ready') ? true : undefined), 60_000);
    expect(cli.stdout()).toMatch(connectedLine);
    const url = /Hotpath listening on (\S+)/.exec(cli.stdout())![1]!;
    const metrics = await waitFor('the breaker in /metrics', async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return /^hotpath_l2_breaker_state\{state="closed"\} 1$/m.test(text) ? text : undefined;
    });
    expect(metrics).toMatch(/^hotpath_l2_errors_total 0$/m);
  } catch (error) {
    (error as Error).message += `\n--- stdout ---\n${cli.stdout()}\n--- stderr ---\n${cli.stderr()}`;
    throw error;
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
}

describe('hotpath serve with a Sentinel or Cluster Redis', () => {
  it('--redis-sentinels with --redis-master: connected through the sentinel, the breaker closed in /metrics', async () => {
    await serveAndScrape(
      ['--redis-sentinels', `127.0.0.1:${group.sentinelPort}`, '--redis-master', group.masterName],
      new RegExp(`Redis redis\\+sentinel://127\\.0\\.0\\.1:${group.sentinelPort}/hotpath-cli`),
    );
  });

  it('--redis-cluster: connected to the Cluster from its seed nodes', async () => {
    const seeds = cluster.servers.map((s) => `127.0.0.1:${s.port}`).join(',');
    await serveAndScrape(['--redis-cluster', seeds], new RegExp(`Redis redis\\+cluster://${seeds.replace(/\./g, '\\.')}`));
  });

  it.each([
    [['--redis-sentinels', '127.0.0.1:26379'], /--redis-sentinels needs --redis-master/, /Add --redis-master NAME/],
    [['--redis-master', 'mymaster'], /--redis-master needs --redis-sentinels/, /Add --redis-sentinels host:port/],
    [
      ['--redis', 'redis://127.0.0.1:6379', '--redis-cluster', '127.0.0.1:7000'],
      /Choose one way to reach Redis/,
      /Use --redis URL for one server/,
    ],
    [
      ['--redis-cluster', '127.0.0.1:seven'],
      /--redis-cluster "127\.0\.0\.1:seven" is not a list of host:port/,
      /host:port pairs separated by commas/,
    ],
  ])('refuses %j with exit code 1, saying why and what to do', async (redisArgs, message, hint) => {
    const result = await runCli(['serve', '--port', '0', '--data-dir', join(dir, 'refused'), '--pg', db.url, ...redisArgs]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(hint);
    expect(result.stdout).not.toContain('Hotpath is ready');
  });
});
