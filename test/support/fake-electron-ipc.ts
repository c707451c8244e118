import type { IpcInvokeEventLike, IpcMainLike, WebContentsLike } from '../../app/electron/ipc-contract-host.ts';
import type { ContextBridgeLike, IpcRendererLike } from '../../app/electron/preload-bridge.ts';

/**
 * An in-memory stand-in for Electron's IPC that behaves like the real one where it matters
 * to the contract: every message crosses by structured cloning (so a class instance, a
 * function or an Error's extra fields do not survive, exactly as in Electron), delivery is
 * asynchronous, `invoke` rejects when no handler is registered, and the main side sees
 * the sender's webContents and frame URL.
 */

type InvokeHandler = (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>;
type RendererListener = (event: unknown, ...args: unknown[]) => void;

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, listener: InvokeHandler): void {
    // Electron throws on a second handler for one channel; so do we.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

/** One renderer: its webContents (main side) and its ipcRenderer (preload side). */
export class FakeRenderer {
  /** The URL of the frame that sends; null when it is gone (as Electron's senderFrame can be). */
  frameUrl: string | null;
  readonly webContents: FakeWebContents;
  readonly ipcRenderer: FakeIpcRenderer;

  constructor(
    readonly ipcMain: FakeIpcMain,
    frameUrl: string | null,
  ) {
    this.frameUrl = frameUrl;
    this.webContents = new FakeWebContents(this);
    this.ipcRenderer = new FakeIpcRenderer(this);
  }
}

export class FakeWebContents implements WebContentsLike {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  private destroyed = false;
  private readonly destroyedListeners: (() => void)[] = [];

  constructor(private readonly renderer: FakeRenderer) {}

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const cloned = structuredClone(args);
    this.sent.push({ channel, args: cloned });
    setImmediate(() => this.renderer.ipcRenderer.deliver(channel, cloned));
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  once(event: 'destroyed', listener: () => void): this {
    if (event === 'destroyed') this.destroyedListeners.push(listener);
    return this;
  }

  /** What closing the window does. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const listener of this.destroyedListeners.splice(0)) listener();
  }
}

export class FakeIpcRenderer implements IpcRendererLike {
  private readonly listeners = new Map<string, Set<RendererListener>>();

  constructor(private readonly renderer: FakeRenderer) {}

  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const cloned = structuredClone(args);
    await new Promise((resolve) => setImmediate(resolve));
    const handler = this.renderer.ipcMain.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    const frameUrl = this.renderer.frameUrl;
    const event: IpcInvokeEventLike = { sender: this.renderer.webContents, senderFrame: frameUrl === null ? null : { url: frameUrl } };
    try {
      return structuredClone(await handler(event, ...cloned));
    } catch (error) {
      // Electron keeps only the message of an error thrown by a handler.
      throw new Error(`Error invoking remote method '${channel}': ${String(error)}`, { cause: error });
    }
  }

  on(channel: string, listener: RendererListener): this {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return this;
  }

  removeListener(channel: string, listener: RendererListener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }

  listenerCount(channel: string): number {
    return this.listeners.get(channel)?.size ?? 0;
  }

  deliver(channel: string, args: unknown[]): void {
    // The event object of a real ipcRenderer listener carries `sender` (ipcRenderer itself).
    const event = { sender: this, senderId: 0, ports: [] };
    for (const listener of [...(this.listeners.get(channel) ?? [])]) listener(event, ...args);
  }
}

/**
 * contextBridge: records what the preload exposes. Like the real one it copies values as
 * they cross between the page's world and the preload's: functions become proxies whose
 * arguments and results are copied in turn (promises are awaited first), everything else
 * is cloned, so the page never holds a reference to a preload object. A second key for
 * the same name is refused.
 */
export class FakeContextBridge implements ContextBridgeLike {
  readonly exposed = new Map<string, Record<string, unknown>>();

  exposeInMainWorld(apiKey: string, api: Record<string, unknown>): void {
    if (this.exposed.has(apiKey)) throw new Error('Cannot bind an API on top of an existing property on the window object');
    this.exposed.set(apiKey, Object.freeze(crossWorlds(api) as Record<string, unknown>));
  }
}

function crossWorlds(value: unknown): unknown {
  if (typeof value === 'function') {
    return (...args: unknown[]) => crossWorlds((value as (...a: unknown[]) => unknown)(...args.map(crossWorlds)));
  }
  if (value instanceof Promise) return value.then(crossWorlds);
  if (Array.isArray(value)) return value.map(crossWorlds);
  if (typeof value === 'object' && value !== null) {
    if (Object.values(value).some((v) => typeof v === 'function' || v instanceof Promise)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, crossWorlds(v)]));
    }
    return structuredClone(value);
  }
  return value;
}
