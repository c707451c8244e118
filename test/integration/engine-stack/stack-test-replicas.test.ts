import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import { freePort } from '../../../main/stack/local/free-port.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres.ts';
import { startStreamingReplica, type StreamingReplica } from '../../support/streaming-replica.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * stack.test lists every read replica it was given, so the console's "Test connection" shows each part of the stack:
 * a real streaming standby (pg_basebackup of a private PostgreSQL 15) in recovery, the primary itself named as a
 * replica (not in recovery: the notice says so), and a port nobody listens on (its error, named, the others still
 * checked). The engine's own stack is not touched.
 */
describe('stack.test with read replicas (PostgreSQL 15 primary and streaming standby)', () => {
  let primary: PrivatePostgres;
  let replica: StreamingReplica;
  let dataDir: string;
  let engine: Engine;

  beforeAll(async () => {
    primary = await startPrivatePostgres('pg15');
    replica = await startStreamingReplica(primary.url);
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-stack-test-replicas-'));
    engine = new Engine({ dataDir, cache: false });
  }, 180_000);

  afterAll(async () => {
    await engine?.stop();
    await replica?.destroy();
    await primary?.destroy();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('reports each replica: the standby in recovery, the writable one with the notice, the unreachable one with its error', async () => {
    const closed = new URL(replica.url);
    closed.port = String(await freePort());
    closed.password = 'not-shown';
    const result = await engine.call('stack.test', { pgUrl: primary.url, replicaUrls: [replica.url, primary.url, closed.toString()] });
    const version = result.serverVersion;
    expect(Math.floor(version / 10_000)).toBe(15);
    expect(result.replicas).toEqual([
      { name: 'replica-1', displayUrl: replica.url, inRecovery: true, serverVersion: version, error: null },
      { name: 'replica-2', displayUrl: primary.url, inRecovery: false, serverVersion: version, error: null },
      {
        name: 'replica-3',
        displayUrl: expect.stringContaining(':****@'),
        inRecovery: null,
        serverVersion: null,
        error: { code: 'connection-refused', message: expect.stringContaining('Read replica replica-3'), hint: expect.any(String) },
      },
    ]);
    expect(JSON.stringify(result)).not.toContain('not-shown');
    const notices = result.notices.filter((n) => n.code === 'replica-not-in-recovery');
    expect(notices.map((n) => n.message)).toEqual([expect.stringContaining('replica-2')]);
    // A test only looks: the engine is still not connected.
    expect(engine.status().phase).toBe('disconnected');
  });

  it('has no replicas list without replicas', async () => {
    const result = await engine.call('stack.test', { pgUrl: primary.url });
    expect(result.replicas).toBeUndefined();
  });
});
