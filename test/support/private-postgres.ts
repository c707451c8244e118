import { execFile } from 'node:child_process';
import { appendFile, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { loadEmbeddedPostgres } from '../../main/stack/local/embedded-postgres-launcher.ts';
import { freePort } from '../../main/stack/local/free-port.ts';
import type { TestServer } from './databases.ts';

const run = promisify(execFile);
export const PG15_BIN = '/usr/lib/postgresql/15/bin';
const PASSWORD = 'hotpath-private-pw';

/**
 * A PostgreSQL server of our own for tests that stop and start it (the shared servers must stay up for
 * everyone else). Always on the same port, so a client's URL stays valid across a restart.
 * pg18: the embedded-postgres package; pg15: the system binaries (initdb + pg_ctl), run as the `postgres` OS
 * user when we are root (PostgreSQL refuses to run as root).
 */
export interface PrivatePostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its data folder. */
  destroy(): Promise<void>;
}

export async function ownedTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  if (userInfo().uid === 0) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout);
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout);
    await chown(dir, uid, gid);
  }
  return dir;
}

/** Runs a PostgreSQL binary, as `postgres` when we are root. */
export function asPostgres(binary: string, args: string[]): Promise<unknown> {
  return userInfo().uid === 0 ? run('runuser', ['-u', 'postgres', '--', binary, ...args]) : run(binary, args);
}

/** `settings`: extra server settings (`name=value`), e.g. `shared_preload_libraries=pg_stat_statements`. */
export async function startPrivatePostgres(server: TestServer, settings: readonly string[] = []): Promise<PrivatePostgres> {
  return server === 'pg18' ? startEmbedded(settings) : startWithPgCtl(PG15_BIN, 'pg15', settings);
}

/**
 * The same server started by its own initdb and pg_ctl, trust authentication, `settings` written to
 * postgresql.conf (quote values with spaces or commas). For settings embedded-postgres' launcher cannot start
 * with: it waits for the ready message on the server's stderr, which `logging_collector=on` takes away.
 */
export async function startPrivatePostgresWithPgCtl(server: TestServer, settings: readonly string[] = []): Promise<PrivatePostgres> {
  return startWithPgCtl(server === 'pg18' ? await embeddedBinDir() : PG15_BIN, server, settings);
}

/** The embedded-postgres platform package's binaries (initdb, pg_ctl, postgres). */
async function embeddedBinDir(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  return dirname(binaries.pg_ctl);
}

async function startWithPgCtl(bin: string, server: TestServer, settings: readonly string[]): Promise<PrivatePostgres> {
  const dir = await ownedTempDir(`hotpath-private-${server}-`);
  const data = join(dir, 'data');
  const port = await freePort();
  await asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  await appendFile(
    data + '/postgresql.conf',
    `\nport = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nfsync = off\nmax_connections = 40\nshared_buffers = 16MB\n${settings.map((s) => `${s}\n`).join('')}`,
  );
  const log = join(dir, 'server.log');
  const start = async (): Promise<void> => {
    await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
  };
  const stop = async (): Promise<void> => {
    await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']).catch(() => undefined);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startEmbedded(settings: readonly string[]): Promise<PrivatePostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dir = await ownedTempDir('hotpath-private-pg18-');
  const port = await freePort();
  const instance = new EmbeddedPostgres({
    databaseDir: join(dir, 'pgdata'),
    port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=40',
      '-c',
      'shared_buffers=16MB',
      ...settings.flatMap((s) => ['-c', s]),
    ],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await instance.initialise();
  await instance.start();
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    start: () => instance.start(),
    stop: () => instance.stop(),
    async destroy() {
      await instance.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
