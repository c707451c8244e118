import { Cluster, Redis } from 'ioredis';
import { classifyRedisConnectError, StackError } from './stack-errors.ts';
import type { ConnectTarget } from './stack-errors.ts';
import { readRedisTls } from './redis-tls.ts';
import type { RedisTlsOptions } from './redis-tls.ts';
import { parseRedisUrl } from './redis-url.ts';
import type { RedisTopology } from './stack.ts';

/**
 * Connects once, PINGs (and SELECTs the database the URL names), and disconnects. Bounded: no reconnects, no
 * offline queue, and a deadline over the whole exchange, because ioredis would otherwise retry forever and a
 * silent server would hang the caller. Throws a classified StackError. Over TLS the certificate files are read first
 * (an unreadable one is `tls-failed`), and an untrusted server certificate is `tls-untrusted`.
 */
export async function verifyRedis(url: string, timeoutMs: number): Promise<void> {
  const parsed = parseRedisUrl(url);
  const target = { ...parsed.target, timeoutMs };
  const tls = parsed.topology.tls === undefined ? undefined : readRedisTls(parsed.topology.tls);
  const topology = parsed.topology;
  try {
    if (topology.kind === 'sentinel') await checkSentinelsKnowMaster(topology, timeoutMs, tls);
    await bounded(probeClient(topology, timeoutMs, tls), timeoutMs, target, async (redis) => {
      await redis.connect();
      const pong = await redis.ping();
      if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}`);
      if (parsed.db !== undefined && redis instanceof Redis) await redis.select(parsed.db);
    });
  } catch (error) {
    if (tls === undefined || !(error instanceof StackError) || error.code !== 'connection-closed') throw error;
    // ioredis' Cluster reports a node's failed TLS handshake as only "Connection is closed": ask the first seed
    // node alone, whose own error names the cause (an untrusted certificate).
    if (topology.kind === 'cluster') {
      const seed = topology.nodes[0]!;
      const alone = new Redis({ ...onceOptions(timeoutMs), host: seed.host, port: seed.port, tls: { ...tls } });
      await bounded(alone, timeoutMs, { ...seed, timeoutMs }, async (redis) => await redis.connect()).catch((seedError: unknown) => {
        if (seedError instanceof StackError && seedError.code !== 'connection-closed') throw seedError;
      });
    }
    throw tlsClosed(error, tls);
  }
}

/**
 * A TLS server that closes the connection during the handshake has most likely refused us: redis-server's
 * tls-auth-clients yes (its default) drops a client that brings no certificate, or one its CA did not sign.
 */
function tlsClosed(error: StackError, tls: RedisTlsOptions): StackError {
  return new StackError(
    'tls-failed',
    `${error.message.replace(/ during the handshake\.$/, '')} during the TLS handshake: the server refused this client.`,
    tls.cert === undefined
      ? 'A Redis with tls-auth-clients yes (its default) wants a client certificate: give tls_cert=/path/client.pem&tls_key=/path/client.key in the Redis URL.'
      : "Check that the server's tls-ca-cert-file signed the client certificate (tls_cert), and that the port speaks TLS.",
    { cause: error },
  );
}

/** One exchange on a client that tries once, under a deadline; the client is disconnected after. */
async function bounded<C extends Redis | Cluster, T>(
  redis: C,
  timeoutMs: number,
  target: ConnectTarget,
  work: (redis: C) => Promise<T>,
): Promise<T> {
  // ioredis rejects connect() with a bare "Connection is closed." (a Cluster: "None of startup nodes is available");
  // the cause arrives as an `error` event.
  let lastError: unknown;
  redis.on('error', (error) => {
    lastError = error;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis connect timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  const exchange = work(redis);
  // When the deadline wins, the exchange still settles later: keep that from becoming an unhandled rejection.
  exchange.catch(() => undefined);
  try {
    return await Promise.race([exchange, deadline]);
  } catch (error) {
    // A Cluster that reached no seed node rejects with only that; its `error` event carries the node's own error
    // (NOAUTH, refused), which is what the operator can act on.
    let cause = lastError !== undefined && /Connection is closed|None of startup nodes/.test((error as Error).message) ? lastError : error;
    cause = (cause as { lastNodeError?: unknown } | null)?.lastNodeError ?? cause;
    throw cause instanceof StackError ? cause : classifyRedisConnectError(cause, { ...target, timeoutMs });
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

/**
 * Asks each sentinel for the master's address before connecting through them: ioredis reports a name no sentinel
 * monitors as a connection closed during the handshake, which sends the operator after the network instead of the
 * name. Passes when one sentinel names an address; refuses with `redis-master-unknown` when those that answer do
 * not know the name, and with the first sentinel's connection error when none answers.
 */
async function checkSentinelsKnowMaster(
  topology: Extract<RedisTopology, { kind: 'sentinel' }>,
  timeoutMs: number,
  tls: RedisTlsOptions | undefined,
): Promise<void> {
  let answered = false;
  let firstError: unknown;
  for (const sentinel of topology.sentinels) {
    const client = new Redis({
      host: sentinel.host,
      port: sentinel.port,
      lazyConnect: true,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      ...(tls === undefined ? {} : { tls: { ...tls } }),
      ...(topology.sentinelPassword === undefined ? {} : { password: topology.sentinelPassword }),
    });
    try {
      const address = await bounded(client, timeoutMs, sentinel, async (redis) => {
        await redis.connect();
        return await redis.call('SENTINEL', 'get-master-addr-by-name', topology.masterName);
      });
      if (Array.isArray(address)) return;
      answered = true;
    } catch (error) {
      firstError ??= error;
    }
  }
  if (!answered) throw firstError;
  const where = topology.sentinels.map((s) => `${s.host}:${s.port}`).join(', ');
  throw new StackError(
    'redis-master-unknown',
    `The sentinels at ${where} monitor no master named "${topology.masterName}".`,
    'Check --redis-master (the name after the sentinels in a redis+sentinel:// URL): SENTINEL MASTERS on a sentinel lists the names it monitors.',
  );
}

function onceOptions(timeoutMs: number) {
  return {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    reconnectOnError: () => false,
  } as const;
}

/**
 * A client that tries once: for Sentinel it asks the sentinels for the master and connects to it (a sentinel that
 * does not know the name fails the connect); for a Cluster it reads the slot map from a seed node and PINGs a node.
 */
function probeClient(topology: RedisTopology, timeoutMs: number, tls: RedisTlsOptions | undefined): Redis | Cluster {
  const once = onceOptions(timeoutMs);
  const overTls = tls === undefined ? {} : { tls: { ...tls } };
  switch (topology.kind) {
    case 'standalone':
      return new Redis(topology.url, { ...once, ...overTls });
    case 'sentinel':
      return new Redis({
        ...once,
        ...overTls,
        ...(tls === undefined ? {} : { enableTLSForSentinelMode: true, sentinelTLS: { ...tls } }),
        sentinels: topology.sentinels,
        name: topology.masterName,
        sentinelRetryStrategy: () => null,
        ...(topology.username === undefined ? {} : { username: topology.username }),
        ...(topology.password === undefined ? {} : { password: topology.password }),
        ...(topology.sentinelPassword === undefined ? {} : { sentinelPassword: topology.sentinelPassword }),
        ...(topology.db === undefined ? {} : { db: topology.db }),
      });
    case 'cluster': {
      const { lazyConnect, enableOfflineQueue, retryStrategy, ...perNode } = once;
      return new Cluster(topology.nodes, {
        lazyConnect,
        enableOfflineQueue,
        clusterRetryStrategy: retryStrategy,
        // As the L2's client does: check certificates against the seed nodes' names, not their addresses.
        ...(tls === undefined
          ? {}
          : { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) }),
        redisOptions: {
          ...perNode,
          ...overTls,
          ...(topology.username === undefined ? {} : { username: topology.username }),
          ...(topology.password === undefined ? {} : { password: topology.password }),
        },
      });
    }
  }
}
