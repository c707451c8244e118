import { createStore, type StoreApi } from 'zustand/vanilla';

export type Theme = 'light' | 'dark';
/** `system` follows the operating system until the user picks a theme. */
export type ThemePreference = Theme | 'system';

export const THEME_STORAGE_KEY = 'hotpath.theme';

export interface ThemeState {
  preference: ThemePreference;
  systemTheme: Theme;
  /** The theme in effect. */
  theme: Theme;
  toggle(): void;
  setPreference(preference: ThemePreference): void;
  /** Called when the OS switches between light and dark. */
  setSystemTheme(theme: Theme): void;
}

export type ThemeStore = StoreApi<ThemeState>;

export interface ThemeEnvironment {
  /** localStorage, or null where there is none (storage disabled). */
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  systemTheme: Theme;
}

function readPreference(storage: ThemeEnvironment['storage']): ThemePreference {
  try {
    const saved = storage?.getItem(THEME_STORAGE_KEY);
    return saved === 'light' || saved === 'dark' ? saved : 'system';
  } catch {
    return 'system'; // storage can throw when the browser blocks it; the OS theme is a fine default
  }
}

function writePreference(storage: ThemeEnvironment['storage'], preference: ThemePreference): void {
  try {
    if (preference === 'system') storage?.removeItem(THEME_STORAGE_KEY);
    else storage?.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // Not persisted; the choice still holds for this session.
  }
}

const resolve = (preference: ThemePreference, systemTheme: Theme): Theme => (preference === 'system' ? systemTheme : preference);

/** Dark and light themes: follows the OS by default; the header's toggle picks one and remembers it. */
export function createThemeStore(env: ThemeEnvironment): ThemeStore {
  const preference = readPreference(env.storage);
  return createStore<ThemeState>()((set, get) => ({
    preference,
    systemTheme: env.systemTheme,
    theme: resolve(preference, env.systemTheme),
    toggle() {
      get().setPreference(get().theme === 'dark' ? 'light' : 'dark');
    },
    setPreference(next) {
      writePreference(env.storage, next);
      set({ preference: next, theme: resolve(next, get().systemTheme) });
    },
    setSystemTheme(systemTheme) {
      set({ systemTheme, theme: resolve(get().preference, systemTheme) });
    },
  }));
}
