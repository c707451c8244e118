/**
 * The control law that picks the next batch size.
 *
 * Choice: a smoothed gradient law (the batch analogue of Netflix's Gradient2 limiter), not AIMD.
 * A batch's time is close to `overhead + size × costPerItem`, so the size that meets the target
 * is `target × throughput`. The controller keeps an exponentially weighted average of each
 * batch's measured throughput (items per ms) and moves toward `target × throughput`, each step
 * bounded to [×0.5, ×2] and the result to [min, max].
 *  - It converges geometrically (from 100 to 5,000 in a handful of batches); AIMD's additive
 *    increase would need thousands of batches to cross that range, or a step so large that it
 *    oscillates around the target.
 *  - Its fixed point is exactly "batch time = target": with a fixed per-batch overhead the
 *    throughput measured at a size s is s / (overhead + s·c), and s = target × that holds only
 *    when overhead + s·c = target.
 *  - Averaging throughput (not time per item) makes one slow batch cheap: a batch ten times
 *    slower than usual lowers the average by about α·90% (27% with α = 0.3), instead of
 *    multiplying the per-item cost estimate several-fold and collapsing the size.
 *  - Like TCP, it starts with a "slow start": until a batch takes half the target, each sample
 *    replaces the estimate instead of joining the average. Small batches understate throughput
 *    (the fixed overhead dominates them), and averaging them in held the size back for many
 *    batches on the way up (three times as many batches to the same size: docs/measurements.md).
 */
export interface BatchSizer {
  /** The size the next batch should have. */
  readonly size: number;
  /** Feeds back one successful batch: how many items it had and how long it took. */
  observe(batchSize: number, durationMs: number): void;
}

export interface GradientControllerOptions {
  targetBatchMs: number;
  minBatchSize: number;
  maxBatchSize: number;
  initialBatchSize: number;
  /** Weight of the newest throughput sample in the average, in (0, 1]. Default 0.3. */
  smoothing?: number;
}

/** Largest factor one observation can grow or shrink the size by. */
const MAX_STEP = 2;
/** Durations below this are treated as this, so a batch that took "0 ms" (a coarse or fake clock) is finite. */
const MIN_DURATION_MS = 1e-3;

export class GradientBatchSizeController implements BatchSizer {
  #size: number;
  #throughput: number | undefined;
  #slowStart = true;
  readonly #target: number;
  readonly #min: number;
  readonly #max: number;
  readonly #alpha: number;

  constructor(options: GradientControllerOptions) {
    const alpha = options.smoothing ?? 0.3;
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`smoothing must be in (0, 1]; got ${alpha}.`);
    this.#target = options.targetBatchMs;
    this.#min = options.minBatchSize;
    this.#max = options.maxBatchSize;
    this.#alpha = alpha;
    this.#size = options.initialBatchSize;
  }

  get size(): number {
    return this.#size;
  }

  /** The smoothed throughput (items per ms), once a batch has been observed. */
  get throughput(): number | undefined {
    return this.#throughput;
  }

  observe(batchSize: number, durationMs: number): void {
    if (!(batchSize > 0) || !Number.isFinite(durationMs) || durationMs < 0) return;
    const sample = batchSize / Math.max(durationMs, MIN_DURATION_MS);
    if (this.#slowStart || this.#throughput === undefined) {
      this.#throughput = sample;
      if (durationMs >= this.#target / 2) this.#slowStart = false;
    } else {
      this.#throughput += this.#alpha * (sample - this.#throughput);
    }
    const wanted = this.#target * this.#throughput;
    const stepped = Math.min(Math.max(wanted, this.#size / MAX_STEP), this.#size * MAX_STEP);
    this.#size = Math.min(Math.max(Math.round(stepped), this.#min), this.#max);
  }
}

/** `adaptive: false`: every batch has the same size, whatever it costs. */
export class FixedBatchSize implements BatchSizer {
  constructor(readonly size: number) {}
  observe(): void {}
}
