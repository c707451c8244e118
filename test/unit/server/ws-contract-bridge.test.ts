import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { WebSocket } from 'ws';
import { ContractError, type EngineApi } from '../../../main/contract/api.ts';
import { bridgeContract, CLOSE_POLICY_VIOLATION, SharedInFlight } from '../../../app/server/ws-contract-bridge.ts';

/** The parts of a `ws` socket the bridge uses; `bufferedAmount` is set by the test. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Record<string, unknown>[] = [];
  closeCode: number | null = null;
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close(code: number): void {
    this.closeCode = code;
  }
  terminate(): void {
    this.readyState = 3;
    this.emit('close');
  }
}

/** An engine that answers `echo` at once, and leaves `hang` pending until released; events go to `emit`. */
function fakeApi() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const hanging: (() => void)[] = [];
  const api: EngineApi = {
    call: (async (command: string, params: unknown) => {
      if (command === 'echo') return params;
      if (command === 'hang') return new Promise((resolve) => hanging.push(() => resolve('released')));
      throw new ContractError('unknown-command', `Unknown command ${command}`);
    }) as unknown as EngineApi['call'],
    subscribe: ((event: string, handler: (payload: unknown) => void) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(handler);
      return () => listeners.get(event)!.delete(handler);
    }) as unknown as EngineApi['subscribe'],
  };
  return { api, emit: (event: string, payload: unknown) => listeners.get(event)?.forEach((h) => h(payload)), hanging, listeners };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('bridgeContract', () => {
  it('answers every frame, random bytes or random JSON, text or binary, with exactly one reply and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
          fc.json().map((j) => Buffer.from(j)),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify({ type: 'request', id: 1, command: 'echo', params: v }))),
        ),
        fc.boolean(),
        async (frame, isBinary) => {
          const socket = new FakeSocket();
          bridgeContract(socket as unknown as WebSocket, fakeApi().api);
          expect(() => socket.emit('message', frame, isBinary)).not.toThrow();
          await settle();
          expect(socket.sent.length + (socket.closeCode === null ? 0 : 1)).toBe(1);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a socket error (invalid UTF-8, a frame too big) is handled, reported, and does not throw', () => {
    const socket = new FakeSocket();
    const problems: string[] = [];
    bridgeContract(socket as unknown as WebSocket, fakeApi().api, { onClientProblem: (p) => problems.push(p) });
    expect(() => socket.emit('error', new RangeError('Invalid UTF-8 sequence'))).not.toThrow();
    expect(problems).toEqual(['WebSocket error: Invalid UTF-8 sequence']);
  });

  it('refuses requests past the in-flight limit at once, and a repeated id', async () => {
    const socket = new FakeSocket();
    const { api, hanging } = fakeApi();
    bridgeContract(socket as unknown as WebSocket, api, { limits: { maxInFlight: 2 } });
    for (const id of [1, 2, 3, 1]) socket.emit('message', Buffer.from(JSON.stringify({ type: 'request', id, command: 'hang' })), false);
    await settle();
    expect(socket.sent).toEqual([
      expect.objectContaining({ id: 3, ok: false, error: expect.objectContaining({ code: 'too-many-requests' }) }),
      expect.objectContaining({ id: null, ok: false, error: expect.objectContaining({ code: 'duplicate-request-id' }) }),
    ]);
    hanging.forEach((release) => release());
    await settle();
    expect(socket.sent.slice(2)).toEqual([expect.objectContaining({ id: 1, ok: true }), expect.objectContaining({ id: 2, ok: true })]);
  });

  it('refuses a request past the limit shared by all connections, though each is within its own, and frees it on the answer', async () => {
    const { api, hanging } = fakeApi();
    const shared = new SharedInFlight(3);
    const [a, b] = [new FakeSocket(), new FakeSocket()];
    for (const socket of [a, b]) bridgeContract(socket as unknown as WebSocket, api, { limits: { maxInFlight: 2 }, shared });
    const send = (socket: FakeSocket, id: number) =>
      socket.emit('message', Buffer.from(JSON.stringify({ type: 'request', id, command: 'hang' })), false);
    send(a, 1);
    send(a, 2);
    send(b, 1);
    send(b, 2);
    await settle();
    expect(a.sent).toEqual([]);
    expect(b.sent).toEqual([
      expect.objectContaining({
        id: 2,
        ok: false,
        error: expect.objectContaining({ code: 'too-many-requests', message: expect.stringMatching(/at most 3 across all its clients/) }),
      }),
    ]);
    expect(shared.inFlight).toBe(3);
    hanging.forEach((release) => release());
    await settle();
    expect(shared.inFlight).toBe(0);
    send(b, 3);
    await settle();
    expect(shared.inFlight).toBe(1);
  });

  it('closes a client whose unread bytes pass the limit (1008) and stops sending it events', () => {
    const socket = new FakeSocket();
    const { api, emit, listeners } = fakeApi();
    const problems: string[] = [];
    bridgeContract(socket as unknown as WebSocket, api, { limits: { maxBufferedBytes: 1000 }, onClientProblem: (p) => problems.push(p) });
    emit('engine.log', { n: 1 });
    socket.bufferedAmount = 1001;
    emit('engine.log', { n: 2 });
    emit('engine.log', { n: 3 });
    expect(socket.sent).toHaveLength(1);
    expect(socket.closeCode).toBe(CLOSE_POLICY_VIOLATION);
    expect(problems).toEqual([expect.stringContaining('not reading')]);
    expect([...listeners.values()].every((set) => set.size === 0)).toBe(true);
  });

  it('answers with an error when a result cannot be encoded as JSON', async () => {
    const socket = new FakeSocket();
    bridgeContract(socket as unknown as WebSocket, fakeApi().api);
    socket.emit('message', Buffer.from(JSON.stringify({ type: 'request', id: 9, command: 'echo', params: 1 })), false);
    await settle();
    expect(socket.sent).toEqual([expect.objectContaining({ id: 9, ok: true, result: 1 })]);
  });
});
