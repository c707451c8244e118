// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Bootstrap } from '../../../renderer/app/bootstrap.tsx';
import { CONSOLE_PAGES } from '../../../renderer/app/page-registry.ts';
import type { EngineConnection, TransportChoice } from '../../../renderer/transport/select-transport.ts';
import { FakeEngineApi } from './fake-engine-api.ts';

afterEach(cleanup);

const environment = { theme: { storage: null, systemTheme: 'light' as const }, initialPage: null, pages: CONSOLE_PAGES };
const ws: TransportChoice = { kind: 'ws', url: 'ws://127.0.0.1:7300/ws?token=t' };

describe('bootstrap', () => {
  it('tells the user to open the printed address when there is no token', () => {
    render(createElement(Bootstrap, { choice: { kind: 'no-token' }, open: () => Promise.reject(new Error('unused')), environment }));
    expect(screen.getByRole('heading', { name: 'Open the address hotpath printed' })).toBeTruthy();
    expect(screen.getByTestId('token-missing').textContent).toContain('?token=');
  });

  it('shows why the engine is unreachable, and a retry opens a fresh console', async () => {
    let attempts = 0;
    const open = async (): Promise<EngineConnection> => {
      attempts++;
      if (attempts === 1) throw new Error('Could not open the engine WebSocket (is the token right?).');
      return { api: new FakeEngineApi(), onClose: () => undefined, close: () => undefined };
    };
    render(createElement(Bootstrap, { choice: ws, open, environment }));
    expect((await screen.findByTestId('engine-unreachable')).textContent).toContain('is the token right?');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    // A first run (disconnected, nothing saved) opens on the welcome page.
    expect(await screen.findByRole('heading', { name: 'Welcome to Hotpath' })).toBeTruthy();
    expect(attempts).toBe(2);
  });

  it('replaces the console with the retry screen when the connection closes', async () => {
    let closeConnection: () => void = () => undefined;
    const open = async (): Promise<EngineConnection> => ({
      api: new FakeEngineApi(),
      onClose: (listener) => (closeConnection = listener),
      close: () => undefined,
    });
    render(createElement(Bootstrap, { choice: ws, open, environment }));
    await screen.findByRole('heading', { name: 'Welcome to Hotpath' });
    closeConnection();
    expect((await screen.findByTestId('engine-unreachable')).textContent).toContain('The connection to the engine closed.');
  });
});
