import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoolManager } from '../../../main/pool/pool-manager.ts';
import { SAMPLE_VALUE_TYPES } from '../../../main/workload/sample-value-types.ts';
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

  it('reads dates and times as PostgreSQL text and other types as pg parses them', async () => {
    const { rows } = await pool.query('normal', {
      text: `SELECT timestamp '2026-12-07 01:02:03.004' AS ts, timestamptz '2026-12-07 01:02:03+00' AS tstz,
                    date '2026-12-07' AS d, time '23:59:58' AS t, 42::int AS n, true AS flag`,
      types: SAMPLE_VALUE_TYPES,
    });
    expect(rows[0]).toEqual({
      ts: '2026-12-07 01:02:03.004',
      tstz: '2026-12-07 06:32:03+05:30',
      d: '2026-12-07',
      t: '23:59:58',
      n: 42,
      flag: true,
    });
  });

  it('gives values that read back as themselves after a trip through JSON', async () => {
    const { rows } = await pool.query('normal', {
      text: `SELECT timestamp '2026-12-07 01:02:03.004' AS ts, timestamptz '2026-12-07 01:02:03+00' AS tstz, date '2026-12-07' AS d`,
      types: SAMPLE_VALUE_TYPES,
    });
    const [ts, tstz, d] = JSON.parse(JSON.stringify([rows[0].ts, rows[0].tstz, rows[0].d])) as unknown[];
    const same = await pool.query('normal', {
      text: `SELECT $1::timestamp = timestamp '2026-12-07 01:02:03.004' AND $2::timestamptz = timestamptz '2026-12-07 01:02:03+00'
                    AND $3::date = date '2026-12-07' AS same`,
      values: [ts, tstz, d],
    });
    expect(same.rows[0].same).toBe(true);
  });
});
