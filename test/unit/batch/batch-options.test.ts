import { describe, expect, it } from 'vitest';
import { resolveBatchOptions } from '../../../main/batch/batch-options.ts';
import { AdaptiveBatchProcessor } from '../../../main/batch/adaptive-batch-processor.ts';

describe('resolveBatchOptions', () => {
  it('fills in the documented defaults', () => {
    const options = resolveBatchOptions();
    expect(options).toMatchObject({
      targetBatchMs: 500,
      minBatchSize: 1,
      maxBatchSize: 10_000,
      initialBatchSize: 100,
      concurrency: 2,
      adaptive: true,
    });
  });

  it('lets a large fixed size through without also raising the maximum by hand', () => {
    const options = resolveBatchOptions({ adaptive: false, initialBatchSize: 50_000 });
    expect(options.maxBatchSize).toBe(50_000);
    expect(options.initialBatchSize).toBe(50_000);
  });

  it('clamps the default initial size into an explicit range', () => {
    expect(resolveBatchOptions({ minBatchSize: 500, maxBatchSize: 1_000 }).initialBatchSize).toBe(500);
    expect(resolveBatchOptions({ maxBatchSize: 20 }).initialBatchSize).toBe(20);
  });

  it.each([
    [{ minBatchSize: 10, maxBatchSize: 5 }, /minBatchSize \(10\) is larger than maxBatchSize \(5\)/],
    [
      { minBatchSize: 10, maxBatchSize: 50, initialBatchSize: 60 },
      /initialBatchSize \(60\) must lie within minBatchSize\.\.maxBatchSize \(10\.\.50\)/,
    ],
    [{ concurrency: 0 }, /concurrency must be an integer >= 1; got 0/],
    [{ concurrency: 1.5 }, /concurrency/],
    [{ targetBatchMs: -1 }, /targetBatchMs must be a positive number/],
    [{ targetBatchMs: Number.NaN }, /targetBatchMs/],
    [{ minBatchSize: 0 }, /minBatchSize must be an integer >= 1/],
    [{ maxAttemptsPerBatch: 0 }, /maxAttemptsPerBatch/],
  ])('rejects %o with a clear error', (options, message) => {
    expect(() => resolveBatchOptions(options)).toThrow(message);
    expect(() => new AdaptiveBatchProcessor(options)).toThrow(message);
  });
});
