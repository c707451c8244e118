import type { CommandName, CommandParams, CommandResult } from './commands.ts';
import type { EventName, EventPayload } from './events.ts';
import type { EngineErrorPayload } from './status.ts';

/**
 * The one contract between the engine and every host (Electron IPC, the WebSocket of
 * the headless server, tests). The renderer only ever sees this interface, so it does
 * not know which transport it has.
 */
export interface EngineApi {
  call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<CommandResult<C>>;
  subscribe<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
}

/** An error that crosses the contract: a stable code, a message, and what to do next. */
export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ContractError';
  }

  toPayload(): EngineErrorPayload {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }

  static fromPayload(payload: EngineErrorPayload): ContractError {
    return new ContractError(payload.code, payload.message, payload.hint);
  }
}
