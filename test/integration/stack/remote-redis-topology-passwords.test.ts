import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTier } from '../../../main/cache/l2/redis-tier.ts';
import { redisTarget } from '../../../main/engine/cache-session.ts';
import { connectRemoteStack } from '../../../main/stack/remote/remote-stack.ts';
import type { Stack } from '../../../main/stack/stack.ts';
import { serverUrl } from '../../support/databases.ts';
import { startPrivateCluster, startSentinelGroup, type PrivateCluster, type SentinelGroup } from '../cache-l2/private-redis-topologies.ts';
import { expectStackError } from './support/stack-test-helpers.ts';

// A password-protected Sentinel setup and Cluster, the password given as redis-cli takes it (REDISCLI_AUTH): the
// stack is verified with it, and the L2 tier built from the stack's topology reads and writes with it.
const PASSWORD = `topology-pw-${process.pid}`;
let group: SentinelGroup;
let cluster: PrivateCluster;

/** CONFIG SET (or SENTINEL SET) on a server that has no password yet. */
async function configure(port: number, ...args: string[]): Promise<void> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    await client.call(args[0]!, ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

beforeAll(async () => {
  group = await startSentinelGroup('hotpath-auth');
  await group.replicasInSync();
  // Passwords set once everything runs: the replica authenticates to the master, the sentinel to both.
  const [master, replica] = group.servers;
  await configure(replica!.port, 'CONFIG', 'SET', 'masterauth', PASSWORD);
  await configure(master!.port, 'CONFIG', 'SET', 'masterauth', PASSWORD);
  await configure(group.sentinelPort, 'SENTINEL', 'SET', group.masterName, 'auth-pass', PASSWORD);
  await configure(replica!.port, 'CONFIG', 'SET', 'requirepass', PASSWORD);
  await configure(master!.port, 'CONFIG', 'SET', 'requirepass', PASSWORD);
  cluster = await startPrivateCluster(3, 0);
  for (const node of cluster.servers) await configure(node.port, 'CONFIG', 'SET', 'requirepass', PASSWORD);
});
afterAll(async () => {
  await group?.stop();
  await cluster?.stop();
});

/** Sets and gets one key through an L2 tier on the stack's Redis. */
async function roundTrip(stack: Stack): Promise<unknown> {
  const tier = new RedisTier({ target: redisTarget(stack.redis!.topology!), keyPrefix: 'hotpath:auth-test:', defaultTtlMs: 60_000 });
  try {
    expect(await tier.ready(10_000)).toBe(true);
    await tier.set('k', { ok: true });
    return await tier.get('k');
  } finally {
    await tier.close();
  }
}

describe.each([
  ['Sentinel', () => `redis+sentinel://127.0.0.1:${group.sentinelPort}/${group.masterName}`],
  ['Cluster', () => `redis+cluster://127.0.0.1:${cluster.servers[0]!.port}`],
])('a password-protected %s', (_kind, redisUrl) => {
  it('is refused without a password, saying where one could come from', async () => {
    const error = await expectStackError(connectRemoteStack({ pgUrl: serverUrl('pg15'), redisUrl: redisUrl(), env: {} }), 'auth-failed');
    expect(error.hint).toContain('REDISCLI_AUTH');
  });

  it('connects with REDISCLI_AUTH, and the L2 built from the topology reads and writes with it', async () => {
    const stack = await connectRemoteStack({ pgUrl: serverUrl('pg15'), redisUrl: redisUrl(), env: { REDISCLI_AUTH: PASSWORD } });
    expect(stack.redis!.topology).toMatchObject({ password: PASSWORD });
    expect(stack.redis!.displayUrl).not.toContain(PASSWORD);
    expect(await roundTrip(stack)).toEqual({ ok: true });
  });
});
