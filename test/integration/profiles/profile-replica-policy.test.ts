import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';

/**
 * A connection's own read policy (a profile's, or stack.connect's) replaces the engine's start-up one
 * (EngineOptions.replicaPolicy, i.e. --replica-policy) for that stack, and the status says which applies. The shared
 * PostgreSQL 18 stands in for the replica (a real standby: test/integration/engine-stack/read-replica.test.ts).
 */
describe('the read policy of a connection (PostgreSQL 18)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let engine: Engine | null = null;

  beforeAll(async () => {
    db = await createTestDatabase('pg18');
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-replica-policy-'));
  });
  afterEach(async () => {
    await engine?.stop();
    engine = null;
    await rm(dataDir, { recursive: true, force: true });
  });

  it("a profile's lag-bounded policy and bound win over the start-up round robin; one without uses the start-up one", async () => {
    engine = new Engine({ dataDir, cache: false, replicaPolicy: 'round-robin' });
    const own = await engine.call('profiles.save', {
      name: 'own-policy',
      pgUrl: db.url,
      replicaUrls: [db.url],
      replicaPolicy: 'lag-bounded',
      replicaMaxLagSeconds: 2,
    });
    const status = await engine.call('profiles.connect', { id: own.id });
    expect(status.stack).toMatchObject({ replicaPolicy: 'lag-bounded', replicaMaxLagSeconds: 2 });

    const plain = await engine.call('profiles.save', { name: 'start-up-policy', pgUrl: db.url, replicaUrls: [db.url] });
    const after = await engine.call('profiles.connect', { id: plain.id });
    expect(after.stack?.replicaPolicy).toBe('round-robin');
    expect(after.stack?.replicaMaxLagSeconds).toBeUndefined();
  });

  it("stack.connect's policy wins over the start-up one for that stack only", async () => {
    engine = new Engine({ dataDir, cache: false, replicaPolicy: 'lag-bounded', replicaMaxLagSeconds: 7 });
    const own = await engine.call('stack.connect', { pgUrl: db.url, replicaUrls: [db.url], replicaPolicy: 'least-loaded' });
    expect(own.stack?.replicaPolicy).toBe('least-loaded');
    expect(own.stack?.replicaMaxLagSeconds).toBeUndefined();
    const startUp = await engine.call('stack.connect', { pgUrl: db.url, replicaUrls: [db.url] });
    expect(startUp.stack).toMatchObject({ replicaPolicy: 'lag-bounded', replicaMaxLagSeconds: 7 });
  });
});
