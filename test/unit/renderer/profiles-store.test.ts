import { describe, expect, it } from 'vitest';
import { createEngineStatusStore } from '../../../renderer/state/engine-status-store.ts';
import { createProfilesStore, needsPasswordPrompt } from '../../../renderer/state/profiles-store.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { profile, readyStatus } from './fixtures.ts';

function stores(api: FakeEngineApi) {
  const status = createEngineStatusStore(api);
  const profiles = createProfilesStore(api, (command, params) => status.getState().run(command, params));
  return { status, profiles };
}

describe('profiles store', () => {
  it('loads the saved profiles and how secrets are kept', async () => {
    const api = new FakeEngineApi().handle('profiles.list', () => ({
      profiles: [profile()],
      secretStorage: { kind: 'safeStorage', canPersist: true, warning: 'basic_text: a hard-coded key' },
    }));
    const { profiles } = stores(api);
    await profiles.getState().load();
    expect(profiles.getState().loaded).toBe(true);
    expect(profiles.getState().profiles.map((p) => p.id)).toEqual(['p1']);
    expect(profiles.getState().secretStorage?.warning).toBe('basic_text: a hard-coded key');
  });

  it('adds a saved profile, and replaces an edited one in place', async () => {
    const api = new FakeEngineApi()
      .handle('profiles.list', () => ({
        profiles: [profile({ id: 'a', name: 'A' }), profile({ id: 'b', name: 'B' })],
        secretStorage: { kind: 'none', canPersist: false, warning: null },
      }))
      .handle('profiles.save', (params) => profile({ id: params.id ?? 'c', name: params.name }));
    const { profiles } = stores(api);
    await profiles.getState().load();
    await profiles.getState().save({ name: 'C', pgUrl: 'postgres://x@h/db' });
    await profiles.getState().save({ id: 'a', name: 'A2', pgUrl: 'postgres://x@h/db' });
    expect(profiles.getState().profiles.map((p) => p.name)).toEqual(['A2', 'B', 'C']);
  });

  it('deletes through the engine and shows the list it returns', async () => {
    const api = new FakeEngineApi().handle('profiles.delete', () => ({
      profiles: [],
      secretStorage: { kind: 'none', canPersist: false, warning: null },
    }));
    const { profiles } = stores(api);
    await profiles.getState().remove('p1');
    expect(api.callsOf('profiles.delete')).toEqual([{ id: 'p1' }]);
    expect(profiles.getState().profiles).toEqual([]);
  });

  it('connects through the status store, so the whole console sees the new stack', async () => {
    const api = new FakeEngineApi().handle('profiles.connect', () => ({ ...readyStatus(), profileId: 'p1' }));
    const { profiles, status } = stores(api);
    await profiles.getState().connect('p1', 'secret');
    expect(api.callsOf('profiles.connect')).toEqual([{ id: 'p1', password: 'secret' }]);
    expect(status.getState().status?.profileId).toBe('p1');
  });

  it('passes an engine error to the caller and keeps the list', async () => {
    const api = new FakeEngineApi().fail(
      'profiles.save',
      'bad-request',
      'Invalid parameters for profiles.save: name: give the profile a name',
    );
    const { profiles } = stores(api);
    await expect(profiles.getState().save({ name: '', pgUrl: 'postgres://h/db' })).rejects.toMatchObject({ code: 'bad-request' });
    expect(profiles.getState().profiles).toEqual([]);
  });

  it('asks for a password only when the URL had one and it is not known', () => {
    expect(needsPasswordPrompt(profile({ needsSecret: true, secretAvailable: false }))).toBe(true);
    expect(needsPasswordPrompt(profile({ needsSecret: true, secretAvailable: true }))).toBe(false);
    expect(needsPasswordPrompt(profile({ needsSecret: false, secretAvailable: false }))).toBe(false);
  });
});
