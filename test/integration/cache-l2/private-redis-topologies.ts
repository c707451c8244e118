import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { waitFor } from '../../support/wait-for.ts';
import { freePort, startPrivateRedis, startPrivateSentinel } from './private-redis-server.ts';
import type { PrivateRedis } from './private-redis-server.ts';

/**
 * Private Redis topologies the failover tests start and break: a Sentinel-managed master with a replica, and a
 * Cluster of masters with one replica each. Loopback only, free ports, temp dirs, no persistence; `stop()` kills
 * every process and removes the dirs.
 */

const run = promisify(execFile);

/** One command on a fresh connection that tries once (a dead server fails it at once). */
export async function redisCommand(port: number, ...args: string[]): Promise<string> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return String(await client.call(args[0]!, ...args.slice(1)));
  } finally {
    client.disconnect();
  }
}

/** GETs the server at `port` was sent (INFO commandstats): replication and sentinels send none, so these are clients'. */
export async function getCalls(port: number): Promise<number> {
  return Number(/^cmdstat_get:calls=(\d+)/m.exec(await redisCommand(port, 'INFO', 'commandstats'))?.[1] ?? 0);
}

/** A field of INFO, e.g. `role` or `keyspace_hits`. */
export async function infoField(port: number, field: string): Promise<string | undefined> {
  const info = await redisCommand(port, 'INFO');
  return new RegExp(`^${field}:(\\S+)`, 'm').exec(info)?.[1];
}

export interface SentinelGroup {
  masterName: string;
  sentinelPort: number;
  servers: PrivateRedis[];
  /** The port the sentinel names as the master now. */
  masterPort(): Promise<number>;
  /** Waits until every server other than the master is its replica with the link up, and the sentinel knows them. */
  replicasInSync(): Promise<void>;
  stop(): Promise<void>;
}

/** A master, one replica, and one sentinel (quorum 1) that declares the master down after 1 s without answers. */
export async function startSentinelGroup(masterName: string): Promise<SentinelGroup> {
  const master = await startPrivateRedis();
  const replica = await startPrivateRedis(['--replicaof', '127.0.0.1', String(master.port)]);
  const servers = [master, replica];
  const sentinel = await startPrivateSentinel(master.port, masterName, { downAfterMs: 1_000, failoverTimeoutMs: 5_000 });
  const group: SentinelGroup = {
    masterName,
    sentinelPort: sentinel.port,
    servers,
    masterPort: async () => {
      const answer = await redisCommand(sentinel.port, 'SENTINEL', 'get-master-addr-by-name', masterName);
      return Number(answer.split(',')[1]);
    },
    replicasInSync: async () => {
      const current = await group.masterPort();
      for (const server of servers.filter((s) => s.port !== current)) {
        await waitFor(
          `the replica on ${server.port} in sync with ${current}`,
          async () =>
            (await infoField(server.port, 'master_port')) === String(current) &&
            (await infoField(server.port, 'master_link_status')) === 'up'
              ? true
              : undefined,
          30_000,
        );
      }
      await waitFor(
        'the sentinel to know the replicas',
        async () => {
          const replicas = await redisCommand(sentinel.port, 'SENTINEL', 'REPLICAS', masterName);
          return servers.filter((s) => s.port !== current).every((s) => replicas.includes(`127.0.0.1:${s.port}`)) ? true : undefined;
        },
        30_000,
      );
    },
    stop: async () => {
      await sentinel.stop();
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
  return group;
}

/** A free port whose cluster bus port (port + 10000) is free and valid too. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 > 65_535) continue;
    try {
      await freePort(port + 10_000);
      return port;
    } catch {
      // the bus port is taken: try another
    }
  }
}

export interface ClusterNode {
  port: number;
  id: string;
  role: 'master' | 'replica';
  /** A replica's master's id. */
  masterId: string | null;
  /** Connected and not marked failed. */
  healthy: boolean;
}

/** CLUSTER NODES as one node sees it. */
export async function clusterNodes(port: number): Promise<ClusterNode[]> {
  const text = await redisCommand(port, 'CLUSTER', 'NODES');
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id = '', address = '', flags = '', masterId = '-', , , , link = ''] = line.split(' ');
      return {
        id,
        port: Number(/:(\d+)@/.exec(address)?.[1]),
        role: flags.includes('master') ? ('master' as const) : ('replica' as const),
        masterId: masterId === '-' ? null : masterId,
        healthy: link === 'connected' && !/fail/.test(flags),
      };
    });
}

export async function clusterState(port: number): Promise<string> {
  const info = await redisCommand(port, 'CLUSTER', 'INFO');
  return /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
}

export interface PrivateCluster {
  servers: PrivateRedis[];
  /** Waits until `port`'s view has `masters` healthy masters each with a healthy replica (or none, with `replicas` 0) and state ok. */
  settled(port: number, masters: number, replicas: number): Promise<ClusterNode[]>;
  stop(): Promise<void>;
}

/** `masters` masters with `replicasPerMaster` replicas each; a node is failed over after 2 s without answers. */
export async function startPrivateCluster(masters: number, replicasPerMaster: number): Promise<PrivateCluster> {
  const servers: PrivateRedis[] = [];
  const cluster: PrivateCluster = {
    servers,
    settled: async (port, masterCount, replicas) =>
      await waitFor(
        `a settled cluster as ${port} sees it`,
        async () => {
          if ((await clusterState(port)) !== 'ok') return undefined;
          const nodes = (await clusterNodes(port)).filter((n) => n.healthy);
          const masterNodes = nodes.filter((n) => n.role === 'master');
          const covered = masterNodes.every((m) => nodes.filter((n) => n.masterId === m.id).length >= replicas);
          return masterNodes.length === masterCount && covered ? nodes : undefined;
        },
        60_000,
      ),
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
  try {
    for (let i = 0; i < masters * (1 + replicasPerMaster); i++) {
      servers.push(
        await startPrivateRedis(
          ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
          await clusterPort(),
        ),
      );
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...servers.map((s) => `127.0.0.1:${s.port}`),
      '--cluster-replicas',
      String(replicasPerMaster),
      '--cluster-yes',
    ]);
    for (const s of servers) await cluster.settled(s.port, masters, replicasPerMaster);
    // A replica that never finished its first sync is too stale to be elected: wait for every link.
    for (const node of (await clusterNodes(servers[0]!.port)).filter((n) => n.role === 'replica')) {
      await waitFor(
        `the replica on ${node.port} in sync`,
        async () => ((await infoField(node.port, 'master_link_status')) === 'up' ? true : undefined),
        30_000,
      );
    }
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
