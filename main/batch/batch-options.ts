/** How an {@link AdaptiveBatchProcessor} sizes, paces and bounds its batches. */
export interface BatchProcessorOptions {
  /** Wall time one batch should take; the controller steers the batch size toward it. Default 500 ms. */
  targetBatchMs: number;
  /** Default 1. */
  minBatchSize: number;
  /** Default 10,000 (or `initialBatchSize` when that is larger). */
  maxBatchSize: number;
  /** Size of the first batch(es), before any measurement exists. Default 100, clamped to [min, max]. */
  initialBatchSize: number;
  /** Batches handled at once. Default 2. */
  concurrency: number;
  /** `false` keeps every batch at `initialBatchSize`: the baseline that benchmarks compare against. Default true. */
  adaptive: boolean;
  /**
   * Handler calls one batch may use, bisection included. Isolating one bad item in n costs about
   * 2·log2(n) calls; the bound stops a batch that fails for a reason unrelated to its items (the
   * database went away) from costing 2n calls. Default 64.
   */
  maxAttemptsPerBatch: number;
  /** Stops pulling new batches; in-flight ones finish. */
  signal?: AbortSignal;
  /** Holds new batches back while paused (the memory manager pauses low-priority work under pressure). */
  gate?: { whenRunning(): Promise<void> };
  /** Milliseconds clock. Default `performance.now`; tests and simulations pass a fake one. */
  now: () => number;
}

const DEFAULT_TARGET_MS = 500;
const DEFAULT_MIN = 1;
const DEFAULT_MAX = 10_000;
const DEFAULT_INITIAL = 100;
const DEFAULT_CONCURRENCY = 2;
const DEFAULT_MAX_ATTEMPTS = 64;

function requireInteger(name: string, value: number, least: number): void {
  if (!Number.isSafeInteger(value) || value < least) {
    throw new RangeError(`Batch option ${name} must be an integer >= ${least}; got ${String(value)}.`);
  }
}

/** Fills in defaults and rejects inconsistent options with an error that names the option. */
export function resolveBatchOptions(options: Partial<BatchProcessorOptions> = {}): BatchProcessorOptions {
  const targetBatchMs = options.targetBatchMs ?? DEFAULT_TARGET_MS;
  if (typeof targetBatchMs !== 'number' || !Number.isFinite(targetBatchMs) || targetBatchMs <= 0) {
    throw new RangeError(`Batch option targetBatchMs must be a positive number of milliseconds; got ${String(targetBatchMs)}.`);
  }
  const minBatchSize = options.minBatchSize ?? DEFAULT_MIN;
  requireInteger('minBatchSize', minBatchSize, 1);
  // An explicit large initial (or fixed) size should not trip over the default ceiling.
  const maxBatchSize = options.maxBatchSize ?? Math.max(DEFAULT_MAX, options.initialBatchSize ?? 0, minBatchSize);
  requireInteger('maxBatchSize', maxBatchSize, 1);
  if (minBatchSize > maxBatchSize) {
    throw new RangeError(`Batch option minBatchSize (${minBatchSize}) is larger than maxBatchSize (${maxBatchSize}).`);
  }
  const initialBatchSize = options.initialBatchSize ?? Math.min(Math.max(DEFAULT_INITIAL, minBatchSize), maxBatchSize);
  requireInteger('initialBatchSize', initialBatchSize, 1);
  if (initialBatchSize < minBatchSize || initialBatchSize > maxBatchSize) {
    throw new RangeError(
      `Batch option initialBatchSize (${initialBatchSize}) must lie within minBatchSize..maxBatchSize (${minBatchSize}..${maxBatchSize}).`,
    );
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  requireInteger('concurrency', concurrency, 1);
  const maxAttemptsPerBatch = options.maxAttemptsPerBatch ?? DEFAULT_MAX_ATTEMPTS;
  requireInteger('maxAttemptsPerBatch', maxAttemptsPerBatch, 1);
  const adaptive = options.adaptive ?? true;
  if (typeof adaptive !== 'boolean') throw new TypeError(`Batch option adaptive must be a boolean; got ${String(adaptive)}.`);
  const now = options.now ?? (() => performance.now());
  const resolved: BatchProcessorOptions = {
    targetBatchMs,
    minBatchSize,
    maxBatchSize,
    initialBatchSize,
    concurrency,
    adaptive,
    maxAttemptsPerBatch,
    now,
  };
  if (options.signal !== undefined) resolved.signal = options.signal;
  if (options.gate !== undefined) resolved.gate = options.gate;
  return resolved;
}
