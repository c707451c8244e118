import type pg from 'pg';
import { sendCancelRequest, type Connection } from './connection.ts';
import { PoolError } from './pool-errors.ts';
import type { CallOptions } from './pooled-connection.ts';

/**
 * Races a running query against the caller's signal and timeout. When the caller gives up, the caller's
 * promise rejects at once, the server is told to cancel the query, and `connection.settling` holds the
 * connection back until the server has both received the cancel and ended the query, so a late cancel can never
 * hit the next caller's query on that connection.
 */
export function cancellable(
  connection: Connection,
  promise: Promise<pg.QueryResult>,
  options: CallOptions & { limitMs?: number },
  onCancel: () => void,
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    let finished = false;
    const { signal, timeoutMs } = options;
    const stop = (error: PoolError): void => {
      if (finished) return;
      finished = true;
      cleanup();
      onCancel();
      connection.settling = Promise.all([promise.catch(() => undefined), sendCancelRequest(connection.client)]);
      reject(error);
    };
    const onAbort = (): void =>
      stop(
        new PoolError(
          'cancelled',
          'The caller gave up; the query was cancelled on the server.',
          'Nothing more runs; retry if still needed.',
        ),
      );
    const timer =
      timeoutMs !== undefined
        ? setTimeout(
            () =>
              stop(
                new PoolError(
                  'cancelled',
                  `The query ran longer than the caller's limit of ${Math.round(options.limitMs ?? timeoutMs)} ms and was cancelled on the server.`,
                  'Raise timeoutMs, or make the query cheaper (see its plan).',
                ),
              ),
            timeoutMs,
          )
        : undefined;
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (result) => {
        if (!finished) {
          finished = true;
          cleanup();
          resolve(result);
        }
      },
      (error: unknown) => {
        if (!finished) {
          finished = true;
          cleanup();
          reject(error);
        }
      },
    );
  });
}

/** True if the promise settled within `ms`, false if the deadline came first. */
export async function withDeadline(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
