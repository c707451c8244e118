import type pg from 'pg';
import { quoteIdent } from '../../sql/identifiers.ts';
import { detectPgStatStatements } from '../pg-stat-statements.ts';
import type { StackNotice } from '../stack.ts';
import { withClient as withPgClient } from '../../util/pg-client.ts';

export const LOCAL_DATABASE = 'hotpath';

export interface LocalDatabaseState {
  serverVersion: number;
  pgStatStatements: boolean;
  createdDatabase: boolean;
  notices: StackNotice[];
}

async function withClient<T>(config: pg.ClientConfig, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return await withPgClient({ ...config, connectionTimeoutMillis: 10_000, query_timeout: 60_000 }, work);
}

/**
 * Makes sure the `hotpath` database exists (created on the first start only, so data written there survives
 * restarts) and that pg_stat_statements is created in it.
 */
export async function prepareLocalDatabase(
  admin: pg.ClientConfig,
  onStep: (step: 'create-database' | 'enable-pg-stat-statements') => void,
): Promise<LocalDatabaseState> {
  const createdDatabase = await withClient({ ...admin, database: 'postgres' }, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [LOCAL_DATABASE]);
    if (rowCount !== 0) return false;
    onStep('create-database');
    await client.query(`CREATE DATABASE ${quoteIdent(LOCAL_DATABASE)}`);
    return true;
  });
  return await withClient({ ...admin, database: LOCAL_DATABASE }, async (client) => {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    onStep('enable-pg-stat-statements');
    const pss = await detectPgStatStatements(client, { database: LOCAL_DATABASE, mayCreate: true });
    return { serverVersion: Number(rows[0]?.v), pgStatStatements: pss.enabled, createdDatabase, notices: pss.notices };
  });
}
