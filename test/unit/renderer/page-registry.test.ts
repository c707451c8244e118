// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { createStore } from 'zustand/vanilla';
import { usePageState } from '../../../renderer/app/console-context.ts';
import {
  navEntries,
  pageFromHash,
  registryProblems,
  type PageDefinition,
  type PageRegistry,
} from '../../../renderer/app/page-definition.ts';
import { CONSOLE_PAGES } from '../../../renderer/app/page-registry.ts';
import { AppShell } from '../../../renderer/components/app-shell.tsx';
import type { PageId } from '../../../renderer/state/navigation-store.ts';
import { pageStore } from '../../../renderer/state/page-store.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { readyStatus } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

/** A page a test adds: its own store and its own component, as a new page in pages/ would have. */
interface NotesState {
  note: string;
  visible: boolean;
  polling: boolean;
  setVisible(visible: boolean): void;
  stopPolling(): void;
}
const NOTES_STORE = pageStore('notes', () =>
  createStore<NotesState>()((set) => ({
    note: 'Remember to vacuum.',
    visible: true,
    polling: true,
    setVisible: (visible) => set({ visible }),
    stopPolling: () => set({ polling: false }),
  })),
);

function NotesPage() {
  const note = usePageState(NOTES_STORE, (s) => s.note);
  return createElement('div', null, createElement('h1', null, 'Notes'), createElement('p', { 'data-testid': 'note' }, note));
}

const NOTES_PAGE: PageDefinition = {
  // The compiler knows the console's page ids; a page added at run time is one it cannot know.
  id: 'notes' as PageId,
  title: 'Notes',
  nav: { goKey: 'n' },
  component: NotesPage,
  stores: [NOTES_STORE],
};
const WITH_NOTES = [...CONSOLE_PAGES, NOTES_PAGE];

const stops: (() => void)[] = [];
beforeEach(() => window.history.replaceState(null, '', '/'));
afterEach(() => {
  stops.splice(0).forEach((stop) => stop());
  cleanup();
});

function renderShell(pages: PageRegistry = WITH_NOTES) {
  const services = consoleServices(
    new FakeEngineApi().handle('engine.status', () => readyStatus()),
    'overview',
    null,
    pages,
  );
  stops.push(services.start());
  return renderInConsole(createElement(AppShell), services);
}

const heading = () => screen.getByRole('heading', { level: 1 }).textContent;

describe('the shipped page registry', () => {
  it('lists the navigation as the console always had it: order, labels, Alt digits and go keys', () => {
    expect(navEntries(CONSOLE_PAGES).map((e) => `${e.label} Alt+${e.altDigit} g ${e.goKey} #/${e.page}`)).toEqual([
      'Overview Alt+1 g o #/overview',
      'Database Alt+2 g d #/database',
      'Connections Alt+3 g c #/connections',
      'Cache Alt+4 g h #/cache',
      'Pool Alt+5 g p #/pool',
      'Indexes Alt+6 g i #/indexes',
      'Memory Alt+7 g m #/memory',
      'Planner Alt+8 g l #/planner',
    ]);
    expect(pageFromHash(CONSOLE_PAGES, '#/welcome')).toBe('welcome');
    expect(pageFromHash(CONSOLE_PAGES, '#/nowhere')).toBeNull();
  });

  it('has no repeated id or go key, and no more entries than Alt+1…9 reach', () => {
    expect(registryProblems(CONSOLE_PAGES)).toEqual([]);
    expect(registryProblems(WITH_NOTES)).toEqual([]);
  });

  it('names the mistakes the compiler cannot see', () => {
    const twin = { ...NOTES_PAGE, title: 'Twin' };
    // Ten entries, too: the twin's go key repeats and it is one entry past Alt+9.
    expect(registryProblems([...WITH_NOTES, twin])).toEqual([
      'Page id "notes" is used twice.',
      'Go key "n" is used twice.',
      '10 navigation entries: Alt+1…9 reach only nine.',
    ]);
    const extra = (n: number) => ({ ...NOTES_PAGE, id: `extra-${n}` as PageId, nav: { goKey: `${n}` } });
    expect(registryProblems([...WITH_NOTES, extra(1)])).toEqual(['10 navigation entries: Alt+1…9 reach only nine.']);
  });
});

describe('a page added through the registry', () => {
  it('appears in the navigation after the others, with its Alt digit and go key', async () => {
    renderShell();
    await screen.findByRole('heading', { level: 1, name: 'Overview' });
    const nav = screen.getByRole('navigation', { name: 'Pages' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((link) => link.textContent)).toEqual([
      'OverviewAlt+1',
      'DatabaseAlt+2',
      'ConnectionsAlt+3',
      'CacheAlt+4',
      'PoolAlt+5',
      'IndexesAlt+6',
      'MemoryAlt+7',
      'PlannerAlt+8',
      'NotesAlt+9',
    ]);
    expect(links.at(-1)?.getAttribute('href')).toBe('#/notes');
    expect(links.at(-1)?.getAttribute('aria-keyshortcuts')).toBe('Alt+9');
    expect(nav.querySelector('.sidenav__hint')?.textContent).toBe('Keys: Alt+1…9, or g then o, d, c, h, p, i, m, l, n');
  });

  it('is reached by Alt+9, by g n and by its link, and renders from its own store', async () => {
    renderShell();
    await screen.findByRole('heading', { level: 1, name: 'Overview' });
    fireEvent.keyDown(window, { key: '9', code: 'Digit9', altKey: true });
    expect(heading()).toBe('Notes');
    expect(screen.getByTestId('note').textContent).toBe('Remember to vacuum.');
    expect(window.location.hash).toBe('#/notes');

    fireEvent.keyDown(window, { key: '1', code: 'Digit1', altKey: true });
    expect(heading()).toBe('Overview');
    fireEvent.keyDown(window, { key: 'g', code: 'KeyG' });
    fireEvent.keyDown(window, { key: 'n', code: 'KeyN' });
    expect(heading()).toBe('Notes');

    fireEvent.keyDown(window, { key: '1', code: 'Digit1', altKey: true });
    fireEvent.click(within(screen.getByRole('navigation', { name: 'Pages' })).getByRole('link', { name: /Notes/ }));
    expect(heading()).toBe('Notes');
  });

  it('opens from the address, as after a reload on #/notes', async () => {
    const initial = pageFromHash(WITH_NOTES, '#/notes');
    expect(initial).toBe('notes');
    const services = consoleServices(new FakeEngineApi(), initial, null, WITH_NOTES);
    stops.push(services.start());
    renderInConsole(createElement(AppShell), services);
    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('Notes');
  });

  it('gets its store created with the console, told of the window’s visibility, and stopped with it', () => {
    const services = consoleServices(new FakeEngineApi(), 'overview', null, WITH_NOTES);
    const notes = services.stores.get(NOTES_STORE);
    const stop = services.start();
    services.setVisible(false);
    expect(notes.getState().visible).toBe(false);
    stop();
    expect(notes.getState().polling).toBe(false);
  });

  it('is absent, with its store, from a console whose registry does not list it', () => {
    renderShell(CONSOLE_PAGES);
    expect(within(screen.getByRole('navigation', { name: 'Pages' })).queryByRole('link', { name: /Notes/ })).toBeNull();
    expect(() => consoleServices(new FakeEngineApi()).stores.get(NOTES_STORE)).toThrow(/No page lists the notes store/);
  });
});
