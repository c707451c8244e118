import { describe, expect, it } from 'vitest';
import { createNotificationsStore, MAX_NOTIFICATIONS } from '../../../renderer/state/notifications-store.ts';
import { createTaskProgressStore, progressFraction } from '../../../renderer/state/task-progress-store.ts';
import { createThemeStore, THEME_STORAGE_KEY } from '../../../renderer/state/theme-store.ts';
import { EngineCallError } from '../../../renderer/transport/engine-call-error.ts';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

describe('theme store', () => {
  it('follows the OS until the user picks, then remembers the pick', () => {
    const storage = memoryStorage();
    const store = createThemeStore({ storage, systemTheme: 'dark' });
    expect(store.getState().theme).toBe('dark');
    store.getState().setSystemTheme('light');
    expect(store.getState().theme).toBe('light');
    store.getState().toggle();
    expect(store.getState().theme).toBe('dark');
    expect(storage.data.get(THEME_STORAGE_KEY)).toBe('dark');
    store.getState().setSystemTheme('light');
    expect(store.getState().theme).toBe('dark'); // the user's choice wins over the OS now
  });

  it('starts from a saved choice', () => {
    expect(createThemeStore({ storage: memoryStorage({ [THEME_STORAGE_KEY]: 'light' }), systemTheme: 'dark' }).getState().theme).toBe(
      'light',
    );
  });

  it('works when storage throws (blocked by the browser)', () => {
    const throwing = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
      removeItem: () => undefined,
    };
    const store = createThemeStore({ storage: throwing, systemTheme: 'light' });
    store.getState().toggle();
    expect(store.getState().theme).toBe('dark');
  });
});

describe('task progress store', () => {
  it('keeps the latest progress per task', () => {
    const store = createTaskProgressStore();
    store.getState().apply({ task: 'seed', phase: 'chunks', message: 'Seeding chunks', done: 10, total: 100 });
    store.getState().apply({ task: 'seed', phase: 'chunks', message: 'Seeding chunks', done: 50, total: 100 });
    expect(store.getState().tasks.seed?.done).toBe(50);
    expect(store.getState().tasks.stack).toBeNull();
    store.getState().clear('seed');
    expect(store.getState().tasks.seed).toBeNull();
  });

  it('has no fraction when the total is unknown', () => {
    expect(progressFraction({ task: 'stack', phase: 'initdb', message: 'Creating the cluster', done: 0, total: 0 })).toBeNull();
    expect(progressFraction({ task: 'seed', phase: 'x', message: '', done: 25, total: 100 })).toBe(0.25);
  });
});

describe('notifications store', () => {
  it('keeps an engine error’s message and hint', () => {
    const store = createNotificationsStore();
    store.getState().pushError('Could not load the history', new EngineCallError({ code: 'x', message: 'It broke.', hint: 'Retry.' }));
    expect(store.getState().items[0]).toMatchObject({
      tone: 'error',
      title: 'Could not load the history',
      message: 'It broke.',
      hint: 'Retry.',
    });
  });

  it('keeps only the newest few, and dismisses by id', () => {
    const store = createNotificationsStore();
    const ids = Array.from({ length: MAX_NOTIFICATIONS + 2 }, (_, i) =>
      store.getState().push({ tone: 'info', title: `n${i}`, message: '' }),
    );
    expect(store.getState().items).toHaveLength(MAX_NOTIFICATIONS);
    store.getState().dismiss(ids.at(-1)!);
    expect(store.getState().items.map((n) => n.title)).not.toContain(`n${MAX_NOTIFICATIONS + 1}`);
  });
});
