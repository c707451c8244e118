import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IPC_INVOKE_CHANNEL } from '../../../main/contract/bridge.ts';
import type { FakeIpcMain } from '../../support/fake-electron-ipc.ts';
import { DESKTOP_OPTIONS_ENV } from '../../../app/cli/desktop-options.ts';

/**
 * app/electron/main.ts given options by `hotpath start` (HOTPATH_DESKTOP_OPTIONS), against a fake `electron`
 * module (no Electron binary here): the engine is built with them, and the --pg connection is attempted as serve
 * attempts it, its failure said with the password masked. The window wiring itself: main-wiring.test.ts.
 */
const fake = vi.hoisted(() => ({}) as { ready: () => void; app: EventEmitter; ipcMain: FakeIpcMain; windows: { webContents: unknown }[] });

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { FakeIpcMain: IpcMain } = await import('../../support/fake-electron-ipc.ts');
  let ready!: () => void;
  const whenReady = new Promise<void>((resolve) => (ready = resolve));
  let userData = '';
  const app = Object.assign(new Emitter(), {
    setPath: (_name: string, path: string) => (userData = path),
    getPath: () => userData,
    isPackaged: true,
    requestSingleInstanceLock: () => true,
    whenReady: () => whenReady,
    quit: () => undefined,
    exit: () => undefined,
  });
  class FakeWebContents extends Emitter {
    setWindowOpenHandler() {}
    send() {}
    isDestroyed() {
      return false;
    }
  }
  class FakeBrowserWindow extends Emitter {
    static getAllWindows = () => [];
    readonly webContents = new FakeWebContents();
    constructor() {
      super();
      fake.windows.push(this);
    }
    loadURL = () => Promise.resolve();
    isDestroyed = () => false;
  }
  Object.assign(fake, { ready, app, ipcMain: new IpcMain(), windows: [] });
  return {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: fake.ipcMain,
    protocol: { registerSchemesAsPrivileged: () => undefined, handle: () => undefined },
    safeStorage: { isEncryptionAvailable: () => false },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
      },
    },
    shell: { openExternal: async () => undefined },
  };
});

const userData = mkdtempSync(join(tmpdir(), 'hotpath-main-options-'));
const errors: string[] = [];
const invoke = async (command: string) => {
  const handler = fake.ipcMain.handlers.get(IPC_INVOKE_CHANNEL)!;
  const response = (await handler({ sender: fake.windows[0]!.webContents, senderFrame: { url: 'hotpath://app/index.html' } } as never, {
    command,
    params: {},
  })) as {
    ok: boolean;
    result: Record<string, unknown>;
  };
  expect(response).toMatchObject({ ok: true });
  return response.result;
};

describe('app/electron/main.ts with the options of `hotpath start`', () => {
  beforeAll(async () => {
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void errors.push(String(line)));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    process.env.HOTPATH_USER_DATA = userData;
    process.env[DESKTOP_OPTIONS_ENV] = JSON.stringify({
      // Port 1 on loopback: refused at once, so the connect fails fast and for certain.
      pg: 'postgres://me:not-shown@127.0.0.1:1/app',
      memoryBudget: '768MiB',
      readOnly: true,
      dataDir: '/ignored/because/HOTPATH_USER_DATA/is/set',
      chunks: 1000,
      localRedis: false,
      cache: true,
      cacheL1: 32,
      cacheL3: 'off',
    });
    await import('../../../app/electron/main.ts');
    fake.ready();
    await vi.waitFor(() => expect(fake.ipcMain.handlers.has(IPC_INVOKE_CHANNEL)).toBe(true));
  });
  afterAll(async () => {
    delete process.env.HOTPATH_USER_DATA;
    delete process.env[DESKTOP_OPTIONS_ENV];
    fake.app.emit('before-quit', { preventDefault: () => undefined });
    await new Promise((resolve) => setImmediate(resolve));
    rmSync(userData, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  it('takes them out of its environment once read, so no child process inherits the passwords they hold', () => {
    expect(process.env[DESKTOP_OPTIONS_ENV]).toBeUndefined();
  });

  it('builds the engine with them: the memory budget', async () => {
    expect(await invoke('memory.status')).toMatchObject({ budgetBytes: 768 * 1024 * 1024 });
  });

  it('attempts the --pg connection as serve does, and says why it failed without the password', async () => {
    await vi.waitFor(() => expect(errors.join('\n')).toContain('the connection to --pg did not come up'), { timeout: 30_000 });
    expect(errors.join('\n')).not.toContain('not-shown');
    expect(await invoke('engine.status')).toMatchObject({ phase: expect.not.stringMatching(/^ready$/) });
  });
});
