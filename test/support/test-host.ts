import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Engine, type EngineOptions } from '../../main/engine/engine.ts';
import { startHeadlessServer, type HeadlessServer } from '../../app/server/headless-server.ts';
import { WsEngineClient } from '../../renderer/transport/ws-engine-client.ts';

export interface TestHost {
  engine: Engine;
  host: HeadlessServer;
  /** A contract client over the real WebSocket. */
  client: WsEngineClient;
  /** The engine's own data folder (profiles, an unused local stack), removed by `close`. */
  dataDir: string;
  close(): Promise<void>;
}

/** A real engine behind a real headless server on a free port, and a WebSocket client of it. */
export async function startTestHost(options: Partial<EngineOptions> = {}): Promise<TestHost> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-host-'));
  const engine = new Engine({ dataDir, ...options });
  const host = await startHeadlessServer({ engine, port: 0 });
  const client = await WsEngineClient.connect(new WebSocket(host.wsUrl));
  return {
    engine,
    host,
    client,
    dataDir,
    async close() {
      client.close();
      await host.close();
      await engine.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
