/**
 * The one error type the pool manager throws for its own decisions (errors the server raises while running a
 * query pass through unchanged, so the engine's PostgreSQL error mapping still sees their SQLSTATE).
 * Every message says what happened, with numbers and units; `hint` says what to do next.
 */
export type PoolErrorCode =
  | 'acquire-timeout'
  | 'pool-closed'
  | 'invalid-setting'
  | 'invalid-size'
  | 'invalid-parameter'
  | 'cancelled'
  | 'session-changed'
  | 'server-unavailable';

export class PoolError extends Error {
  override readonly name = 'PoolError';

  constructor(
    readonly code: PoolErrorCode,
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isPoolError(error: unknown, code?: PoolErrorCode): error is PoolError {
  return error instanceof PoolError && (code === undefined || error.code === code);
}

/**
 * True when an error means the connection itself is gone or unusable (socket closed, server shut down or
 * crashed), so the connection must be destroyed rather than returned. Errors with an ordinary SQLSTATE came from
 * a live backend that is ready for the next query.
 */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof PoolError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now; XX: internal.
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code.startsWith('XX');
}
