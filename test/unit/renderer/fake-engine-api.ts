import type { EngineApi } from '../../../main/contract/api.ts';
import type { CommandName, CommandParams, CommandResult } from '../../../main/contract/commands.ts';
import type { EventName, EventPayload } from '../../../main/contract/events.ts';
import { EngineCallError } from '../../../renderer/transport/engine-call-error.ts';
import { engineStatus } from './fixtures.ts';

type Handler<C extends CommandName> = (params: CommandParams<C>) => CommandResult<C> | Promise<CommandResult<C>>;
type Handlers = { [C in CommandName]?: Handler<C> };

/**
 * A scripted EngineApi for the renderer's unit tests: answers commands from handlers
 * (a command without one fails as an engine error would), records every call, and
 * lets a test push events.
 */
export class FakeEngineApi implements EngineApi {
  readonly calls: { command: CommandName; params: unknown }[] = [];
  private readonly handlers: Handlers = {
    'engine.status': () => engineStatus(),
    'profiles.list': () => ({ profiles: [], secretStorage: { kind: 'env-key', canPersist: true, warning: null } }),
    'telemetry.history': () => [],
  };
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();

  handle<C extends CommandName>(command: C, handler: Handler<C>): this {
    (this.handlers as Record<string, unknown>)[command] = handler;
    return this;
  }

  /** Makes `command` fail with an engine error. */
  fail(command: CommandName, code: string, message: string, hint?: string): this {
    (this.handlers as Record<string, unknown>)[command] = () => {
      throw new EngineCallError(hint === undefined ? { code, message } : { code, message, hint });
    };
    return this;
  }

  async call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<CommandResult<C>> {
    this.calls.push({ command, params });
    const handler = this.handlers[command] as Handler<C> | undefined;
    if (!handler) throw new EngineCallError({ code: 'not-faked', message: `The fake engine has no handler for ${command}.` });
    return await handler(params);
  }

  subscribe<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const handler of this.listeners.get(event) ?? []) handler(payload as never);
  }

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  callsOf(command: CommandName): unknown[] {
    return this.calls.filter((c) => c.command === command).map((c) => c.params);
  }
}
