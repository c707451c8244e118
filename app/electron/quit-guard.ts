/** The part of Electron's `app` the quit guard uses (a fake in tests). */
export interface QuittableApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * Holds the quit until `stop` (the engine: workload, pools, and the local stack's
 * PostgreSQL and Redis) has finished, so that quitting the app leaves no process behind.
 *
 * The first `before-quit` is cancelled and starts `stop`; further quit requests while it
 * runs are cancelled too (stop runs once); when it settles, the guard quits for real. A
 * failing stop is logged and the app still quits: the next start's crash cleanup finds any
 * server left running. Electron turns SIGINT/SIGTERM/SIGHUP into a quit, so signals take
 * the same path.
 */
export function stopBeforeQuit(app: QuittableApp, stop: () => Promise<void>, log: (message: string) => void = console.error): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    Promise.resolve()
      .then(stop)
      .catch((error: unknown) => log(`Stopping the engine failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        state = 'stopped';
        app.quit();
      });
  });
}
