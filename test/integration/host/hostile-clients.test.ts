import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import fc from 'fast-check';
import { Engine } from '../../../main/engine/engine.ts';
import { startHeadlessServer, MAX_FRAME_BYTES, type HeadlessServer } from '../../../app/server/headless-server.ts';
import { DEFAULT_BRIDGE_LIMITS } from '../../../app/server/ws-contract-bridge.ts';
import { WsEngineClient } from '../../../renderer/transport/ws-engine-client.ts';
import { TEST_SERVERS, createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { waitFor } from '../../support/wait-for.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Reply = { type: string; id?: number | null; ok?: boolean; error?: { code: string; message: string; hint?: string } };

/** A raw contract client: sends whatever a test wants and records every reply and how the connection ended. */
class RawClient {
  readonly replies: Reply[] = [];
  closeCode: number | null = null;
  /** Checks waiting in until(), re-run on every reply and on close. */
  private readonly waiters = new Set<() => void>();
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Reply;
      if (message.type === 'response') this.replies.push(message);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    ws.on('error', () => undefined);
  }
  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
  /**
   * Resolves with `check`'s value once it has one, re-checked when a reply arrives or the connection closes. Not
   * waitFor: its 100 ms poll would cost a tenth of a second per frame, and the property test below sends hundreds.
   */
  until<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(attempt);
        reject(new Error(`Timed out waiting for ${what}`));
      }, timeoutMs);
      const attempt = (): void => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(attempt);
        resolve(value);
      };
      this.waiters.add(attempt);
      attempt();
    });
  }
  static async open(url: string): Promise<RawClient> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new RawClient(ws);
  }
  /** The next `count` replies (waiting for them). */
  async waitReplies(count: number): Promise<Reply[]> {
    return this.until(`${count} replies`, () => (this.replies.length >= count ? this.replies.slice(0, count) : undefined));
  }
  async closed(): Promise<number> {
    return this.until('the server to close the connection', () => this.closeCode ?? undefined);
  }
  close(): void {
    this.ws.terminate();
  }
}

