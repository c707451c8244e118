import type { EventEmitter } from 'node:events';
import { maskSecretsInText } from '../../main/stack/index.ts';

export interface FatalErrorOptions {
  /** Where the errors come from; default `process` ('uncaughtException' and 'unhandledRejection'). */
  source?: Pick<EventEmitter, 'on' | 'removeListener'>;
  /** Default stderr. */
  log?: (message: string) => void;
  /** Default process.exit. */
  exit?: (code: number) => void;
  /** How long `stop` may take before the process exits anyway; default 10 s. */
  deadlineMs?: number;
}

const DEFAULT_DEADLINE_MS = 10_000;

/**
 * An error nothing caught (thrown in a callback, or a rejection nobody awaited) ends the process as Node would
 * (exit 1), but first runs `stop`: left to Node's default, the local stack's PostgreSQL and Redis would outlive
 * the host until its next start cleaned them up. Node's documentation allows exactly this use of the event:
 * synchronous cleanup of resources, then exit, never carrying on. The stop is bounded; a second fatal error while
 * stopping exits at once. The message is masked, since a driver's error can quote a connection string.
 */
export function onFatalError(stop: () => Promise<void>, options: FatalErrorOptions = {}): () => void {
  const source = options.source ?? process;
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;

  const handler = (error: unknown): void => {
    const text = maskSecretsInText(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (stopping) {
      log(`Another unexpected error while stopping: ${text}`);
      exit(1);
      return;
    }
    stopping = true;
    log(`Unexpected error: ${text}\nStopping Hotpath and every server it started…`);
    const deadline = setTimeout(() => exit(1), options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    deadline.unref();
    Promise.resolve()
      .then(stop)
      .catch((stopError: unknown) =>
        log(`Shutdown failed: ${maskSecretsInText(stopError instanceof Error ? stopError.message : String(stopError))}`),
      )
      .finally(() => {
        clearTimeout(deadline);
        exit(1);
      });
  };

  source.on('uncaughtException', handler);
  source.on('unhandledRejection', handler);
  return () => {
    source.removeListener('uncaughtException', handler);
    source.removeListener('unhandledRejection', handler);
  };
}
