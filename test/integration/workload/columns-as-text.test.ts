import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoolManager } from '../../../main/pool/pool-manager.ts';
import { COLUMNS_AS_TEXT } from '../../../main/workload/columns-as-text.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * A sampled parameter goes into its cache key as JSON, and warming sends it back from there: dates and times must
 * survive that trip as the same value, in a session whose time zone is not UTC too.
 */
describe.each(TEST_SERVERS)('sampled parameter values on %s', (server) => {
  let db: TestDatabase;
  let pool: PoolManager;

  beforeAll(async () => {
    db = await createTestDatabase(server);
    pool = await PoolManager.open({
      connection: { connectionString: db.url, options: '-c TimeZone=Asia/Kolkata' },
      readOnly: true,
      min: 1,
      max: 2,
    });
  });
  afterAll(async () => {
    await pool?.close();
    await db?.drop();
  });

  it('reads every type as PostgreSQL text, nulls as null', async () => {
    const { rows } = await pool.query('normal', {
      text: `SELECT timestamp '2026-12-07 01:02:03.004' AS ts, timestamptz '2026-12-07 01:02:03+00' AS tstz,
                    date '2026-12-07' AS d, interval '1 day 02:00' AS i, '\\x00ff'::bytea AS b, 42::int AS n,
                    true AS flag, NULL::int AS nothing`,
      types: COLUMNS_AS_TEXT,
    });
    expect(rows[0]).toEqual({
      ts: '2026-12-07 01:02:03.004',
      tstz: '2026-12-07 06:32:03+05:30',
      d: '2026-12-07',
      i: '1 day 02:00:00',
      b: '\\x00ff',
      n: '42',
      flag: 't',
      nothing: null,
    });
  });

  it('gives values that read back as themselves after a trip through JSON', async () => {
    const { rows } = await pool.query('normal', {
      text: `SELECT timestamp '2026-12-07 01:02:03.004' AS ts, timestamptz '2026-12-07 01:02:03+00' AS tstz, date '2026-12-07' AS d,
                    interval '1 day 02:00' AS i, '\\x00ff'::bytea AS b, true AS flag`,
      types: COLUMNS_AS_TEXT,
    });
    const values = JSON.parse(JSON.stringify(Object.values(rows[0]))) as unknown[];
    const same = await pool.query('normal', {
      text: `SELECT $1::timestamp = timestamp '2026-12-07 01:02:03.004' AND $2::timestamptz = timestamptz '2026-12-07 01:02:03+00'
                    AND $3::date = date '2026-12-07' AND $4::interval = interval '1 day 02:00' AND $5::bytea = '\\x00ff'::bytea
                    AND $6::boolean AS same`,
      values,
    });
    expect(same.rows[0].same).toBe(true);
  });
});
