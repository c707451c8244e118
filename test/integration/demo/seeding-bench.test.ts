import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { serverUrl } from '../../support/databases.ts';
import { seedingBench } from '../../../app/cli/bench/seeding-bench.ts';

async function benchDatabases(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'hotpath\\_bench\\_seeding\\_%'`,
    );
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('seeding benchmark', () => {
  it('measures the adaptive and the fixed batch sizes in a scratch database it drops afterwards', async () => {
    const url = serverUrl('pg15');
    const before = await benchDatabases(url);
    const result = await seedingBench({ pgUrl: url, chunks: 500, runs: 1 });
    expect(result.suite).toBe('seeding');
    expect(result.command).toBe('npm run bench -- seeding --chunks 500 --runs 1');
    expect(result.columns).toEqual(['variant', 'rows/s (median)', 'vs adaptive', 'batches', 'chunk batch size at the end']);
    expect(result.rows.map((r) => r.variant)).toEqual([
      'adaptive (target 500 ms per batch)',
      'fixed 100 rows per batch',
      'fixed 5,000 rows per batch',
    ]);
    for (const row of result.rows) {
      for (const column of result.columns) expect(row[column]).toBeDefined();
      expect(row['rows/s (median)']).toBeGreaterThan(0);
      expect(String(row['vs adaptive'])).toMatch(/^\d+\.\d\dx$/);
    }
    expect(result.rows[0]!['vs adaptive']).toBe('1.00x');
    // 500 chunks and ~1,500 edges: 100-row batches need about 20, one 5,000-row batch per table needs 2.
    expect(result.rows[1]!.batches).toBeGreaterThanOrEqual(15);
    expect(result.rows[2]!.batches).toBe(2);
    expect(result.title).toMatch(/500 chunks \+ [\d,]+ edges/);
    expect(await benchDatabases(url)).toEqual(before);
  });

  it('rejects a nonsensical size before creating anything', async () => {
    await expect(seedingBench({ pgUrl: serverUrl('pg15'), chunks: 0, runs: 1 })).rejects.toThrow(/chunks must be a positive integer/);
    await expect(seedingBench({ pgUrl: serverUrl('pg15'), chunks: 10, runs: 1.5 })).rejects.toThrow(/runs must be a positive integer/);
  });
});
