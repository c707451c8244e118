import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTier } from '../../../main/cache/l2/redis-tier.ts';
import { redisTarget } from '../../../main/engine/cache-session.ts';
import { Engine } from '../../../main/engine/engine.ts';
import { connectRemoteStack } from '../../../main/stack/remote/remote-stack.ts';
import type { RedisTopology } from '../../../main/stack/stack.ts';
import { serverUrl } from '../../support/databases.ts';
import {
  makeTlsFiles,
  startTlsCluster,
  startTlsRedis,
  startTlsSentinelGroup,
  tlsCommand,
  tlsQuery,
  type TlsFiles,
  type TlsRedis,
} from '../cache-l2/private-tls-redis.ts';
import { expectStackError } from './support/stack-test-helpers.ts';

// Redis over TLS through the stack: real TLS-only redis-servers (a CA and certificates made by openssl here, client
// certificates required), reached as rediss://, rediss+cluster:// and rediss+sentinel:// with tls_ca, tls_cert and
// tls_key. The stack verifies them, and the L2 tier built from the stack's topology writes and reads through them.
let files: TlsFiles;
let standalone: TlsRedis;
let cluster: { servers: TlsRedis[]; stop(): Promise<void> };
let sentinels: { master: TlsRedis; sentinel: TlsRedis; stop(): Promise<void> };
const pgUrl = serverUrl('pg15');

beforeAll(async () => {
  files = await makeTlsFiles();
  standalone = await startTlsRedis(files);
  cluster = await startTlsCluster(files, 3);
  sentinels = await startTlsSentinelGroup(files, 'hotpath-tls');
}, 120_000);
afterAll(async () => {
  await standalone?.stop();
  await cluster?.stop();
  await sentinels?.stop();
  if (files) await rm(files.dir, { recursive: true, force: true });
});

/** Writes `count` entries through an L2 tier on the topology's target, reads them back, and closes it. */
async function writeAndRead(topology: RedisTopology, prefix: string, count: number): Promise<void> {
  const tier = new RedisTier({ target: redisTarget(topology), keyPrefix: prefix, defaultTtlMs: 60_000 });
  try {
    expect(await tier.ready(10_000)).toBe(true);
    for (let i = 0; i < count; i++) await tier.set(`k${i}`, { i });
    for (let i = 0; i < count; i++) expect(await tier.get(`k${i}`)).toEqual({ i });
    expect(tier.stats()).toMatchObject({ hits: count, errors: 0 });
  } finally {
    await tier.close();
  }
}

