import type { WebSocket } from 'ws';
import { ContractError, type EngineApi } from '../../main/contract/api.ts';
import type { CommandName } from '../../main/contract/commands.ts';
import { eventNames } from '../../main/contract/events.ts';
import { requestMessageSchema, type ResponseMessage } from '../../main/contract/wire.ts';
import { toContractError } from '../../main/engine/engine-errors.ts';

/** A client that reads this slowly misses telemetry instead of growing our memory. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * Serves the contract on one WebSocket: forwards every engine event, answers every
 * request. Malformed messages get an error response saying what is wrong; they never
 * reach the engine.
 */
export function bridgeContract(socket: WebSocket, api: EngineApi): void {
  const unsubscribes = eventNames.map((event) =>
    api.subscribe(event, (payload) => {
      if (socket.readyState !== socket.OPEN || socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
      socket.send(JSON.stringify({ type: 'event', event, payload }));
    }),
  );
  socket.on('close', () => unsubscribes.forEach((unsubscribe) => unsubscribe()));
  socket.on('message', (data, isBinary) => {
    void answer(socket, api, isBinary ? null : data.toString());
  });
}

async function answer(socket: WebSocket, api: EngineApi, text: string | null): Promise<void> {
  let response: ResponseMessage;
  let id: number | null = null;
  try {
    if (text === null) throw new ContractError('bad-request', 'Binary frames are not part of the contract; send JSON text.');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ContractError('bad-request', 'The message is not valid JSON.');
    }
    const request = requestMessageSchema.safeParse(json);
    if (!request.success) {
      throw new ContractError('bad-request', 'A request needs {"type":"request","id":<number>,"command":<string>,"params":{...}}.');
    }
    id = request.data.id;
    const result = await api.call(request.data.command as CommandName, request.data.params as never);
    response = { type: 'response', id, ok: true, result };
  } catch (error) {
    response = { type: 'response', id, ok: false, error: toContractError(error).toPayload() };
  }
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(response));
}
