import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type BridgeResponse, type HotpathBridge } from '../../main/contract/bridge.ts';

/**
 * Only type imports and the two channel constants come from outside: this file is bundled
 * into the sandboxed preload, where `require` knows little more than `electron`.
 */

/** The parts of Electron's `ipcRenderer` the bridge uses (a fake in tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The part of Electron's `contextBridge` the preload uses. */
export interface ContextBridgeLike {
  exposeInMainWorld(apiKey: string, api: Record<string, unknown>): void;
}

/** The global the renderer finds the bridge under (`window.hotpathBridge`). */
export const BRIDGE_GLOBAL = 'hotpathBridge';

/**
 * The bridge the renderer gets: `invoke` and `on`, nothing else. `ipcRenderer` itself
 * never crosses (it would let the page send anything on any channel), nor does the IPC
 * event object (its `sender` is ipcRenderer): handlers receive only the payload.
 */
export function createHotpathBridge(ipcRenderer: IpcRendererLike): HotpathBridge {
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  // One IPC listener for all subscriptions, installed while anyone listens.
  const listener = (_event: unknown, message: unknown): void => {
    if (typeof message !== 'object' || message === null) return;
    const { event, payload } = message as { event?: unknown; payload?: unknown };
    if (typeof event !== 'string') return;
    for (const handler of [...(handlers.get(event) ?? [])]) handler(payload);
  };
  let listening = false;

  return {
    async invoke(command: string, params: unknown): Promise<BridgeResponse> {
      if (typeof command !== 'string') {
        return { ok: false, error: { code: 'bad-request', message: 'A command name must be a string.' } };
      }
      try {
        return (await ipcRenderer.invoke(IPC_INVOKE_CHANNEL, { command, params })) as BridgeResponse;
      } catch (error) {
        // invoke rejects only when IPC itself fails (no handler yet, params not cloneable).
        return {
          ok: false,
          error: {
            code: 'ipc-failed',
            message: `The call to the engine failed: ${error instanceof Error ? error.message : String(error)}`,
            hint: 'Reload the window; if it persists, restart Hotpath.',
          },
        };
      }
    },

    on(event: string, handler: (payload: unknown) => void): () => void {
      if (typeof event !== 'string' || typeof handler !== 'function') throw new TypeError('on(event: string, handler: function)');
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(handler);
      if (!listening) {
        ipcRenderer.on(IPC_EVENT_CHANNEL, listener);
        listening = true;
      }
      return () => {
        const current = handlers.get(event);
        if (!current?.delete(handler)) return;
        if (current.size === 0) handlers.delete(event);
        if (handlers.size === 0 && listening) {
          ipcRenderer.removeListener(IPC_EVENT_CHANNEL, listener);
          listening = false;
        }
      };
    },
  };
}

/** Exposes the bridge, and only the bridge, to the page's main world. */
export function exposeHotpathBridge(contextBridge: ContextBridgeLike, ipcRenderer: IpcRendererLike): void {
  const bridge = createHotpathBridge(ipcRenderer);
  contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, { invoke: bridge.invoke, on: bridge.on });
}
