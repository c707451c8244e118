import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRemoteStack } from '../../../main/stack/remote/remote-stack.ts';
import { serverUrl } from '../../support/databases.ts';
import { freePort } from '../cache-l2/private-redis-server.ts';
import { startPrivateCluster, startSentinelGroup, type PrivateCluster, type SentinelGroup } from '../cache-l2/private-redis-topologies.ts';
import { expectStackError } from './support/stack-test-helpers.ts';

// connectRemoteStack with a Redis reached through Sentinel or as a Cluster: verified before the stack is handed out
// (the sentinels must name a master that answers; a Cluster node must answer), and REDISCLI_AUTH-style passwords
// carried into the topology the engine connects with.
let group: SentinelGroup;
let cluster: PrivateCluster;

beforeAll(async () => {
  group = await startSentinelGroup('hotpath-stack');
  cluster = await startPrivateCluster(3, 0);
});
afterAll(async () => {
  await group?.stop();
  await cluster?.stop();
});

describe('connectRemoteStack: Redis Sentinel and Cluster', () => {
  it('verifies a Sentinel-managed master and hands out its topology', async () => {
    const redisUrl = `redis+sentinel://127.0.0.1:${group.sentinelPort}/${group.masterName}`;
    const stack = await connectRemoteStack({ pgUrl: serverUrl('pg15'), redisUrl });
    expect(stack.redis).toEqual({
      url: redisUrl,
      displayUrl: redisUrl,
      topology: { kind: 'sentinel', sentinels: [{ host: '127.0.0.1', port: group.sentinelPort }], masterName: group.masterName },
    });
  });

  it('refuses a master name the sentinels do not know, and sentinels that do not answer', async () => {
    const unknown = await expectStackError(
      connectRemoteStack({ pgUrl: serverUrl('pg15'), redisUrl: `redis+sentinel://127.0.0.1:${group.sentinelPort}/no-such-master` }),
      'redis-master-unknown',
    );
    expect(unknown.message).toBe(`The sentinels at 127.0.0.1:${group.sentinelPort} monitor no master named "no-such-master".`);
    const closed = await freePort();
    await expectStackError(
      connectRemoteStack({ pgUrl: serverUrl('pg15'), redisUrl: `redis+sentinel://127.0.0.1:${closed}/m` }),
      'connection-refused',
    );
  });

  it('verifies a Cluster from one seed node and carries REDISCLI_AUTH into the topology', async () => {
    const redisUrl = `redis+cluster://127.0.0.1:${cluster.servers[1]!.port}`;
    const stack = await connectRemoteStack({ pgUrl: serverUrl('pg15'), redisUrl, env: { REDISCLI_AUTH: 'unused-by-this-cluster' } });
    expect(stack.redis?.topology).toEqual({
      kind: 'cluster',
      nodes: [{ host: '127.0.0.1', port: cluster.servers[1]!.port }],
      password: 'unused-by-this-cluster',
    });
    expect(stack.redis?.displayUrl).not.toContain('unused-by-this-cluster');
  });
});
