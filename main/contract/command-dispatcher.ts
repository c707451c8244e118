import { z } from 'zod';
import { ContractError } from './api.ts';
import { commandSchemas, type CommandName, type CommandResult } from './commands.ts';

export type CommandHandlers = {
  [C in CommandName]: (params: z.output<(typeof commandSchemas)[C]['params']>) => Promise<CommandResult<C>>;
};

/** Turns a zod failure into one readable sentence naming each bad field. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(params)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Validates a command arriving from any transport and runs its handler. Unknown
 * commands and bad parameters are rejected with a `bad-request` ContractError that
 * says which field is wrong; nothing reaches a handler unvalidated.
 */
export async function dispatchCommand(handlers: CommandHandlers, command: string, rawParams: unknown): Promise<unknown> {
  if (!Object.hasOwn(commandSchemas, command)) {
    throw new ContractError('unknown-command', `Unknown command "${command}".`, `Known commands: ${Object.keys(commandSchemas).join(', ')}.`);
  }
  const name = command as CommandName;
  const parsed = commandSchemas[name].params.safeParse(rawParams ?? {});
  if (!parsed.success) {
    throw new ContractError('bad-request', `Invalid parameters for ${name}: ${describeZodError(parsed.error)}`);
  }
  const handler = handlers[name] as (params: unknown) => Promise<unknown>;
  return await handler(parsed.data);
}
