import { describe, expect, it } from 'vitest';
import {
  checkChange,
  computeSessionSettings,
  estimateServerMemory,
  maxSafeWorkMemKb,
  memoryBudget,
  serverPairs,
  setConfigQuery,
  worstCasePerConnectionKb,
  type ServerMemoryFacts,
} from '../../../main/pool/session-settings.ts';
import { type PoolError } from '../../../main/pool/pool-errors.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const local: ServerMemoryFacts = {
  sharedBuffersBytes: 1 * GiB,
  effectiveCacheSizeBytes: 4 * GiB,
  hashMemMultiplier: 2,
  localTotalMemoryBytes: 9 * GiB,
};
const remote: ServerMemoryFacts = { sharedBuffersBytes: 2 * GiB, effectiveCacheSizeBytes: 6 * GiB, hashMemMultiplier: 2 };

describe('server memory and the work_mem budget', () => {
  it('uses the host RAM when the server is local, and estimates it otherwise', () => {
    expect(estimateServerMemory(local).bytes).toBe(9 * GiB);
    expect(estimateServerMemory(remote).bytes).toBe(8 * GiB);
    expect(estimateServerMemory(remote).reason).toMatch(/estimate/);
  });

  it('gives the pool a quarter of the memory outside shared_buffers', () => {
    expect(memoryBudget(local).bytes).toBe(2 * GiB);
    expect(memoryBudget(remote).bytes).toBe(1.5 * GiB);
  });

  it('never lets max × work_mem × nodes × hash_mem_multiplier exceed the budget', () => {
    for (const poolMax of [1, 5, 20, 100, 500]) {
      const settings = computeSessionSettings(local, poolMax).values;
      const worstBytes = worstCasePerConnectionKb(settings.workMemKb, local) * 1024 * poolMax;
      if (settings.workMemKb > 64) expect(worstBytes).toBeLessThanOrEqual(memoryBudget(local).bytes);
    }
    // 2 GiB = 2,097,152 kB ÷ (20 × 2 × 2) = 26,214 kB
    expect(maxSafeWorkMemKb(local, 20)).toBe(26214);
    expect(computeSessionSettings(local, 20).values.workMemKb).toBe(26214);
    expect(computeSessionSettings(local, 20).reasons.workMemKb).toMatch(/20 connections × 2 sort\/hash nodes × hash_mem_multiplier 2/);
  });

  it('caps work_mem for small pools and keeps the server minimum for huge ones', () => {
    expect(computeSessionSettings(local, 1).values.workMemKb).toBe(32 * 1024);
    expect(computeSessionSettings(local, 1).reasons.workMemKb).toMatch(/capped/);
    const tiny: ServerMemoryFacts = {
      sharedBuffersBytes: 128 * MiB,
      effectiveCacheSizeBytes: 128 * MiB,
      hashMemMultiplier: 2,
      localTotalMemoryBytes: 160 * MiB,
    };
    expect(computeSessionSettings(tiny, 200).values.workMemKb).toBe(64);
    expect(computeSessionSettings(tiny, 200).reasons.workMemKb).toMatch(/minimum of 64 kB/);
  });

  it('has safe defaults for OLTP pools, each with a reason, and lets overrides win', () => {
    const computed = computeSessionSettings(local, 5, { statementTimeoutMs: 1000 });
    expect(computed.values).toMatchObject({
      statementTimeoutMs: 1000,
      lockTimeoutMs: 5000,
      idleInTransactionTimeoutMs: 60000,
      jit: false,
      planCacheMode: 'auto',
    });
    expect(computed.reasons.statementTimeoutMs).toMatch(/operator/);
    expect(Object.keys(computed.reasons).sort()).toEqual(Object.keys(computed.values).sort());
  });
});

describe('checkChange', () => {
  it('rejects unknown names and work_mem beyond the budget, with the numbers and a way out', () => {
    expect(() => checkChange({ fsync: 'off' } as never, local, 5)).toThrow(/Unknown session setting fsync/);
    let error: PoolError | undefined;
    try {
      checkChange({ workMemKb: 1024 * 1024 }, local, 20);
    } catch (e) {
      error = e as PoolError;
    }
    expect(error?.code).toBe('invalid-setting');
    expect(error?.message).toMatch(/work_mem 1,048,576 kB could use 81,920 MiB with all 20 connections busy/);
    expect(error?.hint).toMatch(/at most 26,214 kB/);
    expect(() => checkChange({ workMemKb: 26214, jit: true }, local, 20)).not.toThrow();
  });
});

describe('statements', () => {
  it('maps settings to server names and values with units', () => {
    expect(serverPairs({ statementTimeoutMs: 250, workMemKb: 4096, jit: true, planCacheMode: 'force_generic_plan' })).toEqual([
      ['statement_timeout', '250ms'],
      ['work_mem', '4096kB'],
      ['jit', 'on'],
      ['plan_cache_mode', 'force_generic_plan'],
    ]);
  });

  it('passes names and values as parameters, never in the SQL text', () => {
    expect(
      setConfigQuery(
        [
          ['work_mem', "1MB'; DROP TABLE x; --"],
          ['jit', 'off'],
        ],
        false,
      ),
    ).toEqual({
      text: 'SELECT set_config($1, $2, false), set_config($3, $4, false)',
      values: ['work_mem', "1MB'; DROP TABLE x; --", 'jit', 'off'],
    });
  });
});
