import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onFatalError } from '../../../app/cli/fatal-errors.ts';

function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('onFatalError', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => {
    uninstall?.();
    vi.useRealTimers();
  });

  it.each(['uncaughtException', 'unhandledRejection'])(
    'on %s, stops what was started, then exits 1, with the secret masked',
    async (event) => {
      const source = new EventEmitter();
      const events: string[] = [];
      const logs: string[] = [];
      let finish!: () => void;
      uninstall = onFatalError(
        () => {
          events.push('stop');
          return new Promise<void>((resolve) => (finish = resolve));
        },
        { source, log: (m) => logs.push(m), exit: (code) => events.push(`exit ${code}`) },
      );

      source.emit(event, new Error('connect failed for postgres://me:hunter2@db/app'));
      await flush();
      expect(events).toEqual(['stop']);
      finish();
      await flush();
      expect(events).toEqual(['stop', 'exit 1']);
      expect(logs.join('\n')).toContain('Unexpected error');
      expect(logs.join('\n')).not.toContain('hunter2');
    },
  );

  it('exits 1 even when stop fails, and a second error while stopping exits at once', async () => {
    const source = new EventEmitter();
    const exits: number[] = [];
    let fail!: (error: Error) => void;
    uninstall = onFatalError(() => new Promise<void>((_resolve, reject) => (fail = reject)), {
      source,
      log: () => undefined,
      exit: (code) => exits.push(code),
    });
    source.emit('uncaughtException', new Error('first'));
    await flush();
    source.emit('uncaughtException', new Error('second'));
    expect(exits).toEqual([1]);
    fail(new Error('redis would not stop'));
    await flush();
    expect(exits).toEqual([1, 1]);
  });

  it('exits 1 when stop hangs past the deadline', async () => {
    vi.useFakeTimers();
    const source = new EventEmitter();
    const exits: number[] = [];
    uninstall = onFatalError(() => new Promise<void>(() => undefined), {
      source,
      log: () => undefined,
      exit: (code) => exits.push(code),
      deadlineMs: 5_000,
    });
    source.emit('uncaughtException', new Error('boom'));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(exits).toEqual([1]);
  });

  it('uninstalls its listeners', () => {
    const source = new EventEmitter();
    const off = onFatalError(async () => undefined, { source, log: () => undefined, exit: () => undefined });
    expect(source.listenerCount('uncaughtException')).toBe(1);
    off();
    expect(source.listenerCount('uncaughtException') + source.listenerCount('unhandledRejection')).toBe(0);
  });
});
