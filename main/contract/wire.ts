import { z } from 'zod';
import { ContractError } from './api.ts';
import { describeZodError } from './zod-error-text.ts';
import { engineErrorSchema } from './status.ts';

/**
 * Messages of the WebSocket transport (JSON text frames). Requests carry an id that the
 * response echoes; events are pushed with no id.
 */
export const requestMessageSchema = z
  .object({
    type: z.literal('request'),
    id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    command: z.string().min(1).max(100),
    params: z.unknown().optional(),
  })
  .strict();
export type RequestMessage = z.infer<typeof requestMessageSchema>;

export const responseMessageSchema = z.union([
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int().nullable(), ok: z.literal(false), error: engineErrorSchema }),
]);
export type ResponseMessage = z.infer<typeof responseMessageSchema>;

export const eventMessageSchema = z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() });
export type EventMessage = z.infer<typeof eventMessageSchema>;

export const serverMessageSchema = z.union([responseMessageSchema, eventMessageSchema]);

/** What one text frame decodes to: a request to run, or the error to answer it with (and the id to echo, if usable). */
export type DecodedFrame = { ok: true; request: RequestMessage } | { ok: false; id: number | null; error: ContractError };

const REQUEST_SHAPE = 'A request is {"type":"request","id":<integer ≥ 0>,"command":<string>,"params":{...}}.';

/**
 * Decodes one text frame of a client. Pure and total: any string gives a request or a `bad-request` error
 * (never a throw), so a client cannot take the bridge down with what it sends. The id of a malformed request
 * is echoed when it is itself valid, so the client can match the error to its call.
 */
export function decodeRequestFrame(text: string): DecodedFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, id: null, error: new ContractError('bad-request', 'The message is not valid JSON.', REQUEST_SHAPE) };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return {
      ok: false,
      id: null,
      error: new ContractError(
        'bad-request',
        `The message is JSON ${json === null ? 'null' : Array.isArray(json) ? 'array' : typeof json}, not an object.`,
        REQUEST_SHAPE,
      ),
    };
  }
  const parsed = requestMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, request: parsed.data };
  const id = requestMessageSchema.shape.id.safeParse((json as { id?: unknown }).id);
  return {
    ok: false,
    id: id.success ? id.data : null,
    error: new ContractError('bad-request', `Malformed request: ${describeZodError(parsed.error)}.`, REQUEST_SHAPE),
  };
}
