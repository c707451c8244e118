import { describe, expect, it } from 'vitest';
import type { HotpathBridge } from '../../../main/contract/bridge.ts';
import { openEngine, selectTransport, TOKEN_STORAGE_KEY, type PageEnvironment } from '../../../renderer/transport/select-transport.ts';
import { IpcEngineClient } from '../../../renderer/transport/ipc-engine-client.ts';
import type { WebSocketLike } from '../../../renderer/transport/ws-engine-client.ts';

function page(href: string, stored: string | null = null, bridge?: HotpathBridge) {
  const storage = new Map<string, string>(stored ? [[TOKEN_STORAGE_KEY, stored]] : []);
  const replaced: string[] = [];
  const url = new URL(href);
  const env: PageEnvironment = {
    bridge,
    location: { href, protocol: url.protocol, host: url.host },
    sessionStorage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    history: { replaceState: (_data: unknown, _unused: string, to?: string | URL | null) => void replaced.push(String(to)) },
  };
  return { env, storage, replaced };
}

const bridge: HotpathBridge = { invoke: async () => ({ ok: true, result: null }), on: () => () => undefined };

describe('selectTransport', () => {
  it('uses the Electron bridge when the preload exposed one', () => {
    const { env, replaced } = page('app://hotpath/index.html', null, bridge);
    expect(selectTransport(env)).toEqual({ kind: 'ipc', bridge });
    expect(replaced).toEqual([]);
  });

  it('opens the WebSocket on the page’s own host with the token from the URL', () => {
    const { env } = page('http://127.0.0.1:7300/?token=abc123');
    expect(selectTransport(env)).toEqual({ kind: 'ws', url: 'ws://127.0.0.1:7300/ws?token=abc123' });
  });

  it('uses wss behind https', () => {
    const { env } = page('https://console.example.com/?token=t');
    expect(selectTransport(env)).toEqual({ kind: 'ws', url: 'wss://console.example.com/ws?token=t' });
  });

  it('moves the token to sessionStorage and out of the address bar, keeping the rest', () => {
    const { env, storage, replaced } = page('http://127.0.0.1:7300/?token=abc&x=1#/database');
    selectTransport(env);
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('abc');
    expect(replaced).toEqual(['/?x=1#/database']);
  });

  it('finds the token in sessionStorage after a reload', () => {
    const { env, replaced } = page('http://127.0.0.1:7300/#/overview', 'kept');
    expect(selectTransport(env)).toEqual({ kind: 'ws', url: 'ws://127.0.0.1:7300/ws?token=kept' });
    expect(replaced).toEqual([]);
  });

  it('says there is no token when there is none', () => {
    expect(selectTransport(page('http://127.0.0.1:7300/').env)).toEqual({ kind: 'no-token' });
  });

  it('escapes the token in the WebSocket URL', () => {
    const { env } = page('http://127.0.0.1:7300/?token=a%26b%3D');
    expect(selectTransport(env)).toEqual({ kind: 'ws', url: 'ws://127.0.0.1:7300/ws?token=a%26b%3D' });
  });
});

class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: string[] = [];
  private readonly listeners = new Map<string, ((event: never) => void)[]>();
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.fire('close');
  }
  addEventListener(type: string, listener: (event: never) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  fire(type: string, event?: unknown) {
    for (const l of this.listeners.get(type) ?? []) l(event as never);
  }
}

describe('openEngine', () => {
  it('wraps the bridge in the IPC client', async () => {
    const connection = await openEngine({ kind: 'ipc', bridge });
    expect(connection.api).toBeInstanceOf(IpcEngineClient);
  });

  it('opens the socket and reports when it closes', async () => {
    let socket: FakeSocket | undefined;
    const opening = openEngine({ kind: 'ws', url: 'ws://127.0.0.1:7300/ws?token=t' }, (url) => (socket = new FakeSocket(url)));
    socket!.fire('open');
    const connection = await opening;
    let closed = false;
    connection.onClose(() => (closed = true));
    socket!.fire('close');
    expect(socket!.url).toBe('ws://127.0.0.1:7300/ws?token=t');
    expect(closed).toBe(true);
  });

  it('rejects when the socket cannot open (e.g. a stale token)', async () => {
    let socket: FakeSocket | undefined;
    const opening = openEngine({ kind: 'ws', url: 'ws://127.0.0.1:7300/ws?token=old' }, (url) => (socket = new FakeSocket(url)));
    socket!.fire('error');
    await expect(opening).rejects.toThrow(/token/);
  });
});
