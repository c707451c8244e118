import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { runCli, startCli } from '../../support/run-cli.ts';
import { waitFor } from '../../support/wait-for.ts';
import { makeTlsFiles, startTlsCluster, type TlsFiles, type TlsRedis } from '../cache-l2/private-tls-redis.ts';

// `hotpath serve --redis-cluster … --redis-tls`: the flag form trusts the system's CAs (here the test CA through
// NODE_EXTRA_CA_CERTS) and brings no client certificate, so the TLS-only Cluster runs with tls-auth-clients no.
let files: TlsFiles;
let cluster: { servers: TlsRedis[]; stop(): Promise<void> };
let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  files = await makeTlsFiles();
  cluster = await startTlsCluster(files, 3, ['--tls-auth-clients', 'no']);
  db = await createTestDatabase('pg18');
  dir = await mkdtemp(join(tmpdir(), 'hotpath-serve-redis-tls-'));
}, 120_000);
afterAll(async () => {
  await db?.drop();
  await cluster?.stop();
  if (files) await rm(files.dir, { recursive: true, force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('hotpath serve --redis-tls', () => {
  it('connects to a TLS Cluster as rediss+cluster://, the breaker closed in /metrics', async () => {
    const seeds = cluster.servers.map((s) => `127.0.0.1:${s.port}`).join(',');
    const cli = startCli(
      [
        'serve',
        '--data-dir',
        join(dir, 'data'),
        '--port',
        '0',
        '--cache-l3',
        'off',
        '--pg',
        db.url,
        '--redis-cluster',
        seeds,
        '--redis-tls',
      ],
      { REDISCLI_AUTH: '', NODE_EXTRA_CA_CERTS: files.ca },
    );
    try {
      await waitFor('ready', () => (cli.stdout().includes('Hotpath is ready') ? true : undefined), 60_000);
      expect(cli.stdout()).toMatch(new RegExp(`Redis rediss\\+cluster://${seeds.replace(/\./g, '\\.')}`));
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
  });

  it('refuses --redis-tls without --redis-sentinels or --redis-cluster, pointing at rediss://', async () => {
    const result = await runCli(['serve', '--port', '0', '--data-dir', join(dir, 'refused'), '--pg', db.url, '--redis-tls']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--redis-tls is for --redis-sentinels or --redis-cluster/);
    expect(result.stderr).toMatch(/rediss:\/\/host:6379/);
    expect(result.stdout).not.toContain('Hotpath is ready');
  });
});
