import { z } from 'zod';
import { ContractError, type EngineApi } from '../../main/contract/api.ts';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type BridgeResponse } from '../../main/contract/bridge.ts';
import type { CommandName } from '../../main/contract/commands.ts';
import { eventNames } from '../../main/contract/events.ts';
import { toContractError } from '../../main/engine/index.ts';
import { isAppUrl } from './app-origin.ts';

/** The parts of Electron's IpcMainInvokeEvent we look at. */
export interface IpcInvokeEventLike {
  /** The webContents that sent the message. */
  readonly sender: unknown;
  /** The frame that sent it; null once that frame has navigated away or gone. */
  readonly senderFrame: { readonly url: string } | null;
}

/** The parts of Electron's `ipcMain` we use (an in-memory fake in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** The parts of a window's `webContents` we use. */
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** What the preload sends on IPC_INVOKE_CHANNEL. Anything else is refused before the engine sees it. */
export const invokeMessageSchema = z
  .object({
    command: z.string().min(1).max(100),
    params: z.unknown(),
  })
  .strict();

/** What the host sends on IPC_EVENT_CHANNEL. */
export interface IpcEventMessage {
  event: string;
  payload: unknown;
}

export interface IpcContractHost {
  /** Forwards every engine event to this window and accepts its calls, until it is destroyed. */
  attachWindow(webContents: WebContentsLike): () => void;
  /** Removes the IPC handler and every window's subscriptions. */
  dispose(): void;
}

export interface IpcContractHostOptions {
  /** Told about every refused message (a page that is not ours, or a malformed message). */
  onRefused?: (reason: string) => void;
}

/**
 * Serves the contract over Electron IPC. Every invoke is checked before it reaches the
 * engine (Electron's checklist: validate the sender of every IPC message): it must come
 * from a window we attached, from a frame showing our own `hotpath://app` pages, and have
 * the shape the preload sends. The engine's `call` then validates the command and its
 * parameters with zod. Errors travel as data (BridgeResponse), never as thrown Errors,
 * because IPC keeps only an Error's message.
 */
export function hostContractOverIpc(ipcMain: IpcMainLike, api: EngineApi, options: IpcContractHostOptions = {}): IpcContractHost {
  const windows = new Map<unknown, () => void>();
  const refuse = (reason: string, error: ContractError): BridgeResponse => {
    options.onRefused?.(reason);
    return { ok: false, error: error.toPayload() };
  };

  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, message): Promise<BridgeResponse> => {
    const frameUrl = event.senderFrame?.url ?? null;
    if (!windows.has(event.sender) || !isAppUrl(frameUrl)) {
      return refuse(
        `IPC call refused from ${frameUrl ?? 'a frame that is gone'}`,
        new ContractError('forbidden', 'The engine only answers the Hotpath console itself.', 'Reload the Hotpath window.'),
      );
    }
    const parsed = invokeMessageSchema.safeParse(message);
    if (!parsed.success) {
      return refuse(
        'malformed IPC message',
        new ContractError('bad-request', 'An IPC call needs { command: <string>, params: <object> }.'),
      );
    }
    try {
      const result = await api.call(parsed.data.command as CommandName, parsed.data.params as never);
      return { ok: true, result };
    } catch (error) {
      return { ok: false, error: toContractError(error).toPayload() };
    }
  });

  const attachWindow = (webContents: WebContentsLike): (() => void) => {
    windows.get(webContents)?.();
    const unsubscribes = eventNames.map((event) =>
      api.subscribe(event, (payload) => {
        if (webContents.isDestroyed()) return;
        const message: IpcEventMessage = { event, payload };
        webContents.send(IPC_EVENT_CHANNEL, message);
      }),
    );
    const detach = (): void => {
      if (windows.get(webContents) !== detach) return;
      windows.delete(webContents);
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
    windows.set(webContents, detach);
    webContents.once('destroyed', detach);
    return detach;
  };

  return {
    attachWindow,
    dispose() {
      ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
      for (const detach of [...windows.values()]) detach();
    },
  };
}