/** A TCP server that accepts and never answers: a PostgreSQL that hangs, so requests stay in flight until we let go. */
async function blackHole(): Promise<{ url: string; release(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `postgresql://nobody@127.0.0.1:${port}/none?sslmode=disable&connect_timeout=600`,
    async release() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.each(TEST_SERVERS)('the contract WebSocket survives hostile clients (%s)', (server) => {
  let db: TestDatabase;
  let dataDir: string;
  let engine: Engine;
  let host: HeadlessServer;
  let client: WsEngineClient;
  const problems: string[] = [];
  // In a real host an uncaught exception ends the process (and orphans a local stack's servers); here vitest
  // would only report it after the run, so the tests watch for one themselves.
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => void uncaught.push(error);

  /**
   * The engine and a well-behaved client carry on: no uncaught exception, and an answer on the other client. That
   * the other client still gets events pushed is checked once, after every case (the last test): waiting for the
   * next telemetry tick after each case would cost a tick per case and prove nothing more.
   */
  async function othersStillServed(): Promise<void> {
    expect(uncaught).toEqual([]);
    expect((await client.call('engine.status', {})).phase).toBe('ready');
    expect(uncaught).toEqual([]);
  }

  const request = (id: unknown, command: unknown, params: unknown = {}) => JSON.stringify({ type: 'request', id, command, params });

  beforeAll(async () => {
    process.on('uncaughtExceptionMonitor', onUncaught);
    db = await createTestDatabase(server);
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-hostile-'));
    engine = new Engine({ dataDir, cache: false });
    host = await startHeadlessServer({
      engine,
      port: 0,
      clientLimits: { maxBufferedBytes: 256 * 1024 },
      onClientProblem: (reason) => problems.push(reason),
    });
    client = await WsEngineClient.connect(new WebSocket(host.wsUrl));
    await client.call('stack.connect', { pgUrl: db.url });
  });
  afterAll(async () => {
    process.off('uncaughtExceptionMonitor', onUncaught);
    client?.close();
    await host?.close();
    await engine?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('closes a connection that sends invalid UTF-8 in a text frame with 1007, and the engine carries on', async () => {
    const raw = await RawClient.open(host.wsUrl);
    raw.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
    expect(await raw.closed()).toBe(1007);
    await othersStillServed();
  });

  it('closes a connection that sends a frame over the size limit with 1009, and the engine carries on', async () => {
    const raw = await RawClient.open(host.wsUrl);
    raw.ws.send(request(1, 'engine.status', { pad: 'x'.repeat(MAX_FRAME_BYTES + 1) }));
    expect(await raw.closed()).toBe(1009);
    await othersStillServed();
  });

  it.each([
    ['invalid JSON', '{"type":"request",', null, /not valid JSON/],
    ['an empty frame', '', null, /not valid JSON/],
    ['a JSON array', '[1,2,3]', null, /JSON array, not an object/],
    ['a JSON number', '42', null, /JSON number, not an object/],
    ['JSON null', 'null', null, /JSON null, not an object/],
    ['a JSON string', '"engine.status"', null, /JSON string, not an object/],
    ['a message without a command', JSON.stringify({ type: 'request', id: 3 }), 3, /command/],
    ['a message with an extra field', JSON.stringify({ type: 'request', id: 4, command: 'engine.status', extra: 1 }), 4, /extra/],
    ['a message of another type', JSON.stringify({ type: 'response', id: 5, command: 'engine.status' }), 5, /type/],
    ['a string id', request('7', 'engine.status'), null, /id/],
    ['a negative id', request(-1, 'engine.status'), null, /id/],
    ['a fractional id', request(1.5, 'engine.status'), null, /id/],
    ['an object id', request({ n: 1 }, 'engine.status'), null, /id/],
    ['an id beyond 2^53', request(2 ** 60, 'engine.status'), null, /id/],
    ['a command that is not a string', request(8, 42), 8, /command/],
    ['a 100,000-character command', request(9, 'x'.repeat(100_000)), 9, /command/],
    [
      '__proto__ at the top of the message',
      '{"type":"request","id":10,"command":"engine.status","__proto__":{"polluted":true}}',
      10,
      /__proto__/,
    ],
    [
      'constructor at the top of the message',
      '{"type":"request","id":11,"command":"engine.status","constructor":{"prototype":{"polluted":true}}}',
      11,
      /constructor/,
    ],
  ])('answers %s with a bad-request error that says what is wrong', async (_what, frame, id, message) => {
    const raw = await RawClient.open(host.wsUrl);
    raw.ws.send(frame);
    const [reply] = await raw.waitReplies(1);
    expect(reply).toMatchObject({ ok: false, id, error: { code: 'bad-request', message: expect.stringMatching(message) } });
    expect(reply!.error!.message.length).toBeLessThan(2000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(raw.closeCode).toBeNull();
    raw.close();
    await othersStillServed();
  });

  it.each(
    [
      ['an unknown command', request(20, 'engine.explode'), 'unknown-command', /engine\.explode/],
      ['an inherited name as a command', request(21, 'toString'), 'unknown-command', /toString/],
      ['a parameter of the wrong type', request(22, 'workload.setRate', { rate: 'fast' }), 'bad-request', /rate/],
      ['a missing parameter', request(23, 'stack.connect', {}), 'bad-request', /pgUrl/],
      ['an extra parameter', request(24, 'engine.status', { verbose: true }), 'bad-request', /verbose/],
      ['params that are not an object', request(25, 'engine.status', [1, 2]), 'bad-request', /params|object/],
      [
        '__proto__ in params',
        '{"type":"request","id":26,"command":"engine.status","params":{"__proto__":{"polluted":true}}}',
        'bad-request',
        /__proto__/,
      ],
      [
        'constructor.prototype in params',
        request(27, 'engine.status', { constructor: { prototype: { polluted: true } } }),
        'bad-request',
        /constructor/,
      ],
      [
        'a 100,000-item array in params',
        request(28, 'optimize.apply', { planId: 'p', steps: Array.from({ length: 100_000 }, (_, i) => `s${i}`), confirm: true }),
        'bad-request',
        /steps/,
      ],
      [
        'a 500,000-character string where a number belongs',
        request(29, 'telemetry.history', { seconds: '9'.repeat(500_000) }),
        'bad-request',
        /seconds/,
      ],
      ['a 100,000-character unknown key', request(30, 'engine.status', { ['k'.repeat(100_000)]: 1 }), 'bad-request', /kkk/],
      [
        'JSON nested 100,000 levels deep',
        `{"type":"request","id":31,"command":"engine.status","params":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
        'bad-request',
        /\ba\b/,
      ],
    ].map(([what, frame, code, message]) => [what as string, code as string, frame as string, message as RegExp] as const),
  )('answers %s with a %s error for that request only', async (_what, code, frame, message) => {
    const raw = await RawClient.open(host.wsUrl);
    raw.ws.send(frame);
    const [reply] = await raw.waitReplies(1);
    expect(reply).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) } });
    expect(reply!.error!.message.length).toBeLessThan(2000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(raw.closeCode).toBeNull();
    raw.close();
    await othersStillServed();
  });

  it('answers a binary frame with an error asking for JSON text', async () => {
    const raw = await RawClient.open(host.wsUrl);
    raw.ws.send(Buffer.from(request(40, 'engine.status')), { binary: true });
    const [reply] = await raw.waitReplies(1);
    expect(reply).toMatchObject({ ok: false, id: null, error: { code: 'bad-request', message: expect.stringContaining('Binary') } });
    raw.close();
    await othersStillServed();
  });

  it('refuses a flood beyond the in-flight limit and a repeated id, answering every request once; others keep being served', async () => {
    const hole = await blackHole();
    const raw = await RawClient.open(host.wsUrl);
    const limit = DEFAULT_BRIDGE_LIMITS.maxInFlight;
    const flood = limit + 1000;
    for (let id = 1; id <= flood; id++) raw.ws.send(request(id, 'stack.test', { pgUrl: hole.url }));
    raw.ws.send(request(1, 'engine.status'));
    // Everything past the limit is refused at once, and id 1 (still hanging) cannot be reused.
    const refused = await raw.waitReplies(flood - limit + 1);
    const tooMany = refused.filter((r) => r.error?.code === 'too-many-requests');
    expect(tooMany.map((r) => r.id)).toEqual(Array.from({ length: flood - limit }, (_, i) => limit + 1 + i));
    expect(tooMany[0]!.error!.message).toContain(`at most ${limit}`);
    expect(refused.filter((r) => r.error?.code === 'duplicate-request-id')).toEqual([
      expect.objectContaining({ id: null, error: expect.objectContaining({ message: expect.stringContaining('id 1 ') }) }),
    ]);
    await othersStillServed();
    await hole.release();
    const all = await raw.waitReplies(flood + 1);
    const answered = all.filter((r) => r.error?.code !== 'too-many-requests' && r.error?.code !== 'duplicate-request-id');
    expect(answered.map((r) => r.id).sort((a, b) => a! - b!)).toEqual(Array.from({ length: limit }, (_, i) => i + 1));
    expect(answered.every((r) => r.ok === false)).toBe(true);
    raw.close();
    await othersStillServed();
  });

  it('closes a client that never reads what it asked for (1008), not growing our memory, and others carry on', async () => {
    const raw = await RawClient.open(host.wsUrl);
    raw.ws.pause();
    let id = 0;
    // Keep asking (and never reading) until the server gives up on this client.
    await waitFor(
      'the server to drop the client that does not read',
      async () => {
        if (problems.some((p) => p.includes('not reading'))) return true;
        for (let i = 0; i < 200 && raw.ws.readyState === WebSocket.OPEN; i++) raw.ws.send(request(++id, 'engine.status'));
        await new Promise((resolve) => setImmediate(resolve));
        return undefined;
      },
      60_000,
    );
    expect(problems.find((p) => p.includes('not reading'))).toContain(`${256 * 1024} bytes`);
    await othersStillServed();
  });

  it('answers random bytes and random JSON sent as text frames with one reply each, or closes that connection with 1007', async () => {
    let raw = await RawClient.open(host.wsUrl);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
          fc.json().map((j) => Buffer.from(j)),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify({ type: 'request', id: 1, command: 'engine.status', params: v }))),
        ),
        async (frame) => {
          if (raw.closeCode !== null) raw = await RawClient.open(host.wsUrl);
          const before = raw.replies.length;
          raw.ws.send(frame, { binary: false });
          await raw.until('a reply or a close', () => (raw.replies.length > before || raw.closeCode !== null ? true : undefined));
          if (raw.closeCode !== null) {
            expect(raw.closeCode).toBe(1007);
            expect(() => new TextDecoder('utf-8', { fatal: true }).decode(frame)).toThrow();
          } else {
            expect(raw.replies.length).toBe(before + 1);
          }
        },
      ),
      { numRuns: 150 },
    );
    raw.close();
    await othersStillServed();
  });

  it('refuses a WebSocket from another origin (403) and one without or with a wrong token (401)', async () => {
    const statusOf = (url: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    expect(await statusOf(host.wsUrl, { Origin: 'http://evil.example' })).toBe(403);
    expect(await statusOf(host.wsUrl, { Origin: `http://127.0.0.1:${host.port + 1}` })).toBe(403);
    expect(await statusOf(host.wsUrl.replace(/\?token=.*/, ''))).toBe(401);
    expect(await statusOf(host.wsUrl.replace(/token=.*/, 'token=guess'))).toBe(401);
    await othersStillServed();
  });

  it('keeps serving when a client resets its connection mid-request', async () => {
    const hole = await blackHole();
    const raw = await RawClient.open(host.wsUrl);
    raw.ws.send(request(1, 'stack.test', { pgUrl: hole.url }));
    raw.ws.terminate();
    await hole.release();
    await othersStillServed();
  });

  it('after every hostile client above, the well-behaved client still has telemetry events pushed to it', async () => {
    await new Promise<void>((resolve) => {
      const off = client.subscribe('telemetry.snapshot', () => {
        off();
        resolve();
      });
    });
    await othersStillServed();
  });
});
