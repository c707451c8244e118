import { resolveBatchOptions, type BatchProcessorOptions } from './batch-options.ts';
import type { BatchProgress, BatchRecord, BatchReport } from './batch-report.ts';
import { FixedBatchSize, GradientBatchSizeController, type BatchSizer } from './batch-size-controller.ts';
import { ItemSource } from './item-source.ts';
import { runWithBisection, type BatchHandler } from './bisecting-runner.ts';

export interface ProcessOptions {
  /** Item count, when the caller knows it; only passed through to progress events. */
  total?: number;
  /** Called after every batch, in completion order. */
  onProgress?: (progress: BatchProgress) => void;
}

/**
 * Feeds items to a handler in batches whose size adapts toward a target time per batch (see
 * batch-size-controller.ts), with at most `concurrency` batches in flight. Used for seeding,
 * cache warming and bulk loads.
 *
 * Cancellation resolves rather than rejects: the promise settles with `cancelled: true` once the
 * batches already pulled have finished, so the caller still learns exactly which items were
 * handled and which failed. Nothing pulled is ever dropped. A source that throws, or an
 * `onProgress` that throws, rejects the run (after in-flight batches finish): those are bugs of
 * the caller, not failures of items.
 */
export class AdaptiveBatchProcessor {
  readonly options: Readonly<BatchProcessorOptions>;

  constructor(options: Partial<BatchProcessorOptions> = {}) {
    this.options = resolveBatchOptions(options);
  }

  async process<T>(items: Iterable<T> | AsyncIterable<T>, handler: BatchHandler<T>, options: ProcessOptions = {}): Promise<BatchReport<T>> {
    const run = new BatchRun(this.options, this.#newSizer(), new ItemSource(items), handler, options);
    return await run.execute();
  }

  #newSizer(): BatchSizer {
    return this.options.adaptive ? new GradientBatchSizeController(this.options) : new FixedBatchSize(this.options.initialBatchSize);
  }
}

/** The state of one `process` call. */
class BatchRun<T> {
  readonly #report: BatchReport<T> = { processed: 0, failed: [], batches: 0, history: [], elapsedMs: 0, cancelled: false };
  #failedItems = 0;
  #inFlight = 0;
  #fatal: { error: unknown } | undefined;
  readonly #startedAt: number;

  constructor(
    private readonly options: Readonly<BatchProcessorOptions>,
    private readonly sizer: BatchSizer,
    private readonly source: ItemSource<T>,
    private readonly handler: BatchHandler<T>,
    private readonly processOptions: ProcessOptions,
  ) {
    this.#startedAt = options.now();
  }

  async execute(): Promise<BatchReport<T>> {
    const workers = Array.from({ length: this.options.concurrency }, () => this.#work());
    await Promise.all(workers);
    const drained = this.source.exhausted;
    if (!drained) await this.source.close();
    if (this.#fatal) throw this.#fatal.error;
    this.#report.cancelled = !drained;
    this.#report.elapsedMs = this.options.now() - this.#startedAt;
    return this.#report;
  }

  #shouldPull(): boolean {
    return this.options.signal?.aborted !== true && this.#fatal === undefined && !this.source.exhausted;
  }

  /** One of `concurrency` loops: pull a batch, handle it, feed the controller, report, repeat. */
  async #work(): Promise<void> {
    while (this.#shouldPull()) {
      if (this.options.gate) {
        await this.options.gate.whenRunning();
        if (!this.#shouldPull()) return;
      }
      let batch: T[];
      try {
        batch = await this.source.take(this.sizer.size);
      } catch (error) {
        this.#fatal ??= { error };
        return;
      }
      if (batch.length === 0) return;
      // Pulls resolve in queue order, so indexes follow the order the items came in.
      const record: BatchRecord = { index: this.#report.batches++, size: batch.length, durationMs: 0, attempts: 0, failedItems: 0 };
      this.#report.history.push(record);
      this.#inFlight += 1;
      const begin = this.options.now();
      const outcome = await runWithBisection(batch, record.index, this.handler, this.options.maxAttemptsPerBatch);
      record.durationMs = this.options.now() - begin;
      this.#inFlight -= 1;
      record.attempts = outcome.attempts;
      this.#report.processed += outcome.processed;
      for (const failure of outcome.failed) {
        this.#report.failed.push(failure);
        record.failedItems += failure.items.length;
      }
      this.#failedItems += record.failedItems;
      // Only clean batches measure the cost of a batch: a bisected one timed retries and errors.
      if (outcome.attempts === 1 && record.failedItems === 0) this.sizer.observe(batch.length, record.durationMs);
      this.#emitProgress();
    }
  }

  #emitProgress(): void {
    const { onProgress, total } = this.processOptions;
    if (!onProgress) return;
    const elapsedMs = this.options.now() - this.#startedAt;
    const progress: BatchProgress = {
      done: this.#report.processed,
      failed: this.#failedItems,
      batchSize: this.sizer.size,
      itemsPerSecond: elapsedMs > 0 ? (this.#report.processed * 1000) / elapsedMs : 0,
      inFlight: this.#inFlight,
    };
    if (total !== undefined) progress.total = total;
    try {
      onProgress(progress);
    } catch (error) {
      this.#fatal ??= { error };
    }
  }
}

export type { BatchHandler } from './bisecting-runner.ts';
export type { BatchProcessorOptions } from './batch-options.ts';
export type { BatchProgress, BatchRecord, BatchReport, FailedItems } from './batch-report.ts';
