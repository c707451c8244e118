import type { EngineApi } from '../../main/contract/api.ts';
import type { HotpathBridge } from '../../main/contract/bridge.ts';
import type { CommandName, CommandParams, CommandResult } from '../../main/contract/commands.ts';
import type { EventName, EventPayload } from '../../main/contract/events.ts';
import { EngineCallError } from './engine-call-error.ts';

/** The contract over Electron IPC, through the bridge the preload exposes. */
export class IpcEngineClient implements EngineApi {
  constructor(private readonly bridge: HotpathBridge) {}

  async call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<CommandResult<C>> {
    const response = await this.bridge.invoke(command, params);
    if (!response.ok) throw new EngineCallError(response.error);
    return response.result as CommandResult<C>;
  }

  subscribe<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    return this.bridge.on(event, handler as (payload: unknown) => void);
  }
}
