import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ReplicaReads, type TimedPool } from '../../../main/pool/replica-reads.ts';

/** A pool that records the statements it ran and answers when `release` is called (or at once). */
function fakePool(name: string, log: string[], options: { hold?: boolean; fail?: boolean } = {}) {
  const pending: Array<() => void> = [];
  const pool: TimedPool = {
    timedQuery: (_lane, query) => {
      log.push(`${name}:${(query as { text: string }).text}`);
      const answer = () =>
        options.fail
          ? Promise.reject(new Error(`${name} failed`))
          : Promise.resolve({ result: { rows: [{ server: name }] } as unknown as pg.QueryResult, acquireUs: 0, serverUs: 1 });
      if (!options.hold) return answer();
      return new Promise((resolve, reject) => pending.push(() => void answer().then(resolve, reject)));
    },
  };
  return { pool, releaseAll: () => pending.splice(0).forEach((release) => release()) };
}

describe('ReplicaReads', () => {
  it('sends every read to the primary when there are no replicas', async () => {
    const log: string[] = [];
    const reads = new ReplicaReads(fakePool('primary', log).pool, []);
    await reads.timedQuery('normal', { text: 'a' });
    await reads.timedQuery('normal', { text: 'b' });
    expect(log).toEqual(['primary:a', 'primary:b']);
  });

  it('spreads reads over the replicas round robin by default, never to the primary', async () => {
    const log: string[] = [];
    const reads = new ReplicaReads(fakePool('primary', log).pool, [fakePool('r1', log).pool, fakePool('r2', log).pool]);
    for (const text of ['a', 'b', 'c', 'd']) await reads.timedQuery('normal', { text });
    expect(log).toEqual(['r1:a', 'r2:b', 'r1:c', 'r2:d']);
  });

  it('least-loaded sends new reads away from a replica whose reads are still running, and forgets them once done', async () => {
    const log: string[] = [];
    const slow = fakePool('slow', log, { hold: true });
    const reads = new ReplicaReads(fakePool('primary', log).pool, [slow.pool, fakePool('fast', log).pool], 'least-loaded');
    const held = reads.timedQuery('normal', { text: 'a' });
    await reads.timedQuery('normal', { text: 'b' });
    await reads.timedQuery('normal', { text: 'c' });
    expect(log).toEqual(['slow:a', 'fast:b', 'fast:c']);
    slow.releaseAll();
    await held;
    const d = reads.timedQuery('normal', { text: 'd' });
    await reads.timedQuery('normal', { text: 'e' });
    expect(log.slice(3)).toEqual(['slow:d', 'fast:e']);
    slow.releaseAll();
    await d;
  });

  it('lag-bounded reads the lag at each read: the primary while the replica is behind, the replica again once within', async () => {
    const log: string[] = [];
    let seconds: (number | null)[] = [null];
    const reads = new ReplicaReads(fakePool('primary', log).pool, [fakePool('r1', log).pool], 'lag-bounded', {
      seconds: () => seconds,
      maxSeconds: 2,
    });
    await reads.timedQuery('normal', { text: 'unmeasured' });
    seconds = [0.5];
    await reads.timedQuery('normal', { text: 'fresh' });
    seconds = [30];
    await reads.timedQuery('normal', { text: 'behind' });
    seconds = [2];
    await reads.timedQuery('normal', { text: 'at-the-bound' });
    expect(log).toEqual(['primary:unmeasured', 'r1:fresh', 'primary:behind', 'r1:at-the-bound']);
  });

  it("passes a replica's error to the caller and counts the read as no longer in flight", async () => {
    const log: string[] = [];
    const reads = new ReplicaReads(
      fakePool('primary', log).pool,
      [fakePool('bad', log, { fail: true }).pool, fakePool('good', log).pool],
      'least-loaded',
    );
    await expect(reads.timedQuery('normal', { text: 'a' })).rejects.toThrow('bad failed');
    await reads.timedQuery('normal', { text: 'b' });
    await expect(reads.timedQuery('normal', { text: 'c' })).rejects.toThrow('bad failed');
    // Had the failed read stayed "in flight", least-loaded would never pick `bad` again.
    expect(log).toEqual(['bad:a', 'good:b', 'bad:c']);
  });
});
