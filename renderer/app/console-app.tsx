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

  // A hidden window neither re-renders charts nor polls the database.
  const onVisibility = useCallback(
    (visible: boolean) => {
      services.telemetry.getState().setVisible(visible);
      services.database.getState().setVisible(visible);
      services.cache.getState().setVisible(visible);
      services.pool.getState().setVisible(visible);
      services.memory.getState().setVisible(visible);
      services.planner.getState().setVisible(visible);
      services.advisor.getState().setVisible(visible);
    },
    [services],
  );
  useDocumentVisibility(onVisibility);

  return (
    <ConsoleContext.Provider value={services}>
      <AppShell />
    </ConsoleContext.Provider>
  );
}
