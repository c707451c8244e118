import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../main/engine/engine.ts';
import { EnvKeyCipher } from '../../../main/profiles/env-key-cipher.ts';
import type { SecretCipher } from '../../../main/profiles/secret-cipher.ts';
import { EMBEDDED_TEST_PASSWORD } from '../../support/global-setup.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { errorOf } from '../../support/error-of.ts';

const KEY = 'integration-test-key-0123456789abcdef';

// Each "restart" is a new Engine on the same data folder, as after quitting and starting Hotpath again.
describe('connecting through saved profiles (PostgreSQL 18, scram passwords)', () => {
  let db: TestDatabase;
  let dataDir: string;
  const engines: Engine[] = [];
  const engine = (cipher: SecretCipher | null) => {
    const e = new Engine({ dataDir, secretCipher: cipher });
    engines.push(e);
    return e;
  };

  beforeAll(async () => {
    db = await createTestDatabase('pg18');
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hotpath-profile-connect-'));
  });
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('connects after a restart with the saved, encrypted password, and records the profile in the status', async () => {
    expect(db.url).toContain(`:${EMBEDDED_TEST_PASSWORD}@`);
    const saved = await engine(new EnvKeyCipher(KEY)).call('profiles.save', { name: 'scratch', pgUrl: db.url, saveSecret: true });
    expect(saved).toMatchObject({ secretSaved: true, needsSecret: true });

    const restarted = engine(new EnvKeyCipher(KEY));
    const status = await restarted.call('profiles.connect', { id: saved.id });
    expect(status).toMatchObject({
      phase: 'ready',
      profileId: saved.id,
      host: 'headless',
      stack: { kind: 'remote', pgDisplayUrl: expect.stringContaining(':****@') },
    });
    const [listed] = (await restarted.call('profiles.list', {})).profiles;
    expect(listed?.lastUsedAt).toEqual(expect.any(Number));

    // Connecting elsewhere clears the profile from the status.
    expect((await restarted.call('stack.connect', { pgUrl: db.url })).profileId).toBeNull();
  });

  it('asks for the password after a restart when it was not saved, and remembers a typed one for the session', async () => {
    const saved = await engine(null).call('profiles.save', { name: 'scratch', pgUrl: db.url, saveSecret: true });
    expect(saved.secretSaved).toBe(false);

    const restarted = engine(null);
    expect(await errorOf(restarted.call('profiles.connect', { id: saved.id }))).toMatchObject({
      code: 'secret-needed',
      hint: expect.stringContaining('Enter the password'),
    });
    expect((await restarted.call('engine.status', {})).phase).toBe('disconnected');

    const wrong = await errorOf(restarted.call('profiles.connect', { id: saved.id, password: 'not-the-password' }));
    expect(wrong).toMatchObject({ code: 'auth-failed', hint: expect.any(String) });
    expect((await restarted.call('profiles.list', {})).profiles[0]?.secretAvailable).toBe(false);

    expect((await restarted.call('profiles.connect', { id: saved.id, password: EMBEDDED_TEST_PASSWORD })).phase).toBe('ready');
    await restarted.call('stack.disconnect', {});
    expect((await restarted.call('profiles.list', {})).profiles[0]?.secretAvailable).toBe(true);
    expect((await restarted.call('profiles.connect', { id: saved.id })).profileId).toBe(saved.id);
  });

  it('says the saved password needs the old HOTPATH_SECRET_KEY when the key has changed', async () => {
    const saved = await engine(new EnvKeyCipher(KEY)).call('profiles.save', { name: 'scratch', pgUrl: db.url, saveSecret: true });
    const rotated = engine(new EnvKeyCipher(`${KEY}-rotated`));
    const error = await errorOf(rotated.call('profiles.connect', { id: saved.id }));
    expect(error).toMatchObject({ code: 'secret-needed', message: expect.stringContaining('encrypted with another HOTPATH_SECRET_KEY') });
    expect((await rotated.call('profiles.connect', { id: saved.id, password: EMBEDDED_TEST_PASSWORD })).phase).toBe('ready');
  });

  it('clears the status profile when the connected profile is deleted', async () => {
    const e = engine(null);
    const saved = await e.call('profiles.save', { name: 'scratch', pgUrl: db.url });
    await e.call('profiles.connect', { id: saved.id });
    const list = await e.call('profiles.delete', { id: saved.id });
    expect(list.profiles).toEqual([]);
    expect(e.status()).toMatchObject({ phase: 'ready', profileId: null });
  });
});
