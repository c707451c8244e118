import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { startPasswordRedis } from '../../support/password-redis.ts';
import { runCli, startCli } from '../../support/run-cli.ts';
import { waitFor } from '../../support/wait-for.ts';
import type { PrivateRedis } from '../cache-l2/private-redis-server.ts';

// Issue 21: `hotpath serve --stack FILE` takes the whole stack from a YAML file, through the flags' own checks,
// password sources and connect path: the system PostgreSQL and a private redis-server that requires a password,
// given by the file's passwordFiles (a path relative to the file).
const REDIS_PASSWORD = `stack-file-pw-${process.pid}`;
// No password may come from the environment of the test run itself.
const CLEAN = { PGPASSWORD: '', PGPASSFILE: '/nonexistent/pgpass', REDISCLI_AUTH: '' };

let db: TestDatabase;
let redis: PrivateRedis;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase('pg15');
  redis = await startPasswordRedis(REDIS_PASSWORD);
  dir = await mkdtemp(join(tmpdir(), 'hotpath-serve-stack-'));
  await writeFile(join(dir, 'redis-password'), REDIS_PASSWORD);
  await chmod(join(dir, 'redis-password'), 0o600);
});
afterAll(async () => {
  await db?.drop();
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('hotpath serve --stack FILE', () => {
  it('connects to the file’s PostgreSQL and Redis (password from passwordFiles), said on the connected line and in /metrics', async () => {
    const file = join(dir, 'stack.yaml');
    await writeFile(
      file,
      [
        `pg: ${db.url}`,
        `redis: { url: "redis://127.0.0.1:${redis.port}/0" }`,
        'l3: off',
        'passwordFiles: { redis: redis-password }',
        '',
      ].join('\n'),
    );
    // Shared with others: no password in it, so it need not be private.
    await chmod(file, 0o644);
    const cli = startCli(['serve', '--stack', file, '--data-dir', join(dir, 'data'), '--port', '0'], CLEAN);
    try {
      await waitFor('ready', () => (cli.stdout().includes('Hotpath is ready') ? true : undefined), 60_000);
      // :****@ is the password from passwordFiles.redis, masked.
      expect(cli.stdout()).toMatch(
        new RegExp(`Connected to \\S*/${db.name}\\S* \\(PostgreSQL \\d+\\), Redis redis://:\\*{4}@127\\.0\\.0\\.1:${redis.port}`),
      );
      const url = /Hotpath listening on (\S+)/.exec(cli.stdout())![1]!;
      const metrics = await waitFor('the breaker in /metrics', async () => {
        const text = await (await fetch(`${url}/metrics`)).text();
        return /^hotpath_l2_breaker_state\{state="closed"\} 1$/m.test(text) ? text : undefined;
      });
      expect(metrics).toMatch(/^hotpath_l2_errors_total 0$/m);
      expect(cli.stdout() + cli.stderr()).not.toContain(REDIS_PASSWORD);
    } catch (error) {
      (error as Error).message += `\n--- stdout ---\n${cli.stdout()}\n--- stderr ---\n${cli.stderr()}`;
      throw error;
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  it('refuses a password inside a URL of a file others can read, with the place and what to do, before anything starts', async () => {
    const file = join(dir, 'open.yaml');
    await writeFile(file, `pg: ${db.url.replace('://', '://postgres:hunter2-stack@')}\n`);
    await chmod(file, 0o644);
    const result = await runCli(['serve', '--stack', file, '--data-dir', join(dir, 'refused'), '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:1:5: pg: holds a password, and ${file} can be read by other users (mode 644)`);
    expect(result.stderr).toMatch(/chmod 600/);
    expect(result.stderr + result.stdout).not.toContain('hunter2-stack');
    expect(result.stdout).not.toContain('Hotpath listening');
  });

  it('lets a flag override the file: --pg replaces a file’s database that does not exist', async () => {
    const file = join(dir, 'override.yaml');
    await writeFile(file, `pg: ${db.url.replace(db.name, `${db.name}_missing`)}\nl3: off\n`);
    const cli = startCli(['serve', '--stack', file, '--pg', db.url, '--data-dir', join(dir, 'data2'), '--port', '0'], CLEAN);
    try {
      await waitFor('ready', () => (cli.stdout().includes('Hotpath is ready') ? true : undefined), 60_000);
      expect(cli.stdout()).toMatch(new RegExp(`Connected to \\S*/${db.name}(\\?\\S*)? \\(PostgreSQL \\d+\\), no Redis`));
    } catch (error) {
      (error as Error).message += `\n--- stdout ---\n${cli.stdout()}\n--- stderr ---\n${cli.stderr()}`;
      throw error;
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });
});
