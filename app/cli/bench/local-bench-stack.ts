import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../../main/stack/index.ts';

/**
 * Runs `work` against a fresh local demo stack (embedded PostgreSQL 18, no Redis) in a temporary folder, then
 * stops it and removes the folder: what `bench pool` measures when no --pg is given. A fresh folder, not the
 * user's data folder, so a console already running on the demo stack is neither disturbed nor in the way.
 */
export async function withLocalBenchStack<T>(work: (pgUrl: string) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-bench-'));
  process.stderr.write('Starting a local demo stack (embedded PostgreSQL) for the benchmark…\n');
  const stack = await startLocalStack({ dataDir, redis: 'off' });
  try {
    const { host, port, user, password, database } = stack.pg;
    const url = new URL('postgres://localhost');
    url.hostname = String(host ?? '127.0.0.1');
    url.port = String(port ?? 5432);
    url.username = encodeURIComponent(String(user ?? 'postgres'));
    if (typeof password === 'string') url.password = encodeURIComponent(password);
    url.pathname = `/${database ?? 'postgres'}`;
    return await work(url.toString());
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
