import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IPC_INVOKE_CHANNEL } from '../../../main/contract/bridge.ts';
import { type FakeIpcMain } from '../../support/fake-electron-ipc.ts';

/**
 * app/electron/main.ts against a fake `electron` module: the Electron binary is not available
 * here, so this is how its wiring is checked (scheme registered before ready, window options,
 * guards, IPC, quit). The pieces themselves have their own tests.
 */
interface Fake {
  calls: string[];
  readyResolve: () => void;
  app: EventEmitter & { quitCalls: number; getPath(): string };
  FakeBrowserWindow: { all: FakeWindow[] };
  permissionRequest: ((...args: unknown[]) => void) | null;
  opened: string[];
  schemes: unknown[];
  protocolHandlers: Map<string, unknown>;
  ipcMain: FakeIpcMain;
}

interface FakeWindow {
  options: { webPreferences: Record<string, unknown>; icon?: string };
  loadedUrl: string | null;
  webContents: EventEmitter & { windowOpenHandler: ((details: { url: string }) => { action: string }) | null };
}

// Filled in by the mock factory, which runs when main.ts imports electron.
const fake = vi.hoisted(() => ({}) as Fake);

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { FakeIpcMain: IpcMain } = await import('../../support/fake-electron-ipc.ts');
  let readyResolve!: () => void;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));

  class FakeWebContents extends Emitter {
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    }
    send() {}
    isDestroyed() {
      return false;
    }
  }

  const app = Object.assign(new Emitter(), {
    userData: '',
    quitCalls: 0,
    setPath(_name: string, path: string) {
      app.userData = path;
    },
    getPath: () => app.userData,
    isPackaged: true,
    requestSingleInstanceLock: () => true,
    whenReady: () => {
      fake.calls.push('whenReady');
      return ready;
    },
    quit: () => {
      app.quitCalls++;
    },
    exit: () => undefined,
  });

  class FakeBrowserWindow extends Emitter {
    static all: FakeBrowserWindow[] = [];
    static getAllWindows() {
      return FakeBrowserWindow.all;
    }
    readonly webContents = new FakeWebContents();
    loadedUrl: string | null = null;
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      super();
      FakeBrowserWindow.all.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string) {
      this.loadedUrl = url;
      return Promise.resolve();
    }
    show() {}
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
  }

  Object.assign(fake, {
    calls: [],
    readyResolve,
    app,
    FakeBrowserWindow,
    permissionRequest: null,
    opened: [],
    schemes: [],
    protocolHandlers: new Map(),
    ipcMain: new IpcMain(),
  } satisfies Fake);

  return {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: fake.ipcMain,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        fake.calls.push('registerSchemesAsPrivileged');
        fake.schemes.push(...schemes);
      },
      handle: (scheme: string, handler: unknown) => fake.protocolHandlers.set(scheme, handler),
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(s),
      decryptString: (b: Buffer) => b.toString(),
      getSelectedStorageBackend: () => 'gnome_libsecret',
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (...args: unknown[]) => void) => (fake.permissionRequest = handler),
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
      },
    },
    shell: {
      openExternal: async (url: string) => {
        fake.opened.push(url);
      },
    },
  };
});

const userData = mkdtempSync(join(tmpdir(), 'hotpath-main-wiring-'));
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('app/electron/main.ts wiring', () => {
  beforeAll(async () => {
    process.env.HOTPATH_USER_DATA = userData;
    await import('../../../app/electron/main.ts');
    fake.readyResolve();
    await settle();
  });
  afterAll(async () => {
    delete process.env.HOTPATH_USER_DATA;
    // Quit, so the engine created by main.ts stops (and its ticker with it).
    fake.app.emit('before-quit', { preventDefault: () => undefined });
    await settle();
    rmSync(userData, { recursive: true, force: true });
  });

  const window = () => fake.FakeBrowserWindow.all[0]!;

  it('registers the privileged app scheme before asking for ready', () => {
    expect(fake.calls.indexOf('registerSchemesAsPrivileged')).toBeGreaterThanOrEqual(0);
    expect(fake.calls.indexOf('registerSchemesAsPrivileged')).toBeLessThan(fake.calls.indexOf('whenReady'));
    expect(fake.schemes).toEqual([
      expect.objectContaining({ scheme: 'hotpath', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    expect(fake.protocolHandlers.has('hotpath')).toBe(true);
  });

  it('opens one sandboxed, isolated window on hotpath://app with the CommonJS preload', () => {
    expect(fake.FakeBrowserWindow.all).toHaveLength(1);
    expect(window().options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: false,
      preload: expect.stringMatching(/preload[/\\]index\.cjs$/),
    });
    expect(window().loadedUrl).toBe('hotpath://app/index.html');
  });

  it("shows the app's icon (assets/build/icon.png, made by tools/make-icons.ts)", () => {
    expect(window().options.icon).toMatch(/assets[/\\]build[/\\]icon\.png$/);
  });

  it('keeps the window on our pages: external links go to the browser, new windows are denied', () => {
    const contents = window().webContents;
    const navigate = (url: string) => {
      const event = {
        url,
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
      };
      contents.emit('will-navigate', event);
      return event.prevented;
    };
    expect(navigate('hotpath://app/index.html')).toBe(false);
    expect(navigate('https://www.postgresql.org/docs/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://github.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'smb://host/share' })).toEqual({ action: 'deny' });
    expect(fake.opened).toEqual(['https://www.postgresql.org/docs/', 'https://github.com/']);
  });

  it('denies permission requests', () => {
    const answers: boolean[] = [];
    fake.permissionRequest!(window().webContents, 'media', (granted: boolean) => answers.push(granted), {
      requestingUrl: 'hotpath://app/index.html',
    });
    expect(answers).toEqual([false]);
  });

  it('answers the contract over IPC for the window, with the data folder from userData', async () => {
    const ipcMain = fake.ipcMain;
    const handler = ipcMain.handlers.get(IPC_INVOKE_CHANNEL)!;
    const event = { sender: window().webContents, senderFrame: { url: 'hotpath://app/index.html' } };
    expect(await handler(event, { command: 'engine.status', params: {} })).toMatchObject({
      ok: true,
      result: { phase: 'disconnected', host: 'electron' },
    });
    expect(fake.app.getPath()).toBe(userData);
  });

  it('quits when the last window closes, after holding the quit until the engine stopped', async () => {
    fake.app.emit('window-all-closed');
    expect(fake.app.quitCalls).toBe(1);
    let prevented = false;
    fake.app.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await settle();
    await settle();
    expect(fake.app.quitCalls).toBe(2);
    expect(fake.ipcMain.handlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
  });
});
