import { createElement } from 'react';
import type { ConnectionProfile } from '../../../main/contract/profiles.ts';
import { ConnectionsPage } from '../../../renderer/pages/connections-page.tsx';
import { FakeEngineApi } from './fake-engine-api.ts';
import { consoleServices, renderInConsole, type RenderedConsole } from './render-console.ts';

type SecretStorage = { kind: 'none' | 'safeStorage'; canPersist: boolean; warning: string | null };

/** No secret storage: passwords are kept for the session only. */
export const NO_SECRET_STORAGE: SecretStorage = { kind: 'none', canPersist: false, warning: null };

/** The Connections page with these saved profiles loaded, on `api` (which answers `profiles.list`). */
export async function renderConnections(
  profiles: ConnectionProfile[],
  api = new FakeEngineApi(),
  secretStorage: SecretStorage = NO_SECRET_STORAGE,
): Promise<RenderedConsole> {
  api.handle('profiles.list', () => ({ profiles, secretStorage }));
  const services = consoleServices(api, 'connections');
  await services.profiles.getState().load();
  return renderInConsole(createElement(ConnectionsPage), services);
}
