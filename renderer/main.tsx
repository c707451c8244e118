import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { HotpathBridge } from '../main/contract/bridge.ts';
import { Bootstrap } from './app/bootstrap.tsx';
import { pageFromHash } from './app/page-definition.ts';
import { CONSOLE_PAGES } from './app/page-registry.ts';
import { openEngine, selectTransport } from './transport/select-transport.ts';
import './styles/theme.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/feedback.css';
import './styles/data-display.css';
import './styles/profiles-and-dialogs.css';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    hotpathBridge?: HotpathBridge;
  }
}

function safeStorage(get: () => Storage): Storage | null {
  try {
    return get();
  } catch {
    return null; // storage blocked (privacy settings, sandboxed frame)
  }
}

// Chosen once, before the first render: it moves the token out of the address bar.
const choice = selectTransport({
  bridge: window.hotpathBridge,
  location: window.location,
  sessionStorage: safeStorage(() => window.sessionStorage),
  history: window.history,
});

const environment = {
  theme: {
    storage: safeStorage(() => window.localStorage),
    systemTheme:
      typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches
        ? ('dark' as const)
        : ('light' as const),
  },
  initialPage: pageFromHash(CONSOLE_PAGES, window.location.hash),
  pages: CONSOLE_PAGES,
};

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <Bootstrap choice={choice} open={openEngine} environment={environment} />
  </StrictMode>,
);
