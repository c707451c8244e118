import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ContractError, type EngineApi } from '../../../main/contract/api.ts';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type BridgeResponse } from '../../../main/contract/bridge.ts';
import { eventNames, type EventName, type EventPayload } from '../../../main/contract/events.ts';
import { EventBus } from '../../../main/engine/event-bus.ts';
import { hostContractOverIpc, type IpcContractHost } from '../../../app/electron/ipc-contract-host.ts';
import { FakeIpcMain, FakeRenderer } from '../../support/fake-electron-ipc.ts';

const OUR_PAGE = 'hotpath://app/index.html';
const SNAPSHOT: EventPayload<'telemetry.snapshot'> = { at: 1, workload: null } as EventPayload<'telemetry.snapshot'>;

/** An EngineApi that answers `engine.status`, fails the rest as told, and counts subscribers. */
class FakeEngine implements EngineApi {
  readonly bus = new EventBus();
  readonly calls: { command: string; params: unknown }[] = [];
  subscribers = 0;
  failWith: unknown = null;

  async call(command: string, params: unknown): Promise<never> {
    this.calls.push({ command, params });
    if (this.failWith) throw this.failWith;
    if (command === 'engine.status') return { phase: 'disconnected' } as never;
    throw new ContractError('unknown-command', `Unknown command "${command}".`, 'Known commands: engine.status.');
  }

  subscribe<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    this.subscribers++;
    const off = this.bus.subscribe(event, handler);
    return () => {
      this.subscribers--;
      off();
    };
  }
}

describe('the IPC contract host', () => {
  let ipcMain: FakeIpcMain;
  let engine: FakeEngine;
  let host: IpcContractHost;
  let refused: string[];

  beforeEach(() => {
    ipcMain = new FakeIpcMain();
    engine = new FakeEngine();
    refused = [];
    host = hostContractOverIpc(ipcMain, engine, { onRefused: (reason) => refused.push(reason) });
  });
  afterEach(() => host.dispose());

  function attachedRenderer(url: string | null = OUR_PAGE): FakeRenderer {
    const renderer = new FakeRenderer(ipcMain, url);
    host.attachWindow(renderer.webContents);
    return renderer;
  }

  const invoke = (renderer: FakeRenderer, message: unknown) =>
    renderer.ipcRenderer.invoke(IPC_INVOKE_CHANNEL, message) as Promise<BridgeResponse>;

  it('runs a valid call through the engine and returns ok with the result', async () => {
    const renderer = attachedRenderer();
    expect(await invoke(renderer, { command: 'engine.status', params: {} })).toEqual({ ok: true, result: { phase: 'disconnected' } });
    expect(engine.calls).toEqual([{ command: 'engine.status', params: {} }]);
  });

  it("returns an unknown command as ok:false with the engine's code and hint", async () => {
    const renderer = attachedRenderer();
    expect(await invoke(renderer, { command: 'no.such', params: {} })).toEqual({
      ok: false,
      error: { code: 'unknown-command', message: 'Unknown command "no.such".', hint: 'Known commands: engine.status.' },
    });
  });

  it('turns an error that is not a ContractError into code "internal" with its message', async () => {
    const renderer = attachedRenderer();
    engine.failWith = new TypeError('boom');
    expect(await invoke(renderer, { command: 'engine.status', params: {} })).toEqual({
      ok: false,
      error: { code: 'internal', message: 'boom' },
    });
  });

  it.each([
    ['a remote page', 'https://evil.example/'],
    ['a local file', 'file:///home/user/page.html'],
    ['a look-alike host', 'hotpath://app.evil/index.html'],
    ['our scheme on another port', 'hotpath://app:8080/index.html'],
    ['a frame that is gone', null],
  ])('refuses a call from %s before the engine sees it', async (_what, url) => {
    const renderer = attachedRenderer(url);
    const response = await invoke(renderer, { command: 'engine.status', params: {} });
    expect(response).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(engine.calls).toEqual([]);
    expect(refused).toEqual([`IPC call refused from ${url ?? 'a frame that is gone'}`]);
  });

  it('refuses a call from a webContents that was never attached, even showing our page', async () => {
    const stranger = new FakeRenderer(ipcMain, OUR_PAGE);
    expect(await invoke(stranger, { command: 'engine.status', params: {} })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(engine.calls).toEqual([]);
  });

  it.each([
    ['not an object', 'engine.status'],
    ['no command', { params: {} }],
    ['a command that is not a string', { command: 42, params: {} }],
    ['extra fields', { command: 'engine.status', params: {}, channel: 'x' }],
  ])('refuses a malformed message (%s) with bad-request', async (_what, message) => {
    const renderer = attachedRenderer();
    expect(await invoke(renderer, message)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(engine.calls).toEqual([]);
  });

  it('forwards every engine event to the window on the event channel', () => {
    const renderer = attachedRenderer();
    expect(engine.subscribers).toBe(eventNames.length);
    engine.bus.emit('telemetry.snapshot', SNAPSHOT);
    engine.bus.emit('engine.log', { at: 2, level: 'info', message: 'hello' });
    expect(renderer.webContents.sent).toEqual([
      { channel: IPC_EVENT_CHANNEL, args: [{ event: 'telemetry.snapshot', payload: SNAPSHOT }] },
      { channel: IPC_EVENT_CHANNEL, args: [{ event: 'engine.log', payload: { at: 2, level: 'info', message: 'hello' } }] },
    ]);
  });

  it('unsubscribes when the window is destroyed, and refuses its calls afterwards', async () => {
    const renderer = attachedRenderer();
    renderer.webContents.destroy();
    expect(engine.subscribers).toBe(0);
    engine.bus.emit('telemetry.snapshot', SNAPSHOT);
    expect(renderer.webContents.sent).toEqual([]);
    expect(await invoke(renderer, { command: 'engine.status', params: {} })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('keeps serving other windows when one closes', () => {
    const closing = attachedRenderer();
    const staying = attachedRenderer();
    closing.webContents.destroy();
    engine.bus.emit('telemetry.snapshot', SNAPSHOT);
    expect(staying.webContents.sent).toHaveLength(1);
    expect(engine.subscribers).toBe(eventNames.length);
  });

  it('dispose removes the handler and every subscription', async () => {
    const renderer = attachedRenderer();
    host.dispose();
    expect(engine.subscribers).toBe(0);
    await expect(invoke(renderer, { command: 'engine.status', params: {} })).rejects.toThrow(/No handler registered/);
  });

  it('does not send to a webContents that is already destroyed but not yet detached', () => {
    const renderer = attachedRenderer();
    vi.spyOn(renderer.webContents, 'isDestroyed').mockReturnValue(true);
    engine.bus.emit('telemetry.snapshot', SNAPSHOT);
    expect(renderer.webContents.sent).toEqual([]);
  });
});
