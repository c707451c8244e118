import { describe, expect, it } from 'vitest';
import { createShortcutHandler, GO_PREFIX_TIMEOUT_MS, type ShortcutKey } from '../../../renderer/app/keyboard-shortcuts.ts';
import { navEntries } from '../../../renderer/app/page-definition.ts';
import { CONSOLE_PAGES } from '../../../renderer/app/page-registry.ts';
import type { PageId } from '../../../renderer/state/navigation-store.ts';

const key = (k: string, extra: Partial<ShortcutKey> = {}): ShortcutKey => ({
  key: k,
  code: /^[0-9]$/.test(k) ? `Digit${k}` : `Key${k.toUpperCase()}`,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  inTextField: false,
  ...extra,
});

function harness() {
  const pages: PageId[] = [];
  let now = 0;
  const handle = createShortcutHandler(
    navEntries(CONSOLE_PAGES),
    (p) => pages.push(p),
    () => now,
  );
  return { pages, handle, tick: (ms: number) => (now += ms) };
}

describe('page shortcuts', () => {
  it('Alt+1…3 open Overview, Database and Connections', () => {
    const { pages, handle } = harness();
    expect(handle(key('2', { altKey: true }))).toBe(true);
    handle(key('3', { altKey: true }));
    handle(key('1', { altKey: true }));
    expect(pages).toEqual(['database', 'connections', 'overview']);
  });

  it('reads the physical digit, as Alt+digit types a symbol on macOS', () => {
    const { pages, handle } = harness();
    handle({ ...key('™', { altKey: true }), code: 'Digit2' });
    expect(pages).toEqual(['database']);
  });

  it('Alt+8, g l open the Planner page; Alt+4, g h the Cache page; Alt+5, g p the Pool page', () => {
    const { pages, handle } = harness();
    expect(handle(key('8', { altKey: true }))).toBe(true);
    handle(key('g'));
    expect(handle(key('l'))).toBe(true);
    expect(handle(key('4', { altKey: true }))).toBe(true);
    handle(key('g'));
    expect(handle(key('h'))).toBe(true);
    expect(handle(key('5', { altKey: true }))).toBe(true);
    handle(key('g'));
    expect(handle(key('p'))).toBe(true);
    expect(pages).toEqual(['planner', 'planner', 'cache', 'cache', 'pool', 'pool']);
  });

  it('Alt+7 and g m open the Memory page', () => {
    const { pages, handle } = harness();
    expect(handle(key('7', { altKey: true }))).toBe(true);
    handle(key('g'));
    expect(handle(key('m'))).toBe(true);
    expect(pages).toEqual(['memory', 'memory']);
  });

  it('g then a letter switches pages', () => {
    const { pages, handle } = harness();
    expect(handle(key('g'))).toBe(false);
    expect(handle(key('d'))).toBe(true);
    handle(key('g'));
    handle(key('c'));
    expect(pages).toEqual(['database', 'connections']);
  });

  it('ignores g sequences typed into a text field', () => {
    const { pages, handle } = harness();
    handle(key('g', { inTextField: true }));
    handle(key('d', { inTextField: true }));
    expect(pages).toEqual([]);
  });

  it('forgets a lone g after a pause, and a letter without g', () => {
    const { pages, handle, tick } = harness();
    handle(key('g'));
    tick(GO_PREFIX_TIMEOUT_MS + 1);
    handle(key('d'));
    handle(key('o'));
    expect(pages).toEqual([]);
  });
});
