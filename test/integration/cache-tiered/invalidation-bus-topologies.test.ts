import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisTarget } from '../../../main/cache/l2/redis-connection.ts';
import { RedisInvalidationBus } from '../../../main/cache/tiered/invalidation-bus.ts';
import type { InvalidationMessage } from '../../../main/cache/tiered/invalidation-bus.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startPrivateCluster, startSentinelGroup, type PrivateCluster, type SentinelGroup } from '../cache-l2/private-redis-topologies.ts';

// The invalidation bus on the two multi-server topologies: one instance's message reaches another's subscriber when
// both reach Redis through Sentinel, or through a Cluster (where PUBLISH is forwarded to every node, and each
// instance's subscriber sits on whichever node ioredis picked).
let group: SentinelGroup;
let cluster: PrivateCluster;

beforeAll(async () => {
  group = await startSentinelGroup('hotpath-bus');
  cluster = await startPrivateCluster(3, 0);
});
afterAll(async () => {
  await group?.stop();
  await cluster?.stop();
});

async function delivers(target: RedisTarget): Promise<void> {
  const channel = `hotpath:bus-test:${target.kind}`;
  const a = new RedisInvalidationBus({ target, channel });
  const b = new RedisInvalidationBus({ target, channel });
  try {
    expect(await a.ready(15_000)).toBe(true);
    expect(await b.ready(15_000)).toBe(true);
    const received: InvalidationMessage[] = [];
    b.subscribe((message) => received.push(message));
    await a.publish({ origin: 'a', keys: ['k1', 'k2'] });
    await a.publish({ origin: 'a', prefix: 'chunk:' });
    await waitFor('both messages at b', () => (received.length === 2 ? true : undefined), 10_000);
    expect(received).toEqual([
      { origin: 'a', keys: ['k1', 'k2'] },
      { origin: 'a', prefix: 'chunk:' },
    ]);
    expect(a.errors + a.shortCircuited).toBe(0);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

describe('RedisInvalidationBus on Sentinel and Cluster', () => {
  it('through Sentinel: a message published by one instance reaches the other', async () => {
    await delivers({ kind: 'sentinel', sentinels: [{ host: '127.0.0.1', port: group.sentinelPort }], name: group.masterName });
  });

  it('on a Cluster: a message published by one instance reaches the other', async () => {
    await delivers({ kind: 'cluster', nodes: cluster.servers.map((s) => ({ host: '127.0.0.1', port: s.port })) });
  });
});
