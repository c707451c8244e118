import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../main/stack/local/free-port.ts';
import { asPostgres, ownedTempDir, PG15_BIN } from './private-postgres.ts';
import { waitFor } from './wait-for.ts';

/**
 * A hot standby of a private PostgreSQL 15 (startPrivatePostgres('pg15')), streaming from it: `pg_basebackup -R`
 * into a new data folder (it writes primary_conninfo and standby.signal), started on a port of its own, and
 * returned once it is in recovery and its WAL receiver streams. The primary's initdb (trust, wal_level replica,
 * max_wal_senders 10) already allows the replication connection from 127.0.0.1.
 */
export interface StreamingReplica {
  url: string;
  /** Stops the standby and removes its data folder. */
  destroy(): Promise<void>;
}

export async function startStreamingReplica(primaryUrl: string): Promise<StreamingReplica> {
  const primary = new URL(primaryUrl);
  const dir = await ownedTempDir('hotpath-replica-pg15-');
  const data = join(dir, 'data');
  const port = await freePort();
  await asPostgres(join(PG15_BIN, 'pg_basebackup'), [
    '-h',
    primary.hostname,
    '-p',
    primary.port,
    '-U',
    'postgres',
    '-D',
    data,
    '-R',
    '-X',
    'stream',
    '--no-sync',
  ]);
  // The copied postgresql.conf has the primary's port: the last setting wins.
  await appendFile(join(data, 'postgresql.conf'), `\nport = ${port}\nhot_standby = on\n`);
  const log = join(dir, 'server.log');
  const stop = async (): Promise<void> => {
    await asPostgres(join(PG15_BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']).catch(() => undefined);
  };
  const url = `postgres://postgres@127.0.0.1:${port}${primary.pathname}`;
  try {
    await asPostgres(join(PG15_BIN, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
    await waitFor(
      'the standby to be in recovery and streaming',
      async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const { rows } = await client.query<{ recovery: boolean; status: string | null }>(
            'SELECT pg_is_in_recovery() AS recovery, (SELECT status FROM pg_stat_wal_receiver) AS status',
          );
          return rows[0]?.recovery === true && rows[0].status === 'streaming' ? true : undefined;
        } finally {
          await client.end();
        }
      },
      60_000,
    );
  } catch (error) {
    await stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
