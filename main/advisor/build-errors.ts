import { ContractError } from '../contract/api.ts';
import type { BuildStatus } from './build-history.ts';

export type IndexBuildErrorCode =
  'read-only' | 'invalid-spec' | 'table-busy' | 'not-built-by-hotpath' | 'index-missing' | 'definition-changed' | 'rollback-failed';

/**
 * Why the builder refused to act (read-only mode, a bad spec, a table already busy, a rollback it may not do).
 * A build that starts and then fails is not an error: it resolves with its status instead. A ContractError, so the
 * engine passes code, message and hint through to people unchanged.
 */
export class IndexBuildError extends ContractError {
  constructor(
    override readonly code: IndexBuildErrorCode,
    message: string,
    hint: string,
  ) {
    super(code, message, hint);
    this.name = 'IndexBuildError';
  }
}

/** SQLSTATEs that decide a failed build's status. */
const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';

/**
 * A failed CREATE INDEX → the status the history records. 57014 counts as 'cancelled' only when we asked for it:
 * a statement_timeout or someone else's pg_cancel_backend is a failure the user did not request.
 */
export function classifyBuildError(error: unknown, weCancelled: boolean): Exclude<BuildStatus, 'built' | 'rolled-back' | 'building'> {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === LOCK_NOT_AVAILABLE) return 'lock-timeout';
  if (code === QUERY_CANCELED && weCancelled) return 'cancelled';
  if (weCancelled && typeof code !== 'string') return 'cancelled';
  return 'failed';
}

/** The server's message with its detail (e.g. which key is duplicated), for the history and for people. */
export function describeError(error: unknown): string {
  const e = error as { message?: string; detail?: string } | null;
  const message = e?.message ?? String(error);
  return e?.detail ? `${message} (${e.detail})` : message;
}