describe('connectRemoteStack: Redis over TLS', () => {
  it('verifies rediss:// with tls_ca and a client certificate, and the L2 writes and reads through it', async () => {
    const redisUrl = `rediss://127.0.0.1:${standalone.port}${tlsQuery(files)}`;
    const stack = await connectRemoteStack({ pgUrl, redisUrl });
    expect(stack.redis?.topology).toEqual({
      kind: 'standalone',
      url: `rediss://127.0.0.1:${standalone.port}`,
      tls: { ca: files.ca, cert: files.clientCert, key: files.clientKey },
    });
    // Paths are not secrets: the display URL keeps them (and profiles save them).
    expect(stack.redis?.displayUrl).toBe(redisUrl);
    await writeAndRead(stack.redis!.topology!, 'tls-standalone:', 5);
    expect(await tlsCommand(files, standalone.port, 'EXISTS', 'tls-standalone:k0')).toBe('1');
  });

  it('refuses a server certificate from a CA it was not given, with the tls code and a hint naming tls_ca', async () => {
    const error = await expectStackError(
      connectRemoteStack({ pgUrl, redisUrl: `rediss://127.0.0.1:${standalone.port}${tlsQuery(files, files.otherCa)}` }),
      'tls-untrusted',
    );
    expect(error.hint).toContain('tls_ca=');
  });

  it('refuses a certificate file that is not there, naming it, before connecting', async () => {
    const missing = join(files.dir, 'no-such-ca.pem');
    const error = await expectStackError(
      connectRemoteStack({ pgUrl, redisUrl: `rediss://127.0.0.1:${standalone.port}${tlsQuery(files, missing)}` }),
      'tls-failed',
    );
    expect(error.message).toBe(`Cannot read the Redis CA certificate (tls_ca) file ${missing}: ENOENT.`);
  });

  it('refuses a server that wants a client certificate when none is given', async () => {
    const error = await expectStackError(
      connectRemoteStack({ pgUrl, redisUrl: `rediss://127.0.0.1:${standalone.port}?tls_ca=${encodeURIComponent(files.ca)}` }),
      'tls-failed',
    );
    expect(error.hint).toContain('tls_cert');
  });

  it('verifies a TLS Cluster from one seed node, and the L2 spreads its keys over the masters', async () => {
    const redisUrl = `rediss+cluster://127.0.0.1:${cluster.servers[0]!.port}${tlsQuery(files)}`;
    const stack = await connectRemoteStack({ pgUrl, redisUrl });
    expect(stack.redis?.topology).toEqual({
      kind: 'cluster',
      nodes: [{ host: '127.0.0.1', port: cluster.servers[0]!.port }],
      tls: { ca: files.ca, cert: files.clientCert, key: files.clientKey },
    });
    await writeAndRead(stack.redis!.topology!, 'tls-cluster:', 30);
    const sizes = await Promise.all(cluster.servers.map(async (s) => Number(await tlsCommand(files, s.port, 'DBSIZE'))));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(30);
    expect(sizes.filter((n) => n > 0).length).toBeGreaterThan(1);
  });

  it('refuses a TLS Cluster whose certificates come from a CA it was not given', async () => {
    await expectStackError(
      connectRemoteStack({ pgUrl, redisUrl: `rediss+cluster://127.0.0.1:${cluster.servers[1]!.port}${tlsQuery(files, files.otherCa)}` }),
      'tls-untrusted',
    );
  });

  it('verifies a TLS Sentinel (TLS to the sentinels and to the master), and the L2 writes to the master', async () => {
    const redisUrl = `rediss+sentinel://127.0.0.1:${sentinels.sentinel.port}/hotpath-tls${tlsQuery(files)}`;
    const stack = await connectRemoteStack({ pgUrl, redisUrl });
    expect(stack.redis?.topology).toEqual({
      kind: 'sentinel',
      sentinels: [{ host: '127.0.0.1', port: sentinels.sentinel.port }],
      masterName: 'hotpath-tls',
      tls: { ca: files.ca, cert: files.clientCert, key: files.clientKey },
    });
    await writeAndRead(stack.redis!.topology!, 'tls-sentinel:', 5);
    expect(await tlsCommand(files, sentinels.master.port, 'EXISTS', 'tls-sentinel:k4')).toBe('1');
  });

  it('refuses TLS sentinels whose certificate comes from a CA it was not given', async () => {
    const error = await expectStackError(
      connectRemoteStack({
        pgUrl,
        redisUrl: `rediss+sentinel://127.0.0.1:${sentinels.sentinel.port}/hotpath-tls${tlsQuery(files, files.otherCa)}`,
      }),
      'tls-untrusted',
    );
    expect(error.hint).toContain('tls_ca=');
  });

  it('checks the certificate against tls_servername instead of the address when given', async () => {
    const base = `rediss://127.0.0.1:${standalone.port}${tlsQuery(files)}`;
    // The server certificate names 127.0.0.1 and localhost, not other.example.
    const error = await expectStackError(
      connectRemoteStack({ pgUrl, redisUrl: `${base}&tls_servername=other.example` }),
      'tls-hostname-mismatch',
    );
    expect(error.hint).toContain('tls_servername=');
    const stack = await connectRemoteStack({ pgUrl, redisUrl: `${base}&tls_servername=localhost` });
    expect(stack.redis?.topology?.tls?.servername).toBe('localhost');
  });

  it('refuses the plain redis+sentinel:// form against TLS-only sentinels', async () => {
    await expectStackError(
      connectRemoteStack({ pgUrl, redisUrl: `redis+sentinel://127.0.0.1:${sentinels.sentinel.port}/hotpath-tls` }),
      'connection-closed',
    );
  });
});

describe('the engine on a TLS Redis', () => {
  let dataDir: string;
  let engine: Engine | undefined;
  afterAll(async () => {
    await engine?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('stack.test and stack.connect take rediss+cluster:// and rediss+sentinel://, and the L2 answers', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-redis-tls-engine-'));
    engine = new Engine({ dataDir, cache: { l3: { kind: 'off' } } });
    const clusterUrl = `rediss+cluster://127.0.0.1:${cluster.servers[2]!.port}${tlsQuery(files)}`;
    const sentinelUrl = `rediss+sentinel://127.0.0.1:${sentinels.sentinel.port}/hotpath-tls${tlsQuery(files)}`;
    expect(await engine.call('stack.test', { pgUrl, redisUrl: clusterUrl })).toMatchObject({ redis: true });
    expect(await engine.call('stack.test', { pgUrl, redisUrl: sentinelUrl })).toMatchObject({ redis: true });
    for (const [redisUrl, topology] of [
      [clusterUrl, 'cluster'],
      [sentinelUrl, 'sentinel'],
    ] as const) {
      await engine.call('stack.connect', { pgUrl, redisUrl });
      const status = await engine.call('cache.status', {});
      expect(status.l2).toMatchObject({ topology, breakerState: 'closed', errors: 0 });
      // A flush of the L2 runs a SCAN and DELs on every master over TLS.
      expect(await engine.call('cache.flush', { tier: 'l2' })).toMatchObject({ removed: { l2: 0 }, complete: true });
      expect((await engine.call('cache.status', {})).l2).toMatchObject({ errors: 0 });
      await engine.call('stack.disconnect', {});
    }
  });
});
