import { useCallback, useEffect, useState } from 'react';
import type { EngineApi } from '../../main/contract/api.ts';
import { AppShell } from '../components/app-shell.tsx';
import { useDocumentVisibility } from '../hooks/use-document-visibility.ts';
import { ConsoleContext } from './console-context.ts';
import { createConsoleServices, type ConsoleEnvironment, type ConsoleServices } from './console-services.ts';

interface ConsoleAppProps {
  api: EngineApi;
  environment: ConsoleEnvironment;
  /** For tests: services built beforehand (their `start` is still called here). */
  services?: ConsoleServices;
}

/** The console for one engine connection: builds the stores, starts them, and shows the shell. */
export function ConsoleApp({ api, environment, services: given }: ConsoleAppProps) {
  const [services] = useState(() => given ?? createConsoleServices(api, environment));
  useEffect(() => services.start(), [services]);

  const onVisibility = useCallback((visible: boolean) => services.setVisible(visible), [services]);
  useDocumentVisibility(onVisibility);

  return (
    <ConsoleContext.Provider value={services}>
      <AppShell />
    </ConsoleContext.Provider>
  );
}
