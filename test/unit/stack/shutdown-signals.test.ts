import { constants } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onShutdownSignal } from '../../../app/cli/shutdown-signals.ts';

// A signal nobody else in the test worker listens to; `process.emit` only calls listeners, it sends nothing.
const SIGNAL = 'SIGUSR2' as const;

function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('onShutdownSignal', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => uninstall?.());

  it('runs stop once and exits 0 after it has finished', async () => {
    const events: string[] = [];
    let finish!: () => void;
    uninstall = onShutdownSignal(
      () => {
        events.push('stop');
        return new Promise<void>((resolve) => (finish = resolve));
      },
      { signals: [SIGNAL], log: () => undefined, exit: (code) => events.push(`exit ${code}`) },
    );

    process.emit(SIGNAL, SIGNAL);
    await flush();
    expect(events).toEqual(['stop']);
    finish();
    await flush();
    expect(events).toEqual(['stop', 'exit 0']);
  });

  it('exits 1 when stop fails, and says why', async () => {
    const exits: number[] = [];
    const logs: string[] = [];
    uninstall = onShutdownSignal(
      async () => {
        throw new Error('redis would not stop');
      },
      { signals: [SIGNAL], log: (m) => logs.push(m), exit: (code) => exits.push(code) },
    );

    process.emit(SIGNAL, SIGNAL);
    await flush();
    expect(exits).toEqual([1]);
    expect(logs.join('\n')).toContain('redis would not stop');
  });

  it('a second signal while stopping exits at once without running stop again', async () => {
    let stops = 0;
    let clock = 0;
    const exits: number[] = [];
    uninstall = onShutdownSignal(
      () => {
        stops++;
        return new Promise<void>(() => undefined);
      },
      { signals: [SIGNAL], log: () => undefined, exit: (code) => exits.push(code), now: () => clock },
    );

    process.emit(SIGNAL, SIGNAL);
    await flush();
    clock += 1_500;
    process.emit(SIGNAL, SIGNAL);
    expect(stops).toBe(1);
    expect(exits).toEqual([128 + constants.signals[SIGNAL]]);
  });

  it('the same signal twice at once (timeout signals the process and its group) is one request to stop', async () => {
    let clock = 0;
    const exits: number[] = [];
    let finish!: () => void;
    uninstall = onShutdownSignal(() => new Promise<void>((resolve) => (finish = resolve)), {
      signals: [SIGNAL],
      log: () => undefined,
      exit: (code) => exits.push(code),
      now: () => clock,
    });

    process.emit(SIGNAL, SIGNAL);
    clock += 5;
    process.emit(SIGNAL, SIGNAL);
    await flush();
    expect(exits).toEqual([]);
    finish();
    await flush();
    expect(exits).toEqual([0]);
  });

  it('uninstalling removes the handlers', () => {
    const before = process.listenerCount(SIGNAL);
    const off = onShutdownSignal(async () => undefined, { signals: [SIGNAL] });
    expect(process.listenerCount(SIGNAL)).toBe(before + 1);
    off();
    expect(process.listenerCount(SIGNAL)).toBe(before);
  });
});

describe('onShutdownSignal bounds and exit codes', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => {
    uninstall?.();
    vi.useRealTimers();
  });

  it('exits 1 with a message when stop has not finished by the deadline, and only once', async () => {
    vi.useFakeTimers();
    const exits: number[] = [];
    const logs: string[] = [];
    uninstall = onShutdownSignal(() => new Promise<void>(() => undefined), {
      signals: [SIGNAL],
      log: (m) => logs.push(m),
      exit: (code) => exits.push(code),
      deadlineMs: 5000,
    });
    process.emit(SIGNAL, SIGNAL);
    await vi.advanceTimersByTimeAsync(4999);
    expect(exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(exits).toEqual([1]);
    expect(logs.at(-1)).toMatch(/did not finish within 5 s.*next start/);
  });

  it('does not fire the deadline after a clean stop', async () => {
    vi.useFakeTimers();
    const exits: number[] = [];
    uninstall = onShutdownSignal(async () => undefined, {
      signals: [SIGNAL],
      log: () => undefined,
      exit: (code) => exits.push(code),
      deadlineMs: 5000,
    });
    process.emit(SIGNAL, SIGNAL);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(exits).toEqual([0]);
  });

  it('an interrupted command exits 128 + the signal number even after a clean stop', async () => {
    const exits: number[] = [];
    uninstall = onShutdownSignal(async () => undefined, {
      signals: [SIGNAL],
      log: () => undefined,
      exit: (code) => exits.push(code),
      interruptedIsFailure: true,
    });
    process.emit(SIGNAL, SIGNAL);
    await flush();
    await flush();
    expect(exits).toEqual([128 + constants.signals[SIGNAL]]);
  });
});
