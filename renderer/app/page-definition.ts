import type { ComponentType } from 'react';
import type { PageId } from '../state/navigation-store.ts';
import type { PageStoreDefinition } from '../state/page-store.ts';

/** One page of the console: everything the shell needs to list it, reach it, route to it and feed it. */
export interface PageDefinition<Id extends string = PageId> {
  /** The address says it (`#/database`) and the code navigates by it. */
  id: Id;
  /** The page's name, as its navigation entry shows it. */
  title: string;
  /**
   * Its navigation entry, or null for a page reached only from another (welcome). Entries keep the registry's
   * order, and Alt+N opens the N-th; `goKey` is the second key of "g then key".
   */
  nav: { goKey: string } | null;
  /** Mounted only while the page is shown, so only it polls or renders charts. */
  component: ComponentType;
  /** The stores only this page (and its components) read: created with the console, stopped with it. */
  stores: readonly PageStoreDefinition[];
}

/** Every page, in navigation order. */
export type PageRegistry = readonly PageDefinition[];

/** A page's navigation entry, with the digit of its Alt shortcut. */
export interface NavEntry {
  page: PageId;
  label: string;
  goKey: string;
  altDigit: number;
}

export function findPage(registry: PageRegistry, id: string): PageDefinition | undefined {
  return registry.find((page) => page.id === id);
}

/** The navigation entries, in registry order; Alt+1…9 reach the first nine. */
export function navEntries(registry: PageRegistry): NavEntry[] {
  return registry
    .flatMap((page) => (page.nav === null ? [] : [{ page: page.id, label: page.title, goKey: page.nav.goKey }]))
    .map((entry, index) => ({ ...entry, altDigit: index + 1 }));
}

/** The page named by an address hash such as `#/database`, or null. */
export function pageFromHash(registry: PageRegistry, hash: string): PageId | null {
  return findPage(registry, hash.replace(/^#\/?/, ''))?.id ?? null;
}

/** The mistakes a registry can hold that the compiler cannot see (a test checks the shipped registry with it). */
export function registryProblems(registry: PageRegistry): string[] {
  const problems: string[] = [];
  const repeated = (values: readonly unknown[]) => values.filter((value, index) => values.indexOf(value) !== index);
  for (const id of repeated(registry.map((page) => page.id))) problems.push(`Page id "${id}" is used twice.`);
  const entries = navEntries(registry);
  for (const key of repeated(entries.map((entry) => entry.goKey))) problems.push(`Go key "${key}" is used twice.`);
  if (entries.length > 9) problems.push(`${entries.length} navigation entries: Alt+1…9 reach only nine.`);
  return problems;
}
