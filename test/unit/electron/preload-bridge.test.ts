import { describe, expect, it } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type HotpathBridge } from '../../../main/contract/bridge.ts';
import { BRIDGE_GLOBAL, createHotpathBridge, exposeHotpathBridge } from '../../../app/electron/preload-bridge.ts';
import { FakeContextBridge, FakeIpcMain, FakeRenderer } from '../../support/fake-electron-ipc.ts';

function setUp() {
  const ipcMain = new FakeIpcMain();
  const renderer = new FakeRenderer(ipcMain, 'hotpath://app/index.html');
  return { ipcMain, renderer, bridge: createHotpathBridge(renderer.ipcRenderer) };
}

/** What the host does for an engine event. */
function push(renderer: FakeRenderer, event: string, payload: unknown): void {
  renderer.webContents.send(IPC_EVENT_CHANNEL, { event, payload });
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('the preload bridge', () => {
  it('exposes exactly invoke and on as window.hotpathBridge, never ipcRenderer', () => {
    const contextBridge = new FakeContextBridge();
    const { renderer } = setUp();
    exposeHotpathBridge(contextBridge, renderer.ipcRenderer);
    expect([...contextBridge.exposed.keys()]).toEqual([BRIDGE_GLOBAL]);
    expect(BRIDGE_GLOBAL).toBe('hotpathBridge');
    const exposed = contextBridge.exposed.get(BRIDGE_GLOBAL)!;
    expect(Object.keys(exposed).sort()).toEqual(['invoke', 'on']);
    expect(Object.values(exposed).every((value) => typeof value === 'function')).toBe(true);
    expect(Object.values(exposed)).not.toContain(renderer.ipcRenderer);
  });

  it('invoke sends { command, params } on the invoke channel and returns the response', async () => {
    const { ipcMain, renderer, bridge } = setUp();
    const seen: unknown[] = [];
    ipcMain.handle(IPC_INVOKE_CHANNEL, async (_event, message) => {
      seen.push(message);
      return { ok: true, result: { phase: 'disconnected' } };
    });
    expect(await bridge.invoke('engine.status', { a: 1 })).toEqual({ ok: true, result: { phase: 'disconnected' } });
    expect(seen).toEqual([{ command: 'engine.status', params: { a: 1 } }]);
    expect(renderer.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);
  });

  it('invoke answers ok:false (never rejects) when IPC itself fails', async () => {
    const { bridge } = setUp();
    const response = await bridge.invoke('engine.status', {});
    expect(response).toMatchObject({ ok: false, error: { code: 'ipc-failed', message: expect.stringContaining('No handler registered') } });
  });

  it('invoke refuses a command name that is not a string without sending anything', async () => {
    const { ipcMain, bridge } = setUp();
    let sent = 0;
    ipcMain.handle(IPC_INVOKE_CHANNEL, async () => ++sent);
    expect(await bridge.invoke(42 as unknown as string, {})).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(sent).toBe(0);
  });

  it('on delivers only its own event, and only the payload (never the IPC event object)', async () => {
    const { renderer, bridge } = setUp();
    const statuses: unknown[][] = [];
    const snapshots: unknown[][] = [];
    bridge.on('engine.status', (...args) => statuses.push(args));
    bridge.on('telemetry.snapshot', (...args) => snapshots.push(args));
    push(renderer, 'telemetry.snapshot', { at: 1 });
    push(renderer, 'engine.status', { phase: 'ready' });
    push(renderer, 'telemetry.snapshot', { at: 2 });
    await flush();
    expect(statuses).toEqual([[{ phase: 'ready' }]]);
    expect(snapshots).toEqual([[{ at: 1 }], [{ at: 2 }]]);
  });

  it('ignores malformed event messages', async () => {
    const { renderer, bridge } = setUp();
    const got: unknown[] = [];
    bridge.on('engine.status', (payload) => got.push(payload));
    renderer.webContents.send(IPC_EVENT_CHANNEL, 'engine.status');
    renderer.webContents.send(IPC_EVENT_CHANNEL, { event: 7, payload: 1 });
    renderer.webContents.send(IPC_EVENT_CHANNEL, null);
    await flush();
    expect(got).toEqual([]);
  });

  it('the function on returns unsubscribes, and the last one removes the IPC listener', async () => {
    const { renderer, bridge } = setUp();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = bridge.on('engine.status', (p) => a.push(p));
    const offB = bridge.on('engine.status', (p) => b.push(p));
    expect(renderer.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(1);
    offA();
    offA();
    push(renderer, 'engine.status', 1);
    await flush();
    expect(a).toEqual([]);
    expect(b).toEqual([1]);
    offB();
    expect(renderer.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);
    const again: unknown[] = [];
    bridge.on('engine.status', (p) => again.push(p));
    push(renderer, 'engine.status', 2);
    await flush();
    expect(again).toEqual([2]);
    expect(b).toEqual([1]);
  });

  it('on rejects a handler that is not a function', () => {
    const { bridge } = setUp();
    expect(() => bridge.on('engine.status', 'nope' as unknown as () => void)).toThrow(TypeError);
  });

  it('works through the contextBridge copy, as the page calls it', async () => {
    const contextBridge = new FakeContextBridge();
    const { ipcMain, renderer } = setUp();
    ipcMain.handle(IPC_INVOKE_CHANNEL, async () => ({ ok: true, result: 'pong' }));
    exposeHotpathBridge(contextBridge, renderer.ipcRenderer);
    const page = contextBridge.exposed.get(BRIDGE_GLOBAL) as unknown as HotpathBridge;
    expect(await page.invoke('engine.status', {})).toEqual({ ok: true, result: 'pong' });
    const got: unknown[] = [];
    const off = page.on('engine.log', (p) => got.push(p));
    push(renderer, 'engine.log', { message: 'hi' });
    await flush();
    off();
    expect(got).toEqual([{ message: 'hi' }]);
    expect(renderer.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);
  });
});
