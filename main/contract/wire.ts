import { z } from 'zod';
import { engineErrorSchema } from './status.ts';

/**
 * Messages of the WebSocket transport (JSON text frames). Requests carry an id that the
 * response echoes; events are pushed with no id.
 */
export const requestMessageSchema = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  command: z.string(),
  params: z.unknown().optional(),
});
export type RequestMessage = z.infer<typeof requestMessageSchema>;

export const responseMessageSchema = z.union([
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int().nullable(), ok: z.literal(false), error: engineErrorSchema }),
]);
export type ResponseMessage = z.infer<typeof responseMessageSchema>;

export const eventMessageSchema = z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() });
export type EventMessage = z.infer<typeof eventMessageSchema>;

export const serverMessageSchema = z.union([responseMessageSchema, eventMessageSchema]);
