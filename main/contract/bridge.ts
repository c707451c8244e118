import type { EngineErrorPayload } from './status.ts';

/**
 * What the Electron preload exposes on `window.hotpathBridge` through contextBridge.
 * Errors travel as data (contextBridge does not carry Error subclasses or their
 * fields); the renderer's IPC client turns them back into errors.
 */
export type BridgeResponse = { ok: true; result: unknown } | { ok: false; error: EngineErrorPayload };

export interface HotpathBridge {
  invoke(command: string, params: unknown): Promise<BridgeResponse>;
  /** Subscribes to one engine event; returns the unsubscribe function. */
  on(event: string, handler: (payload: unknown) => void): () => void;
}

/** IPC channel names shared by the preload and the main process. */
export const IPC_INVOKE_CHANNEL = 'hotpath:invoke';
export const IPC_EVENT_CHANNEL = 'hotpath:event';
