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

  it('rests a replica that stopped answering, so least-loaded does not send it every read, and tries it again after', async () => {
    const log: string[] = [];
    let now = 0;
    let down = true;
    const flaky: TimedPool = {
      timedQuery: (_lane, query) => {
        log.push(`flaky:${(query as { text: string }).text}`);
        // What pg gives for a refused connection: no SQLSTATE.
        if (down) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        return Promise.resolve({ result: { rows: [] } as unknown as pg.QueryResult, acquireUs: 0, serverUs: 1 });
      },
    };
    const reads = new ReplicaReads(fakePool('primary', log).pool, [flaky, fakePool('r2', log).pool], 'least-loaded', null, () => now);
    const outcomes: string[] = [];
    for (const text of ['a', 'b', 'c', 'd', 'e', 'f']) {
      outcomes.push(
        await reads.timedQuery('normal', { text }).then(
          () => 'ok',
          () => 'failed',
        ),
      );
    }
    // It fails at once, so it never has a read in flight: three in a row, then it rests and r2 takes the reads.
    expect(log).toEqual(['flaky:a', 'r2:b', 'flaky:c', 'r2:d', 'flaky:e', 'r2:f']);
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(3);
    log.length = 0;
    for (const text of ['g', 'h']) await reads.timedQuery('normal', { text });
    expect(log).toEqual(['r2:g', 'r2:h']);
    // After the rest one read tries it again; it answers now and takes its turn.
    now += 60_000;
    down = false;
    log.length = 0;
    for (const text of ['i', 'j', 'k']) await reads.timedQuery('normal', { text });
    expect(log).toEqual(['flaky:i', 'r2:j', 'flaky:k']);
  });

  it('does not rest a replica for an answer that the read failed (a bad statement fails everywhere)', async () => {
    const log: string[] = [];
    const failing: TimedPool = {
      timedQuery: (_lane, query) => {
        log.push(`r1:${(query as { text: string }).text}`);
        return Promise.reject(Object.assign(new Error('relation "nope" does not exist'), { code: '42P01' }));
      },
    };
    const reads = new ReplicaReads(fakePool('primary', log).pool, [failing], 'round-robin', null, () => 0);
    for (const text of ['a', 'b', 'c', 'd']) await reads.timedQuery('normal', { text }).catch(() => undefined);
    expect(log).toEqual(['r1:a', 'r1:b', 'r1:c', 'r1:d']);
  });
});
