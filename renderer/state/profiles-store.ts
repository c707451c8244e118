import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineApi } from '../../main/contract/api.ts';
import type { CommandParams } from '../../main/contract/commands.ts';
import type { ConnectionProfile, SecretStorage } from '../../main/contract/profiles.ts';
import type { EngineStatus } from '../../main/contract/status.ts';
import { toError } from './to-error.ts';

export interface ProfilesState {
  profiles: ConnectionProfile[];
  /** How this host keeps secrets; null until the list was loaded. */
  secretStorage: SecretStorage | null;
  loaded: boolean;
  loadError: Error | null;
  load(): Promise<void>;
  /** Saves (or, with an id, edits) a profile; rejects with the engine's error. */
  save(params: CommandParams<'profiles.save'>): Promise<ConnectionProfile>;
  remove(id: string): Promise<void>;
  /** Connects the engine to a saved profile; the new status goes to the status store. */
  connect(id: string, password?: string): Promise<EngineStatus>;
}

export type ProfilesStore = StoreApi<ProfilesState>;

/**
 * Saved connection profiles. `connect` goes through `runStatusCommand` (the status
 * store's `run`) so the header and every page see the new stack at once.
 */
export function createProfilesStore(
  api: EngineApi,
  runStatusCommand: (command: 'profiles.connect', params: CommandParams<'profiles.connect'>) => Promise<EngineStatus>,
): ProfilesStore {
  return createStore<ProfilesState>()((set, get) => ({
    profiles: [],
    secretStorage: null,
    loaded: false,
    loadError: null,
    async load() {
      try {
        const list = await api.call('profiles.list', {});
        set({ profiles: list.profiles, secretStorage: list.secretStorage, loaded: true, loadError: null });
      } catch (error) {
        set({ loadError: toError(error) });
      }
    },
    async save(params) {
      const saved = await api.call('profiles.save', params);
      const others = get().profiles.filter((p) => p.id !== saved.id);
      const index = get().profiles.findIndex((p) => p.id === saved.id);
      // An edit keeps its place in the list; a new profile goes to the end.
      const profiles = index === -1 ? [...others, saved] : [...others.slice(0, index), saved, ...others.slice(index)];
      set({ profiles });
      return saved;
    },
    async remove(id) {
      const list = await api.call('profiles.delete', { id });
      set({ profiles: list.profiles, secretStorage: list.secretStorage });
    },
    async connect(id, password) {
      const status = await runStatusCommand('profiles.connect', password === undefined ? { id } : { id, password });
      // The engine records when a profile was last used; fetch the list again quietly.
      void get().load();
      return status;
    },
  }));
}

export const selectProfiles = (s: ProfilesState) => s.profiles;
export const selectSecretStorage = (s: ProfilesState) => s.secretStorage;

/** Whether connecting to this profile needs the user to type a password first. */
export function needsPasswordPrompt(profile: ConnectionProfile): boolean {
  return profile.needsSecret && !profile.secretAvailable;
}
