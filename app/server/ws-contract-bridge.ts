import type { WebSocket } from 'ws';
import { ContractError, type EngineApi } from '../../main/contract/api.ts';
import type { CommandName } from '../../main/contract/commands.ts';
import { eventNames } from '../../main/contract/events.ts';
import { decodeRequestFrame, type ResponseMessage } from '../../main/contract/wire.ts';
import { toContractError } from '../../main/engine/index.ts';

/** What one connection may cost us; everything a client sends or fails to read is bounded by these. */
export interface BridgeLimits {
  /** Requests of one connection being answered at once; more are refused at once with `too-many-requests`. */
  maxInFlight: number;
  /** Bytes queued for a client that does not read; past this it is closed (1008), not given more of our memory. */
  maxBufferedBytes: number;
}

export const DEFAULT_BRIDGE_LIMITS: BridgeLimits = {
  // A console issues a handful of calls at once; 64 leaves room for scripts without letting one client queue work without end.
  maxInFlight: 64,
  maxBufferedBytes: 8 * 1024 * 1024,
};

/** Requests being answered across every connection of one server: what the per-connection limit cannot bound. */
export class SharedInFlight {
  inFlight = 0;
  constructor(readonly max: number) {
    if (!Number.isSafeInteger(max) || max < 1)
      throw new RangeError(`The shared in-flight limit must be a positive integer; got ${String(max)}.`);
  }
}

/** WebSocket close codes (RFC 6455 §7.4.1). */
export const CLOSE_POLICY_VIOLATION = 1008;

export interface BridgeOptions {
  limits?: Partial<BridgeLimits>;
  /** The limit on requests in flight that this connection shares with the server's other connections. */
  shared?: SharedInFlight;
  /** Told why a connection was refused or closed (a bad frame, a client that does not read). */
  onClientProblem?: (reason: string) => void;
}

/**
 * Serves the contract on one WebSocket: forwards every engine event, answers every request. Whatever a
 * client sends, the result is an error reply for that request or the close of that one connection:
 * malformed messages never reach the engine, and a socket error (invalid UTF-8, a frame over the size
 * limit: `ws` closes with 1007/1009 itself) is handled here so it cannot become an uncaught exception.
 */
export function bridgeContract(socket: WebSocket, api: EngineApi, options: BridgeOptions = {}): void {
  const limits = { ...DEFAULT_BRIDGE_LIMITS, ...options.limits };
  const inFlight = new Set<number>();
  let closed = false;

  const close = (reason: string): void => {
    if (closed) return;
    closed = true;
    options.onClientProblem?.(reason);
    socket.close(CLOSE_POLICY_VIOLATION, reason.slice(0, 120));
    // A client that does not read will not read our close frame either: drop the connection now.
    socket.terminate();
  };
  const send = (message: object): void => {
    if (closed || socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > limits.maxBufferedBytes) {
      close(`client is not reading (more than ${limits.maxBufferedBytes} bytes queued)`);
      return;
    }
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      // A result JSON cannot carry (a cycle, a BigInt) is the engine's bug: the client still gets an answer.
      const id = (message as { id?: number | null }).id ?? null;
      text = JSON.stringify(failure(id, new ContractError('internal', `The reply could not be encoded: ${(error as Error).message}`)));
    }
    socket.send(text);
  };

  const unsubscribes = eventNames.map((event) => api.subscribe(event, (payload) => send({ type: 'event', event, payload })));
  socket.on('close', () => {
    closed = true;
    unsubscribes.forEach((unsubscribe) => unsubscribe());
  });
  socket.on('error', (error) => options.onClientProblem?.(`WebSocket error: ${error.message}`));
  socket.on('message', (data, isBinary) => {
    if (closed) return;
    if (isBinary) {
      send(
        failure(
          null,
          new ContractError('bad-request', 'Binary frames are not part of the contract.', 'Send each request as a JSON text frame.'),
        ),
      );
      return;
    }
    const decoded = decodeRequestFrame(data.toString());
    if (!decoded.ok) {
      send(failure(decoded.id, decoded.error));
      return;
    }
    const { id, command, params } = decoded.request;
    if (inFlight.has(id)) {
      send(
        failure(
          null,
          new ContractError(
            'duplicate-request-id',
            `Request id ${id} is already being answered on this connection.`,
            'Use a new id for each request.',
          ),
        ),
      );
      return;
    }
    if (inFlight.size >= limits.maxInFlight) {
      send(
        failure(
          id,
          new ContractError(
            'too-many-requests',
            `Too many requests in flight on this connection (at most ${limits.maxInFlight}).`,
            'Wait for answers before sending more requests.',
          ),
        ),
      );
      return;
    }
    const shared = options.shared;
    if (shared && shared.inFlight >= shared.max) {
      send(
        failure(
          id,
          new ContractError(
            'too-many-requests',
            `Too many requests in flight on this server (at most ${shared.max} across all its clients).`,
            'Wait for answers before sending more requests, or close another client of this server.',
          ),
        ),
      );
      return;
    }
    inFlight.add(id);
    if (shared) shared.inFlight += 1;
    void api
      .call(command as CommandName, params as never)
      .then(
        (result) => send({ type: 'response', id, ok: true, result } satisfies ResponseMessage),
        (error: unknown) => send(failure(id, toContractError(error))),
      )
      .finally(() => {
        inFlight.delete(id);
        if (shared) shared.inFlight -= 1;
      });
  });
}

function failure(id: number | null, error: ContractError): ResponseMessage {
  return { type: 'response', id, ok: false, error: error.toPayload() };
}
