import type { EngineApi } from '../../main/contract/api.ts';
import type { CommandName, CommandParams, CommandResult } from '../../main/contract/commands.ts';
import type { EventName, EventPayload } from '../../main/contract/events.ts';
import type { EngineErrorPayload } from '../../main/contract/status.ts';
import { EngineCallError } from './engine-call-error.ts';

export { EngineCallError };

/** The standard WebSocket surface (the browser's, or the `ws` package's in Node). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The contract over the headless server's WebSocket. Implements the same EngineApi as
 * the engine itself and the Electron preload, so nothing above it knows the transport.
 */
export class WsEngineClient implements EngineApi {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, Set<(payload: never) => void>>();

  private constructor(private readonly socket: WebSocketLike) {
    socket.addEventListener('message', (event) => this.receive(String(event.data)));
    socket.addEventListener('close', () => {
      for (const p of this.pending.values())
        p.reject(
          new EngineCallError({
            code: 'disconnected',
            message: 'The connection to the engine closed.',
            hint: 'Check that hotpath is still running, then reload.',
          }),
        );
      this.pending.clear();
    });
  }

  static connect(socket: WebSocketLike): Promise<WsEngineClient> {
    return new Promise((resolve, reject) => {
      socket.addEventListener('open', () => resolve(new WsEngineClient(socket)));
      socket.addEventListener('error', () => reject(new Error('Could not open the engine WebSocket (is the token right?).')));
    });
  }

  call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<CommandResult<C>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket.send(JSON.stringify({ type: 'request', id, command, params }));
    });
  }

  subscribe<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  close(): void {
    this.socket.close();
  }

  private receive(text: string): void {
    const message = JSON.parse(text) as
      | { type: 'response'; id: number | null; ok: true; result: unknown }
      | { type: 'response'; id: number | null; ok: false; error: EngineErrorPayload }
      | { type: 'event'; event: string; payload: unknown };
    if (message.type === 'event') {
      for (const handler of this.handlers.get(message.event) ?? []) handler(message.payload as never);
      return;
    }
    if (message.id === null) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new EngineCallError(message.error));
  }
}
