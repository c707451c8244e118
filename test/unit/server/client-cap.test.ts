import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Engine } from '../../../main/engine/engine.ts';
import { DEFAULT_MAX_CLIENTS, startHeadlessServer, type HeadlessServer } from '../../../app/server/headless-server.ts';

/**
 * Each WebSocket client may hold requests in flight and buffered replies; a cap on the number of clients bounds
 * the total. Past it the upgrade is refused with 503 and a body that says why; a freed place can be taken again.
 */
function open(url: string): Promise<{ socket: WebSocket; status: number; body: string }> {
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, status: 101, body: '' }));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ socket, status: res.statusCode ?? 0, body }));
    });
    socket.once('error', reject);
  });
}

describe('the headless server caps its WebSocket clients', () => {
  let dataDir: string;
  let engine: Engine;
  let host: HeadlessServer;
  const sockets: WebSocket[] = [];

  afterEach(async () => {
    sockets.forEach((socket) => socket.terminate());
    await host?.close();
    await engine?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const start = async (maxClients?: number): Promise<void> => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-cap-'));
    engine = new Engine({ dataDir });
    host = await startHeadlessServer({
      engine,
      port: 0,
      ...(maxClients !== undefined ? { maxClients } : {}),
      onClientProblem: () => undefined,
    });
  };

  it('refuses the client past maxClients with 503 and a clear body, and admits one again once a place is free', async () => {
    await start(3);
    const admitted = await Promise.all([1, 2, 3].map(() => open(host.wsUrl)));
    sockets.push(...admitted.map((a) => a.socket));
    expect(admitted.map((a) => a.status)).toEqual([101, 101, 101]);
    const refused = await open(host.wsUrl);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatch(/3 WebSocket clients are connected already \(the most this server accepts\)/);
    expect(refused.body).toMatch(/close another console/i);
    // The admitted clients still work.
    const reply = new Promise<Record<string, unknown>>((resolve) =>
      admitted[1]!.socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as Record<string, unknown>;
        if (message.type === 'response') resolve(message);
      }),
    );
    admitted[1]!.socket.send(JSON.stringify({ type: 'request', id: 1, command: 'engine.status', params: {} }));
    expect(await reply).toMatchObject({ id: 1, ok: true, result: { phase: 'disconnected' } });
    const closed = new Promise((resolve) => admitted[0]!.socket.once('close', resolve));
    admitted[0]!.socket.close();
    await closed;
    const again = await open(host.wsUrl);
    sockets.push(again.socket);
    expect(again.status).toBe(101);
  });

  it('counts upgrades still in their handshake, so a burst cannot pass the cap', async () => {
    await start(2);
    const burst = await Promise.all([1, 2, 3, 4, 5].map(() => open(host.wsUrl)));
    sockets.push(...burst.map((b) => b.socket));
    expect(burst.filter((b) => b.status === 101)).toHaveLength(2);
    expect(burst.filter((b) => b.status === 503)).toHaveLength(3);
  });

  it(`defaults to ${32} clients`, async () => {
    expect(DEFAULT_MAX_CLIENTS).toBe(32);
    await start();
    const admitted = await Promise.all(Array.from({ length: DEFAULT_MAX_CLIENTS }, () => open(host.wsUrl)));
    sockets.push(...admitted.map((a) => a.socket));
    expect(admitted.every((a) => a.status === 101)).toBe(true);
    expect((await open(host.wsUrl)).status).toBe(503);
  });

  it('rejects a maxClients that is not a positive integer, naming it', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-cap-'));
    engine = new Engine({ dataDir });
    await expect(startHeadlessServer({ engine, port: 0, maxClients: 0 })).rejects.toThrow(/maxClients must be a positive integer; got 0/);
  });
});
