import { type z } from 'zod';
import { ContractError } from './api.ts';
import { commandSchemas, type CommandName, type CommandResult } from './commands.ts';
import { describeZodError } from './zod-error-text.ts';

export { describeZodError };

export type CommandHandlers = {
  [C in CommandName]: (params: z.output<(typeof commandSchemas)[C]['params']>) => Promise<CommandResult<C>>;
};

/** Enough of an unknown command's name to recognise it; a megabyte of name is not echoed back. */
const MAX_ECHOED_NAME = 100;

/**
 * Validates a command arriving from any transport and runs its handler. Unknown
 * commands and bad parameters are rejected with a `bad-request` ContractError that
 * says which field is wrong; nothing reaches a handler unvalidated.
 */
export async function dispatchCommand(handlers: CommandHandlers, command: string, rawParams: unknown): Promise<unknown> {
  if (typeof command !== 'string' || !Object.hasOwn(commandSchemas, command)) {
    const shown =
      typeof command === 'string'
        ? JSON.stringify(command.slice(0, MAX_ECHOED_NAME)) + (command.length > MAX_ECHOED_NAME ? '…' : '')
        : `of type ${typeof command}`;
    throw new ContractError('unknown-command', `Unknown command ${shown}.`, `Known commands: ${Object.keys(commandSchemas).join(', ')}.`);
  }
  const name = command as CommandName;
  const parsed = commandSchemas[name].params.safeParse(rawParams ?? {});
  if (!parsed.success) {
    throw new ContractError('bad-request', `Invalid parameters for ${name}: ${describeZodError(parsed.error)}`);
  }
  const handler = handlers[name] as (params: unknown) => Promise<unknown>;
  return await handler(parsed.data);
}
