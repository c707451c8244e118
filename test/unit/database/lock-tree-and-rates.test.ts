import { describe, expect, it } from 'vitest';
import { buildLockTree, type LockRow } from '../../../main/database/locks.ts';
import { DatabaseRatesSampler, rateBetween, type DatabaseCounters } from '../../../main/database/database-rates.ts';

const row = (pid: number, blockedBy: number[] = [], overrides: Partial<LockRow> = {}): LockRow => ({
  pid,
  blocked_by: blockedBy,
  user: 'app',
  application: 'billing',
  database: 'shop',
  state: blockedBy.length > 0 ? 'active' : 'idle in transaction',
  wait_event: blockedBy.length > 0 ? 'Lock:transactionid' : 'Client:ClientRead',
  query: `q${pid}`,
  query_visible: true,
  waiting_for: blockedBy.length > 0 ? 'transactionid ShareLock' : null,
  waiting_ms: blockedBy.length > 0 ? 1000 * pid : null,
  xact_ms: 5000,
  ...overrides,
});

const shape = (rows: LockRow[]) => buildLockTree(rows).map((s) => [s.pid, s.depth, s.blocking]);

describe('lock tree', () => {
  it('puts a chain under its head blocker, counting every session it holds up', () => {
    // 1 blocks 2, 2 blocks 3; 1 also blocks 4.
    expect(shape([row(3, [2]), row(2, [1]), row(4, [1]), row(1)])).toEqual([
      [1, 0, 3],
      [2, 1, 1],
      [3, 2, 0],
      [4, 1, 0],
    ]);
  });

  it('orders head blockers by how many they hold up', () => {
    expect(shape([row(10), row(11, [10]), row(20), row(21, [20]), row(22, [20])]).map(([pid, depth]) => [pid, depth])).toEqual([
      [20, 0],
      [22, 1],
      [21, 1],
      [10, 0],
      [11, 1],
    ]);
  });

  it('shows a session waiting on two blockers once, under the first, keeping both in blockedBy', () => {
    const tree = buildLockTree([row(1), row(2), row(3, [1, 2])]);
    expect(tree.filter((s) => s.pid === 3)).toHaveLength(1);
    expect(tree.find((s) => s.pid === 3)?.blockedBy).toEqual([1, 2]);
    expect(tree.find((s) => s.pid === 2)).toMatchObject({ depth: 0, blocking: 1 });
  });

  it('lists a wait cycle (a deadlock not yet detected) instead of dropping it', () => {
    const tree = buildLockTree([row(1, [2]), row(2, [1])]);
    expect(tree.map((s) => s.pid).sort()).toEqual([1, 2]);
    expect(tree.map((s) => s.depth)).toEqual([0, 1]);
    expect(tree.every((s) => s.blocking === 1)).toBe(true);
  });

  it('keeps a blocker pg_stat_activity no longer shows (a prepared transaction), and tells Hotpath’s own apart', () => {
    const tree = buildLockTree([row(5, [99], { application: 'hotpath-workload' })]);
    expect(tree[0]).toMatchObject({ pid: 99, depth: 0, blocking: 1, state: 'gone or prepared transaction', query: '' });
    expect(tree[1]).toMatchObject({ pid: 5, depth: 1, ours: true });
  });
});

const counters = (at: number, overrides: Partial<DatabaseCounters> = {}): DatabaseCounters => ({
  at,
  statsReset: null,
  commits: 100,
  rollbacks: 1,
  returned: 1000,
  fetched: 500,
  inserted: 10,
  updated: 5,
  deleted: 1,
  blocksHit: 900,
  blocksRead: 100,
  ...overrides,
});

describe('pg_stat_database rates', () => {
  it('divides each counter’s delta by the window, and the hit ratio is of the window’s blocks', () => {
    const point = rateBetween(counters(1000), counters(3000, { commits: 300, rollbacks: 3, blocksHit: 1890, blocksRead: 110 }));
    expect(point).toEqual({
      at: 3000,
      windowMs: 2000,
      commitsPerSecond: 100,
      rollbacksPerSecond: 1,
      returnedPerSecond: 0,
      fetchedPerSecond: 0,
      insertedPerSecond: 0,
      updatedPerSecond: 0,
      deletedPerSecond: 0,
      blockHitRatio: 0.99,
    });
  });

  it('has no hit ratio when no block was asked for, and no point across a reset or an empty window', () => {
    expect(rateBetween(counters(0), counters(1000))?.blockHitRatio).toBeNull();
    expect(rateBetween(counters(0), counters(1000, { statsReset: '2026-12-06 12:00:00+00' }))).toBeNull();
    expect(rateBetween(counters(0), counters(1000, { commits: 5 }))).toBeNull();
    expect(rateBetween(counters(1000), counters(1000, { commits: 200 }))).toBeNull();
  });

  it('shares one reading between callers polling at once, so no point spans a moment', async () => {
    let now = 0;
    let commits = 0;
    let readings = 0;
    const db = {
      query: async () => {
        readings++;
        commits += 10;
        // The answer takes a while: a second caller arrives meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { rows: [{ ...counters(0), commits }] };
      },
    };
    const sampler = new DatabaseRatesSampler(db as never, () => now);
    await sampler.sample();
    now += 2000;
    const [a, b] = await Promise.all([sampler.sample(), sampler.sample()]);
    expect(readings).toBe(2);
    expect(a).toEqual(b);
    expect(a.points).toHaveLength(1);
    expect(a.points[0]).toMatchObject({ windowMs: 2000, commitsPerSecond: 5 });
  });
});
