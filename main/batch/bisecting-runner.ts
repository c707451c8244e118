import type { FailedItems } from './batch-report.ts';

export type BatchHandler<T> = (batch: T[], info: { index: number; size: number }) => Promise<void>;

export interface BisectionOutcome<T> {
  processed: number;
  failed: FailedItems<T>[];
  attempts: number;
}

export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(`Batch handler threw a non-Error value: ${String(thrown)}`);
}

/**
 * Hands one batch to the handler; when it throws, splits the batch in halves and retries each,
 * down to single items, so one bad row costs only itself. Items are never dropped: each ends up
 * either handled or in `failed`, with the error of the attempt that last included it.
 *
 * The handler must be idempotent for the items it already applied before throwing (e.g. an
 * `INSERT ... ON CONFLICT DO NOTHING` inside one statement), since those items are sent again.
 * A single item that fails is not retried on its own: transient errors on whole batches are
 * retried by the bisection itself, and a retry loop per item would multiply the bounded budget.
 */
export async function runWithBisection<T>(
  batch: T[],
  index: number,
  handler: BatchHandler<T>,
  maxAttempts: number,
): Promise<BisectionOutcome<T>> {
  const outcome: BisectionOutcome<T> = { processed: 0, failed: [], attempts: 0 };
  // Depth-first, left half first, so items are retried roughly in their original order.
  const pending: { items: T[]; cause: Error | undefined }[] = [{ items: batch, cause: undefined }];
  while (pending.length > 0) {
    const piece = pending.pop()!;
    if (outcome.attempts >= maxAttempts) {
      // maxAttempts >= 1, so any piece left over was split off a failed attempt and has a cause.
      outcome.failed.push({ items: piece.items, error: piece.cause ?? new Error('Batch attempt budget exhausted.') });
      continue;
    }
    outcome.attempts += 1;
    try {
      await handler(piece.items, { index, size: piece.items.length });
      outcome.processed += piece.items.length;
    } catch (thrown) {
      const error = toError(thrown);
      if (piece.items.length === 1) {
        outcome.failed.push({ items: piece.items, error });
      } else {
        const middle = Math.ceil(piece.items.length / 2);
        pending.push({ items: piece.items.slice(middle), cause: error });
        pending.push({ items: piece.items.slice(0, middle), cause: error });
      }
    }
  }
  return outcome;
}
