import { useEffect } from 'react';
import type { ThemeStore } from '../state/theme-store.ts';

/**
 * Puts the theme on <html data-theme> (the CSS variables key off it) and follows the
 * operating system's light/dark setting while the user has not picked one.
 */
export function useDocumentTheme(theme: ThemeStore): void {
  useEffect(() => {
    const apply = () => {
      const current = theme.getState().theme;
      document.documentElement.dataset.theme = current;
      document.documentElement.style.colorScheme = current;
    };
    apply();
    const unsubscribe = theme.subscribe(apply);
    const query = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
    const onSystemChange = (event: MediaQueryListEvent) => theme.getState().setSystemTheme(event.matches ? 'dark' : 'light');
    query?.addEventListener('change', onSystemChange);
    return () => {
      unsubscribe();
      query?.removeEventListener('change', onSystemChange);
    };
  }, [theme]);
}
