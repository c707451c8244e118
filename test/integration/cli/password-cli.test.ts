import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_SERVERS } from '../../support/databases.ts';
import { startPasswordServer, type PasswordServer } from '../../support/scram-postgres.ts';
import { startPasswordRedis } from '../../support/password-redis.ts';
import { HOTPATH_BIN, startCli } from '../../support/run-cli.ts';
import WebSocket from 'ws';
import { WsEngineClient } from '../../../renderer/transport/ws-engine-client.ts';
import { waitFor } from '../../support/wait-for.ts';
import type { PrivateRedis } from '../cache-l2/private-redis-server.ts';

// Issue 16: `hotpath serve` takes passwords without putting them on the command line.
const PASSWORD = `cli:pw\\${process.pid}`;
const REDIS_PASSWORD = `cli-redis-pw-${process.pid}`;

describe.each(TEST_SERVERS)('hotpath serve password options (%s)', (server) => {
  let pgServer: PasswordServer;
  let redis: PrivateRedis;
  let dir: string;
  // No password may come from the environment of the test run itself.
  const clean = { PGPASSWORD: '', PGPASSFILE: '/nonexistent/pgpass', REDISCLI_AUTH: '' };
  beforeAll(async () => {
    pgServer = await startPasswordServer(server, PASSWORD);
    redis = await startPasswordRedis(REDIS_PASSWORD);
    dir = await mkdtemp(join(tmpdir(), 'hotpath-password-cli-'));
    await writeFile(join(dir, 'pg-password'), `${PASSWORD}\n`);
    await writeFile(join(dir, 'redis-password'), REDIS_PASSWORD);
    await chmod(join(dir, 'pg-password'), 0o600);
    await chmod(join(dir, 'redis-password'), 0o600);
    await writeFile(join(dir, 'empty'), '\n');
  });
  afterAll(async () => {
    await redis?.stop();
    await pgServer?.close();
    await rm(dir, { recursive: true, force: true });
  });
  const args = (...extra: string[]) => ['serve', '--data-dir', join(dir, 'data'), '--port', '0', '--cache-l3', 'off', ...extra];

  it('--pg-password-file and --redis-password-file connect, and neither password is in the process arguments or output', async () => {
    const cli = startCli(
      args(
        '--pg',
        pgServer.urlWithoutPassword,
        '--pg-password-file',
        join(dir, 'pg-password'),
        '--redis',
        `redis://127.0.0.1:${redis.port}/0`,
        '--redis-password-file',
        join(dir, 'redis-password'),
      ),
      clean,
    );
    try {
      await waitFor('ready', () => (cli.stdout().includes('Hotpath is ready') ? true : undefined), 60_000);
      const cmdline = await readFile(`/proc/${cli.child.pid}/cmdline`, 'utf8');
      expect(cmdline).toContain('--pg-password-file');
      for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), REDIS_PASSWORD]) {
        expect(cmdline).not.toContain(secret);
        expect(cli.stdout() + cli.stderr()).not.toContain(secret);
      }
    } catch (error) {
      (error as Error).message += `\n--- stdout ---\n${cli.stdout()}\n--- stderr ---\n${cli.stderr()}`;
      throw error;
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  it.each([
    [
      'a password in the URL and a password file',
      () => [`${pgServer.urlWithoutPassword.replace('@', ':x@')}`, '--pg-password-file', join(dir, 'pg-password')],
      /--pg-password-file was given, and the PostgreSQL connection string has a password too/,
    ],
    [
      'a password file that does not exist',
      () => [pgServer.urlWithoutPassword, '--pg-password-file', join(dir, 'missing')],
      /--pg-password-file .*missing cannot be read: it does not exist/,
    ],
    [
      'an empty password file',
      () => [pgServer.urlWithoutPassword, '--pg-password-file', join(dir, 'empty')],
      /--pg-password-file .*empty is empty/,
    ],
    [
      'no password anywhere and no terminal to ask on',
      () => [pgServer.urlWithoutPassword],
      /asks user .* for a password, and none was given[\s\S]*PGPASSWORD[\s\S]*--pg-password-file[\s\S]*terminal/,
    ],
  ])('%s: exit 1 with what to do', async (_case, pgArgs, expected) => {
    const [url, ...rest] = pgArgs();
    const cli = startCli(args('--pg', url!, ...rest), clean);
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.stderr()).toMatch(expected);
    expect(cli.stderr()).not.toContain(PASSWORD);
  });

  it('on a terminal, asks for the password without echoing it, as psql does', async () => {
    // `script` gives the CLI a real pseudo-terminal as stdin. `exec`: $SHELL -c runs the command, and dash (CI's
    // /bin/sh) waits in the terminal's process group instead of replacing itself, so Ctrl+C killed the shell (130).
    const command =
      'exec ' +
      [process.execPath, HOTPATH_BIN, ...args('--pg', pgServer.urlWithoutPassword)].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, ...clean, SHELL: '/bin/sh' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor('the password prompt', () => (out.includes(`Password for user ${pgServer.user}: `) ? true : undefined), 30_000);
      child.stdin.write(`${PASSWORD}\r`);
      await waitFor('ready', () => (out.includes('Hotpath is ready') ? true : undefined), 60_000);
      expect(out).not.toContain(PASSWORD);
      child.stdin.write('\x03');
      expect(await exited).toBe(0);
    } catch (error) {
      (error as Error).message += `\n--- terminal ---\n${out}`;
      throw error;
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    }
  });

  /** `hotpath serve` with these arguments, ready, with a contract client for `body`; both stopped after. */
  async function withServe(argv: string[], env: NodeJS.ProcessEnv, body: (client: WsEngineClient) => Promise<void>): Promise<void> {
    const cli = startCli(argv, env);
    let client: WsEngineClient | undefined;
    try {
      await waitFor('ready', () => (cli.stdout().includes('Hotpath is ready') ? true : undefined), 60_000);
      client = await WsEngineClient.connect(new WebSocket(/Contract WebSocket: (\S+)/.exec(cli.stdout())![1]!));
      await body(client);
    } catch (error) {
      (error as Error).message += `\n--- stdout ---\n${cli.stdout()}\n--- stderr ---\n${cli.stderr()}`;
      throw error;
    } finally {
      client?.close();
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  }

  it('PGPASSWORD and REDISCLI_AUTH serve --pg and --redis only: a stack.connect a client sends later is not given them', async () => {
    await withServe(
      args('--pg', pgServer.urlWithoutPassword, '--redis', `redis://127.0.0.1:${redis.port}/0`),
      { ...clean, PGPASSWORD: PASSWORD, REDISCLI_AUTH: REDIS_PASSWORD },
      async (client) => {
        expect((await client.call('engine.status', {})).stack).toMatchObject({
          kind: 'remote',
          redisUrl: expect.stringContaining('127.0.0.1'),
        });
        // The same server, named by a client: without a password of its own it is refused, and what ran stays.
        const error = await client.call('stack.connect', { pgUrl: pgServer.urlWithoutPassword }).then(
          () => null,
          (caught: unknown) => caught,
        );
        // …and told the way that works for it: the connection string or profile, not the command line's sources.
        expect(error).toMatchObject({
          code: 'auth-failed',
          message: expect.stringContaining('the connection string has none'),
          hint: expect.stringContaining('saved profile'),
        });
        expect((error as { hint: string }).hint).not.toMatch(/PGPASSWORD,|--pg-password-file FILE/);
        expect((await client.call('engine.status', {})).stack).toMatchObject({ kind: 'remote' });
      },
    );
  });

  it("a password file serves --pg only: a client's stack.connect (even with passfile=) is not given its * line, and learns nothing about the file", async () => {
    const pgpass = join(dir, 'pgpass-star');
    await writeFile(pgpass, `*:*:*:*:${PASSWORD.replace(/\\/g, '\\\\').replace(/:/g, '\\:')}\n`);
    await chmod(pgpass, 0o600);
    await withServe(args('--pg', pgServer.urlWithoutPassword), { ...clean, PGPASSFILE: pgpass }, async (client) => {
      const refused = await client.call('stack.connect', { pgUrl: pgServer.urlWithoutPassword }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(refused).toMatchObject({ code: 'auth-failed' });
      const named = new URL(pgServer.urlWithoutPassword);
      named.searchParams.set('passfile', pgpass);
      const viaParameter = await client.call('stack.test', { pgUrl: named.toString() }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(viaParameter).toMatchObject({ code: 'auth-failed' });
      // Nothing about the file a client named: not its path, not whether it is private or a plain file.
      expect(JSON.stringify(viaParameter)).not.toContain(pgpass);
      expect(JSON.stringify(viaParameter)).not.toMatch(/group or world access|not a plain file|cannot be read/);
      expect((await client.call('engine.status', {})).stack).toMatchObject({ kind: 'remote' });
    });
  });

  it('hotpath optimize takes --pg-password-file, and PGPASSWORD for its --pg', async () => {
    for (const [extra, env] of [
      [['--pg-password-file', join(dir, 'pg-password')], clean],
      [[], { ...clean, PGPASSWORD: PASSWORD }],
    ] as const) {
      const cli = startCli(
        ['optimize', '--pg', pgServer.urlWithoutPassword, ...extra, '--data-dir', join(dir, 'opt-data'), '--dry-run', '--json'],
        env,
      );
      const { code } = await cli.exited;
      expect(cli.stderr()).not.toMatch(/auth-failed|password/i);
      expect(code).toBe(0);
      expect(JSON.parse(cli.stdout())).toHaveProperty('proposals');
      expect(cli.stdout() + cli.stderr()).not.toContain(PASSWORD);
    }
  });
});
