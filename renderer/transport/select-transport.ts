import type { EngineApi } from '../../main/contract/api.ts';
import type { HotpathBridge } from '../../main/contract/bridge.ts';
import { IpcEngineClient } from './ipc-engine-client.ts';
import { WsEngineClient, type WebSocketLike } from './ws-engine-client.ts';

/** Where the token of the headless server is kept, so that a reload still works. */
export const TOKEN_STORAGE_KEY = 'hotpath.token';

export type TransportChoice =
  | { kind: 'ipc'; bridge: HotpathBridge }
  | { kind: 'ws'; url: string }
  /** Browser mode, opened without the token hotpath printed. */
  | { kind: 'no-token' };

/** What the choice needs from the page; a parameter so that it is testable without a browser. */
export interface PageEnvironment {
  bridge: HotpathBridge | undefined;
  location: { href: string; protocol: string; host: string };
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'> | null;
  history: Pick<History, 'replaceState'>;
}

function readStored(storage: PageEnvironment['sessionStorage']): string | null {
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function store(storage: PageEnvironment['sessionStorage'], token: string): void {
  try {
    storage?.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Without session storage a reload needs the printed URL again; everything else works.
  }
}

/**
 * Picks the transport at start: the Electron preload's bridge when present, else the
 * headless server's WebSocket on the page's own host. The token arrives once in the
 * URL (`?token=`); it moves to sessionStorage (a reload keeps working, a new tab or a
 * restart does not) and out of the address bar, so it does not end up in bookmarks,
 * screenshots or the browser history.
 */
export function selectTransport(env: PageEnvironment): TransportChoice {
  if (env.bridge) return { kind: 'ipc', bridge: env.bridge };

  const url = new URL(env.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    store(env.sessionStorage, fromUrl);
    url.searchParams.delete('token');
    env.history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);
  }
  const token = fromUrl || readStored(env.sessionStorage);
  if (!token) return { kind: 'no-token' };
  const scheme = env.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return { kind: 'ws', url: `${scheme}//${env.location.host}/ws?token=${encodeURIComponent(token)}` };
}

/** An open contract connection; `onClose` fires when the engine goes away (never, over IPC). */
export interface EngineConnection {
  api: EngineApi;
  onClose(listener: () => void): void;
  close(): void;
}

export type SocketFactory = (url: string) => WebSocketLike;

/** Opens the chosen transport. The rest of the console only ever sees `api`. */
export async function openEngine(
  choice: Exclude<TransportChoice, { kind: 'no-token' }>,
  createSocket: SocketFactory = (url) => new WebSocket(url),
): Promise<EngineConnection> {
  if (choice.kind === 'ipc') {
    return { api: new IpcEngineClient(choice.bridge), onClose: () => undefined, close: () => undefined };
  }
  const socket = createSocket(choice.url);
  const client = await WsEngineClient.connect(socket);
  return {
    api: client,
    onClose: (listener) => socket.addEventListener('close', listener),
    close: () => client.close(),
  };
}
