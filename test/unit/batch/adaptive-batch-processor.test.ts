import { describe, expect, it } from 'vitest';
import { AdaptiveBatchProcessor, type BatchProgress } from '../../../main/batch/adaptive-batch-processor.ts';

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** Lets other batches' handlers run, so concurrency is real without any wall-clock wait. */
function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A source that counts what was pulled from it and notices when it is closed early. */
function countingSource(limit = Number.POSITIVE_INFINITY) {
  const state = { pulled: 0, closed: false };
  function* items(): Generator<number> {
    try {
      while (state.pulled < limit) {
        state.pulled += 1;
        yield state.pulled;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, items: items() };
}

describe('AdaptiveBatchProcessor', () => {
  it('hands every item to the handler exactly once, in order with concurrency 1', async () => {
    const seen: number[] = [];
    const processor = new AdaptiveBatchProcessor({ concurrency: 1, initialBatchSize: 7, adaptive: false });
    const report = await processor.process(range(100), async (batch) => {
      seen.push(...batch);
    });
    expect(seen).toEqual(range(100));
    expect(report).toMatchObject({ processed: 100, failed: [], batches: 15, cancelled: false });
    expect(report.history.map((b) => b.size)).toEqual([...Array(14).fill(7), 2]);
    expect(report.history.map((b) => b.index)).toEqual(range(15).map((i) => i - 1));
  });

  it('steers the batch time toward the target under a simulated cost', async () => {
    let clock = 0;
    const processor = new AdaptiveBatchProcessor({
      concurrency: 1,
      targetBatchMs: 200,
      initialBatchSize: 10,
      maxBatchSize: 100_000,
      now: () => clock,
    });
    // 5 ms per statement plus 0.05 ms per row: 3,900 rows meet 200 ms.
    const report = await processor.process(range(200_000), async (batch) => {
      clock += 5 + batch.length * 0.05;
    });
    expect(report.processed).toBe(200_000);
    const sizes = report.history.map((b) => b.size);
    expect(sizes[0]).toBe(10);
    const settled = report.history.slice(-10, -1); // the last batch is short: the source ran dry
    for (const batch of settled) {
      expect(batch.durationMs).toBeGreaterThan(200 * 0.9);
      expect(batch.durationMs).toBeLessThan(200 * 1.1);
    }
    expect(report.elapsedMs).toBeCloseTo(
      report.history.reduce((sum, b) => sum + b.durationMs, 0),
      6,
    );
  });

  it('keeps a fixed size when adaptive is off, however fast batches are', async () => {
    const report = await new AdaptiveBatchProcessor({ adaptive: false, initialBatchSize: 30 }).process(range(300), async () => undefined);
    expect(new Set(report.history.map((b) => b.size))).toEqual(new Set([30]));
  });

  it('never runs more than `concurrency` batches at once, and does reach it', async () => {
    let inFlight = 0;
    let peak = 0;
    const report = await new AdaptiveBatchProcessor({ concurrency: 3, adaptive: false, initialBatchSize: 5 }).process(
      range(200),
      async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await yieldTurn();
        await yieldTurn();
        inFlight -= 1;
      },
    );
    expect(report.processed).toBe(200);
    expect(peak).toBe(3);
  });

  it('pulls items lazily: never more than the batches in flight hold', async () => {
    const { state, items } = countingSource(10_000);
    let handled = 0;
    let maxAhead = 0;
    const report = await new AdaptiveBatchProcessor({ concurrency: 2, adaptive: false, initialBatchSize: 50 }).process(
      items,
      async (batch) => {
        maxAhead = Math.max(maxAhead, state.pulled - handled);
        await yieldTurn();
        handled += batch.length;
      },
    );
    expect(report.processed).toBe(10_000);
    expect(maxAhead).toBeLessThanOrEqual(2 * 50);
  });

  it('isolates poison items by bisection without losing or repeating the others', async () => {
    const poison = new Set([137, 138, 911]);
    const succeeded: number[] = [];
    const report = await new AdaptiveBatchProcessor({ concurrency: 2, adaptive: false, initialBatchSize: 256 }).process(
      range(1_000),
      async (batch) => {
        const bad = batch.find((item) => poison.has(item));
        if (bad !== undefined) throw new Error(`row ${bad} violates a constraint`);
        succeeded.push(...batch);
      },
    );
    expect(report.processed).toBe(997);
    expect(succeeded.sort((a, b) => a - b)).toEqual(range(1_000).filter((i) => !poison.has(i)));
    expect(report.failed.map((f) => f.items)).toEqual(expect.arrayContaining([[137], [138], [911]]));
    expect(report.failed).toHaveLength(3);
    for (const failure of report.failed) expect(failure.error.message).toBe(`row ${failure.items[0]} violates a constraint`);
    expect(report.history.reduce((sum, b) => sum + b.failedItems, 0)).toBe(3);
    expect(report.history.find((b) => b.index === 0)!.attempts).toBeGreaterThan(1);
  });

  it('bounds the attempts of a batch that always fails, and still returns every item', async () => {
    let calls = 0;
    const report = await new AdaptiveBatchProcessor({ adaptive: false, initialBatchSize: 64, maxAttemptsPerBatch: 5 }).process(
      range(640),
      async () => {
        calls += 1;
        throw new Error('connection refused');
      },
    );
    expect(calls).toBe(10 * 5);
    expect(report.processed).toBe(0);
    const failedItems = report.failed.flatMap((f) => f.items).sort((a, b) => a - b);
    expect(failedItems).toEqual(range(640));
    expect(report.failed.every((f) => f.error.message === 'connection refused')).toBe(true);
  });

  it('wraps a non-Error thrown by the handler', async () => {
    const report = await new AdaptiveBatchProcessor({ adaptive: false, initialBatchSize: 1 }).process([1], async () => {
      throw 'nope';
    });
    expect(report.failed[0]!.error).toBeInstanceOf(Error);
    expect(report.failed[0]!.error.message).toMatch(/nope/);
  });

  it('stops pulling on abort, lets in-flight batches finish and resolves with cancelled', async () => {
    const controller = new AbortController();
    const { state, items } = countingSource(); // endless: only cancellation can end this run
    const handled: number[] = [];
    const report = await new AdaptiveBatchProcessor({
      concurrency: 2,
      adaptive: false,
      initialBatchSize: 10,
      signal: controller.signal,
    }).process(items, async (batch, info) => {
      if (info.index === 4) controller.abort();
      await yieldTurn();
      handled.push(...batch);
    });
    expect(report.cancelled).toBe(true);
    expect(report.processed).toBe(handled.length);
    expect(state.pulled).toBe(handled.length); // every pulled item was handled: nothing dropped
    expect(report.batches).toBeGreaterThanOrEqual(5);
    expect(report.batches).toBeLessThanOrEqual(6); // the batch in flight beside index 4, no more
    expect(state.closed).toBe(true);
  });

  it('takes no new batch while its gate is paused, and goes on when it resumes', async () => {
    const { BackgroundGate } = await import('../../../main/memory/background-gate.ts');
    const gate = new BackgroundGate();
    const handled: number[] = [];
    const run = new AdaptiveBatchProcessor({ concurrency: 1, adaptive: false, initialBatchSize: 10, gate }).process(
      range(50),
      async (batch, info) => {
        if (info.index === 1) gate.pause('memory pressure');
        handled.push(...batch);
      },
    );
    for (let i = 0; i < 20; i += 1) await yieldTurn();
    expect(handled).toEqual(range(20)); // the batch that paused it finished; no third one started
    gate.resume();
    expect((await run).processed).toBe(50);
    expect(handled).toEqual(range(50));
  });

  it('does nothing when the signal is already aborted', async () => {
    let calls = 0;
    const report = await new AdaptiveBatchProcessor({ signal: AbortSignal.abort() }).process(range(10), async () => {
      calls += 1;
    });
    expect(calls).toBe(0);
    expect(report).toMatchObject({ processed: 0, batches: 0, cancelled: true });
  });

  it('reports progress after every batch, monotonically, up to the total', async () => {
    let clock = 0;
    const events: BatchProgress[] = [];
    const report = await new AdaptiveBatchProcessor({ concurrency: 2, initialBatchSize: 8, now: () => clock }).process(
      range(500),
      async (batch) => {
        await yieldTurn();
        clock += batch.length;
        if (batch.includes(250)) throw new Error('bad row');
      },
      { total: 500, onProgress: (p) => events.push(p) },
    );
    expect(events).toHaveLength(report.batches);
    for (let i = 1; i < events.length; i += 1) {
      expect(events[i]!.done).toBeGreaterThanOrEqual(events[i - 1]!.done);
      expect(events[i]!.failed).toBeGreaterThanOrEqual(events[i - 1]!.failed);
    }
    const last = events.at(-1)!;
    expect(last).toMatchObject({ done: 499, failed: 1, total: 500, inFlight: 0 });
    expect(last.itemsPerSecond).toBeCloseTo((499 * 1000) / clock, 6);
    expect(events.every((e) => e.inFlight <= 1 && e.batchSize >= 1)).toBe(true);
  });

  it('accepts an async iterable source', async () => {
    async function* rows() {
      for (let i = 1; i <= 25; i += 1) yield { id: i };
    }
    const ids: number[] = [];
    const report = await new AdaptiveBatchProcessor({ initialBatchSize: 4 }).process(rows(), async (batch) => {
      ids.push(...batch.map((r) => r.id));
    });
    expect(report.processed).toBe(25);
    expect(ids.sort((a, b) => a - b)).toEqual(range(25));
  });

  it('rejects when the source itself throws, after in-flight batches finish', async () => {
    function* broken() {
      yield* range(30);
      throw new Error('cursor lost');
    }
    let handled = 0;
    await expect(
      new AdaptiveBatchProcessor({ adaptive: false, initialBatchSize: 10, concurrency: 1 }).process(broken(), async (batch) => {
        handled += batch.length;
      }),
    ).rejects.toThrow('cursor lost');
    expect(handled).toBe(30);
  });

  it('rejects something that is not iterable', async () => {
    await expect(new AdaptiveBatchProcessor().process(42 as never, async () => undefined)).rejects.toThrow(/iterable/);
  });
});
