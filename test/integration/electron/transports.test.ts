import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { HotpathBridge } from '../../../main/contract/bridge.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { startHeadlessServer } from '../../../app/server/headless-server.ts';
import { APP_ENTRY_URL } from '../../../app/electron/app-origin.ts';
import { hostContractOverIpc } from '../../../app/electron/ipc-contract-host.ts';
import { BRIDGE_GLOBAL, exposeHotpathBridge } from '../../../app/electron/preload-bridge.ts';
import { BASIC_TEXT_WARNING, SafeStorageCipher, type SafeStorageLike } from '../../../app/electron/safe-storage-cipher.ts';
import { IpcEngineClient } from '../../../renderer/transport/ipc-engine-client.ts';
import { WsEngineClient } from '../../../renderer/transport/ws-engine-client.ts';
import { contractTransportSuite, type ConnectedTransport } from '../../support/contract-transport-suite.ts';
import { FakeContextBridge, FakeIpcMain, FakeRenderer } from '../../support/fake-electron-ipc.ts';

const scratchDirs: string[] = [];
afterAll(async () => {
  await Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hotpath-transport-'));
  scratchDirs.push(dir);
  return dir;
}

/** safeStorage on a Linux desktop without a keyring: works, with Electron's hard-coded key. */
const basicTextSafeStorage: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (plain) => Buffer.from(`enc:${plain}`),
  decryptString: (encrypted) => encrypted.toString().slice(4),
  getSelectedStorageBackend: () => 'basic_text',
};

/** (a) The headless server's WebSocket, as browser mode uses it. */
async function overWebSocket(): Promise<ConnectedTransport> {
  const engine = new Engine({ dataDir: await scratch(), host: 'headless' });
  const server = await startHeadlessServer({ engine, port: 0 });
  const client = await WsEngineClient.connect(new WebSocket(server.wsUrl));
  return {
    api: client,
    host: 'headless',
    async close() {
      client.close();
      await server.close();
      await engine.stop();
    },
  };
}

/**
 * (b) Electron IPC: the real host (ipc-contract-host), the real preload bridge exposed
 * through contextBridge, the renderer's IpcEngineClient, wired by an in-memory IPC that
 * structured-clones every message as Electron does.
 */
async function overIpc(): Promise<ConnectedTransport & { renderer: FakeRenderer }> {
  const engine = new Engine({
    dataDir: await scratch(),
    host: 'electron',
    secretCipher: new SafeStorageCipher(basicTextSafeStorage, 'linux'),
  });
  const ipcMain = new FakeIpcMain();
  const host = hostContractOverIpc(ipcMain, engine);
  const renderer = new FakeRenderer(ipcMain, APP_ENTRY_URL);
  host.attachWindow(renderer.webContents);
  const contextBridge = new FakeContextBridge();
  exposeHotpathBridge(contextBridge, renderer.ipcRenderer);
  const bridge = contextBridge.exposed.get(BRIDGE_GLOBAL) as unknown as HotpathBridge;
  return {
    api: new IpcEngineClient(bridge),
    host: 'electron',
    renderer,
    async close() {
      renderer.webContents.destroy();
      host.dispose();
      await engine.stop();
    },
  };
}

contractTransportSuite('the headless WebSocket', overWebSocket);
contractTransportSuite('Electron IPC (host + preload bridge + IpcEngineClient)', overIpc);

describe('Electron IPC specifics', () => {
  it('reports safeStorage, with the basic_text warning, as where saved passwords go', async () => {
    const transport = await overIpc();
    try {
      const list = await transport.api.call('profiles.list', {});
      expect(list.secretStorage).toEqual({ kind: 'safeStorage', canPersist: true, warning: BASIC_TEXT_WARNING });
    } finally {
      await transport.close();
    }
  });

  it('refuses calls once the page has navigated away from hotpath://app', async () => {
    const transport = await overIpc();
    try {
      transport.renderer.frameUrl = 'https://evil.example/';
      await expect(transport.api.call('engine.status', {})).rejects.toMatchObject({ code: 'forbidden' });
    } finally {
      await transport.close();
    }
  });
});
