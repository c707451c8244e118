import { createElement, type ReactElement } from 'react';
import { render, type RenderResult } from '@testing-library/react';
import { ConsoleContext } from '../../../renderer/app/console-context.ts';
import { createConsoleServices, type ConsoleServices } from '../../../renderer/app/console-services.ts';
import type { PageRegistry } from '../../../renderer/app/page-definition.ts';
import { CONSOLE_PAGES } from '../../../renderer/app/page-registry.ts';
import type { PageId } from '../../../renderer/state/navigation-store.ts';
import { FakeEngineApi } from './fake-engine-api.ts';

export interface RenderedConsole extends RenderResult {
  api: FakeEngineApi;
  services: ConsoleServices;
}

/** Services on a fake engine, without starting them (a test loads what it needs). */
export function consoleServices(
  api = new FakeEngineApi(),
  initialPage: PageId | null = 'overview',
  storage: Storage | null = null,
  pages: PageRegistry = CONSOLE_PAGES,
): ConsoleServices {
  return createConsoleServices(api, { theme: { storage, systemTheme: 'light' }, initialPage, pages });
}

/** Renders `element` inside the console's context. */
export function renderInConsole(element: ReactElement, services = consoleServices()): RenderedConsole {
  const result = render(createElement(ConsoleContext.Provider, { value: services }, element));
  return { ...result, api: services.api as FakeEngineApi, services };
}
