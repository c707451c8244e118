import type pg from 'pg';
import { quoteIdent } from '../sql/identifiers.ts';

/** How long sessions still on the database get to close on their own before they are terminated. */
const GRACE_MS = 2_000;
const POLL_MS = 50;

/**
 * Drops a scratch database (a benchmark's or a test's), through `admin`, a client connected to another database
 * of the server. A pg.Pool's `end()` resolves once its clients are told to end, not once they have; DROP … WITH
 * (FORCE) right after would terminate those, and a pool re-emits that as an unhandled 'error' that takes the
 * process down. So the sessions get up to two seconds to leave first; whatever is still there is then terminated.
 */
export async function dropDatabase(admin: pg.Client, database: string): Promise<void> {
  for (let waited = 0; waited < GRACE_MS; waited += POLL_MS) {
    const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [database]);
    if (rows[0]!.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
}
