import { describe, expect, it } from 'vitest';
import { stopBeforeQuit, type QuittableApp } from '../../../app/electron/quit-guard.ts';

/** Electron's quit sequence, reduced: quit() emits before-quit, and quits unless it was prevented. */
class FakeApp implements QuittableApp {
  private listener: ((event: { preventDefault(): void }) => void) | null = null;
  quitted = false;
  prevented = 0;

  on(_event: 'before-quit', listener: (event: { preventDefault(): void }) => void): this {
    this.listener = listener;
    return this;
  }

  quit(): void {
    let prevented = false;
    this.listener?.({ preventDefault: () => (prevented = true) });
    if (prevented) this.prevented++;
    else this.quitted = true;
  }
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** An app guarded by stopBeforeQuit whose stop finishes only when the test resolves it; counts the stops. */
function guardedApp() {
  const app = new FakeApp();
  const stop = deferred();
  let count = 0;
  stopBeforeQuit(app, () => {
    count++;
    return stop.promise;
  });
  return { app, stop, stops: () => count };
}

describe('stopBeforeQuit', () => {
  it('holds the quit until the engine has stopped, then quits', async () => {
    const { app, stop, stops } = guardedApp();
    app.quit();
    await settle();
    expect(app.quitted).toBe(false);
    expect(stops()).toBe(1);
    stop.resolve();
    await settle();
    expect(app.quitted).toBe(true);
  });

  it('stops once when asked to quit again while stopping', async () => {
    const { app, stop, stops } = guardedApp();
    app.quit();
    app.quit();
    app.quit();
    await settle();
    expect(stops()).toBe(1);
    expect(app.prevented).toBe(3);
    expect(app.quitted).toBe(false);
    stop.resolve();
    await settle();
    expect(app.quitted).toBe(true);
    expect(stops()).toBe(1);
  });

  it('still quits when stopping fails, and says why', async () => {
    const app = new FakeApp();
    const logged: string[] = [];
    stopBeforeQuit(
      app,
      () => Promise.reject(new Error('redis-server would not die')),
      (m) => logged.push(m),
    );
    app.quit();
    await settle();
    await settle();
    expect(app.quitted).toBe(true);
    expect(logged).toEqual(['Stopping the engine failed: redis-server would not die']);
  });

  it('treats a stop that throws synchronously like a failed one', async () => {
    const app = new FakeApp();
    const logged: string[] = [];
    stopBeforeQuit(
      app,
      () => {
        throw new Error('sync');
      },
      (m) => logged.push(m),
    );
    app.quit();
    await settle();
    expect(app.quitted).toBe(true);
    expect(logged).toEqual(['Stopping the engine failed: sync']);
  });
});
