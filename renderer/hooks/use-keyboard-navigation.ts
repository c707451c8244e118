import { useEffect } from 'react';
import { createShortcutHandler, isTextField } from '../app/keyboard-shortcuts.ts';
import type { NavEntry } from '../app/page-definition.ts';
import type { PageId } from '../state/navigation-store.ts';

/** Installs the page shortcuts of `entries` (Alt+1…9, g then a letter) on the window. */
export function useKeyboardNavigation(entries: readonly NavEntry[], navigate: (page: PageId) => void): void {
  useEffect(() => {
    const handle = createShortcutHandler(entries, navigate);
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat) return;
      const consumed = handle({
        key: event.key,
        code: event.code,
        altKey: event.altKey,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        shiftKey: event.shiftKey,
        inTextField: isTextField(event.target),
      });
      if (consumed) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [entries, navigate]);
}
