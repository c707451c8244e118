import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { readOnlyGuardBench } from '../../../app/cli/bench/read-only-guard-bench.ts';
import { serverUrl, TEST_SERVERS } from '../../support/databases.ts';
import { runCli } from '../../support/run-cli.ts';

async function scratchDatabases(url: string): Promise<Set<string>> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'hotpath\\_bench\\_read\\_only\\_%'",
    );
    return new Set(rows.map((r) => r.datname));
  } finally {
    await admin.end();
  }
}

describe.each(TEST_SERVERS)('the read-only guard bench on %s', (server) => {
  it('measures both variants at each concurrency, reports their ratio from the same run, and drops its scratch database', async () => {
    const before = await scratchDatabases(serverUrl(server));
    const result = await readOnlyGuardBench({ pgUrl: serverUrl(server), runs: 2, seconds: 0.2, concurrencies: [1, 2] });
    expect(result.suite).toBe('read-only');
    expect(result.rows.map((r) => r.concurrency)).toEqual([1, 2]);
    for (const c of ['1', '2']) {
      expect(result.json.qps.guard[c]).toBeGreaterThan(0);
      expect(result.json.qps.transactions[c]).toBeGreaterThan(0);
      expect(result.json.transactionsVsGuard[c]).toBeCloseTo(result.json.qps.transactions[c]! / result.json.qps.guard[c]!, 2);
    }
    expect(Math.floor(result.json.serverVersion / 10_000)).toBe(server === 'pg18' ? 18 : 15);
    expect(result.command).toContain('npm run bench -- read-only --pg ');
    expect([...(await scratchDatabases(serverUrl(server)))].filter((name) => !before.has(name))).toEqual([]);
  }, 120_000);

  it('runs as `hotpath bench read-only`, its table naming the command that reproduces it without the password', async () => {
    const url = new URL(serverUrl(server));
    // PostgreSQL 15 here trusts local connections, so a made-up password still connects: the table must not show it.
    if (!url.password) url.password = 'not-shown-anywhere';
    const result = await runCli(['bench', 'read-only', '--pg', url.toString(), '--runs', '1', '--seconds', '0.2']);
    expect(result.stderr).toContain('Running the read-only benchmark');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('## Read-only workload sessions');
    expect(result.stdout).toMatch(/reproduce: npm run bench -- read-only --pg \S+ --runs 1 --seconds 0\.2/);
    expect(result.stdout + result.stderr).not.toContain(decodeURIComponent(url.password));
  }, 120_000);
});
