import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * s3rver signs ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only has in its legacy
 * provider: the server runs in its own Node process started with that provider (the test process
 * keeps the default one). It exits when told to, and when its stdin closes (the test runner died).
 */
const SERVER_SCRIPT = `
const S3rver = require(process.env.S3RVER_MODULE);
const server = new S3rver({ port: Number(process.env.S3RVER_PORT), address: '127.0.0.1', silent: true, directory: process.env.S3RVER_DIR });
server.run().then((address) => console.log(JSON.stringify({ port: address.port })), (error) => { console.error(error); process.exit(1); });
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
`;

const S3RVER_MODULE = createRequire(import.meta.url).resolve('s3rver');

interface RunningServer {
  child: ChildProcess;
  port: number;
}

async function spawnServer(dir: string, port: number): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', SERVER_SCRIPT], {
    env: { ...process.env, S3RVER_MODULE, S3RVER_PORT: String(port), S3RVER_DIR: dir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`s3rver exited (code ${String(code)}) before listening: ${stderr}`);
  });
  const listening = (async () => {
    for await (const line of lines) return (JSON.parse(line) as { port: number }).port;
    throw new Error(`s3rver closed its output before listening: ${stderr}`);
  })();
  const actualPort = await Promise.race([listening, exited]);
  exited.catch(() => undefined);
  return { child, port: actualPort };
}

async function stopServer(server: RunningServer): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.kill('SIGTERM');
  await exited;
}

/** s3rver's fixed account. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * A real S3-compatible server (s3rver, objects in a temp folder) on 127.0.0.1. `stop` and `restart`
 * model an outage: the restarted server listens on the same port over the same folder, so the bucket
 * and its objects are back.
 */
export interface S3TestServer {
  endpoint: string;
  port: number;
  dir: string;
  running: boolean;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** A plain SDK client, for putting objects behind the tier's back. */
  client(): S3Client;
  createBucket(name: string): Promise<void>;
  /** Stops the server if running and removes its folder. */
  dispose(): Promise<void>;
}

export async function startS3Server(): Promise<S3TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'hotpath-s3rver-'));
  let current: RunningServer | undefined = await spawnServer(dir, 0);
  const port = current.port;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];

  const handle: S3TestServer = {
    endpoint,
    port,
    dir,
    running: true,
    async stop() {
      if (!current) return;
      const server = current;
      current = undefined;
      handle.running = false;
      await stopServer(server);
    },
    async restart() {
      if (current) return;
      current = await spawnServer(dir, port);
      handle.running = true;
    },
    client() {
      const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
      clients.push(client);
      return client;
    },
    async createBucket(name) {
      await handle.client().send(new CreateBucketCommand({ Bucket: name }));
    },
    async dispose() {
      for (const client of clients) client.destroy();
      await handle.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
