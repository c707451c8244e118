import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandSchemas } from '../../../main/contract/commands.ts';
import { saveProfileParamsSchema } from '../../../main/contract/profiles.ts';
import { ProfileStore } from '../../../main/profiles/profile-store.ts';

const PG_URL = 'postgres://alice@db.example.com:5432/app';
const REPLICA = 'postgres://alice@r1.example.com:5432/app';

// A profile's own read policy (and lag-bounded's bound) is saved with it, listed, and handed to the engine on connect.
describe('ProfileStore: the read policy over the replicas', () => {
  let dir: string;
  let store: ProfileStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotpath-profiles-policy-'));
    store = new ProfileStore({ dataDir: dir, cipher: null, noCipherWarning: '' });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves, lists and connects with the policy and bound given', async () => {
    const saved = await store.save(
      saveProfileParamsSchema.parse({
        name: 'p',
        pgUrl: PG_URL,
        replicaUrls: [REPLICA],
        replicaPolicy: 'lag-bounded',
        replicaMaxLagSeconds: 2.5,
      }),
    );
    expect(saved).toMatchObject({ replicaPolicy: 'lag-bounded', replicaMaxLagSeconds: 2.5 });
    expect(JSON.parse(await readFile(join(dir, 'profiles.json'), 'utf8')).profiles[0]).toMatchObject({
      replicaPolicy: 'lag-bounded',
      replicaMaxLagSeconds: 2.5,
    });
    const restarted = new ProfileStore({ dataDir: dir, cipher: null, noCipherWarning: '' });
    expect((await restarted.list()).profiles[0]).toMatchObject({ replicaPolicy: 'lag-bounded', replicaMaxLagSeconds: 2.5 });
    expect(await restarted.connection(saved.id)).toMatchObject({ replicaPolicy: 'lag-bounded', replicaMaxLagSeconds: 2.5 });
  });

  it('has none (the engine’s start-up policy) unless given; an edit without it keeps it, null removes it', async () => {
    const plain = await store.save({ name: 'p', pgUrl: PG_URL, replicaUrls: [REPLICA], saveSecret: false });
    expect(plain.replicaPolicy).toBeUndefined();
    expect(await store.connection(plain.id)).toMatchObject({ replicaPolicy: null, replicaMaxLagSeconds: null });

    await store.save({ id: plain.id, name: 'p', pgUrl: PG_URL, replicaPolicy: 'lag-bounded', replicaMaxLagSeconds: 9, saveSecret: false });
    const kept = await store.save({ id: plain.id, name: 'renamed', pgUrl: PG_URL, saveSecret: false });
    expect(kept).toMatchObject({ replicaPolicy: 'lag-bounded', replicaMaxLagSeconds: 9 });

    // Another policy does not read a bound: the old one goes with the change.
    const leastLoaded = await store.save({ id: plain.id, name: 'p', pgUrl: PG_URL, replicaPolicy: 'least-loaded', saveSecret: false });
    expect(leastLoaded.replicaPolicy).toBe('least-loaded');
    expect(leastLoaded.replicaMaxLagSeconds).toBeUndefined();

    const removed = await store.save({ id: plain.id, name: 'p', pgUrl: PG_URL, replicaPolicy: null, saveSecret: false });
    expect(removed.replicaPolicy).toBeUndefined();
    expect(await store.connection(plain.id)).toMatchObject({ replicaPolicy: null, replicaMaxLagSeconds: null });
  });

  it('reads a profiles file written before policies existed as having none', async () => {
    const saved = await store.save({ name: 'p', pgUrl: PG_URL, saveSecret: false });
    const file = join(dir, 'profiles.json');
    const data = JSON.parse(await readFile(file, 'utf8'));
    delete data.profiles[0].replicaPolicy;
    delete data.profiles[0].replicaMaxLagSeconds;
    delete data.profiles[0].hasPassword.redisSentinel;
    await writeFile(file, JSON.stringify(data));
    expect(await store.connection(saved.id)).toMatchObject({ replicaPolicy: null, replicaMaxLagSeconds: null });
  });
});

describe('the contract: a bound only with lag-bounded', () => {
  it.each([
    ['profiles.save', { name: 'p', pgUrl: PG_URL }],
    ['stack.connect', { pgUrl: PG_URL }],
  ] as const)('%s refuses replicaMaxLagSeconds with another policy, or an unknown policy', (command, base) => {
    const params = commandSchemas[command].params;
    expect(params.safeParse({ ...base, replicaPolicy: 'lag-bounded', replicaMaxLagSeconds: 3 }).success).toBe(true);
    expect(params.safeParse({ ...base, replicaPolicy: 'least-loaded' }).success).toBe(true);
    const refused = params.safeParse({ ...base, replicaPolicy: 'round-robin', replicaMaxLagSeconds: 3 });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['replicaMaxLagSeconds']);
    expect(params.safeParse({ ...base, replicaMaxLagSeconds: 3 }).success).toBe(false);
    expect(params.safeParse({ ...base, replicaPolicy: 'fastest' }).success).toBe(false);
    expect(params.safeParse({ ...base, replicaPolicy: 'lag-bounded', replicaMaxLagSeconds: 0 }).success).toBe(false);
  });
});
