/** What a batch run reports as it goes (after every batch) and when it ends. */

export interface BatchProgress {
  /** Items handled successfully so far. */
  done: number;
  /** Items given up on so far (they are in the report's `failed`). */
  failed: number;
  /** How many items the caller said there are, when it knows. */
  total?: number;
  /** The size the next batch will have. */
  batchSize: number;
  /** Successful items per second since the run began. */
  itemsPerSecond: number;
  /** Batches still being handled after this one finished. */
  inFlight: number;
}

/** Items that still failed after bisection, with the error of their last attempt. */
export interface FailedItems<T> {
  items: T[];
  error: Error;
}

/** One batch as pulled from the source (bisection pieces are part of it, not batches of their own). */
export interface BatchRecord {
  index: number;
  size: number;
  /** From the first handler call to the last, retries included. */
  durationMs: number;
  /** Handler calls: 1 when the batch went through at once, more when it was bisected. */
  attempts: number;
  failedItems: number;
}

export interface BatchReport<T> {
  /** Items handled successfully. */
  processed: number;
  failed: FailedItems<T>[];
  /** Batches pulled from the source. */
  batches: number;
  /** Every batch in pull order: the batch-size history the bench and the console plot. */
  history: BatchRecord[];
  elapsedMs: number;
  /** True when the abort signal stopped the run before the source was exhausted. */
  cancelled: boolean;
}
