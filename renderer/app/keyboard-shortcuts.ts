import type { PageId } from '../state/navigation-store.ts';
import type { NavEntry } from './page-definition.ts';

/** The parts of a KeyboardEvent the shortcuts read. */
export interface ShortcutKey {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  /** True when the key goes to a text field, where a bare "g" is typing, not a shortcut. */
  inTextField: boolean;
}

/** How long "g" waits for its second key. */
export const GO_PREFIX_TIMEOUT_MS = 1500;

/**
 * Page shortcuts, from the registry's navigation entries: Alt+1…9 picks the n-th entry (read from `code`, because
 * on macOS Alt+digit types a symbol), and "g" then a letter (g o, g d, g c) as in
 * GitHub or Gmail. Disabled entries do nothing. Returns a handler that says whether it
 * consumed the key, so the caller can preventDefault.
 */
export function createShortcutHandler(
  entries: readonly NavEntry[],
  navigate: (page: PageId) => void,
  now: () => number = Date.now,
): (key: ShortcutKey) => boolean {
  let goPressedAt: number | null = null;
  return (key) => {
    if (key.altKey && !key.ctrlKey && !key.metaKey) {
      const digit = /^Digit([1-9])$/.exec(key.code)?.[1] ?? (/^[1-9]$/.test(key.key) ? key.key : undefined);
      if (digit === undefined) return false;
      const page = entries.find((entry) => entry.altDigit === Number(digit))?.page;
      if (!page) return false;
      navigate(page);
      return true;
    }
    if (key.inTextField || key.altKey || key.ctrlKey || key.metaKey) return false;
    const letter = key.key.toLowerCase();
    if (goPressedAt !== null && now() - goPressedAt <= GO_PREFIX_TIMEOUT_MS) {
      goPressedAt = null;
      const page = entries.find((entry) => entry.goKey === letter)?.page;
      if (!page) return false;
      navigate(page);
      return true;
    }
    goPressedAt = letter === 'g' && !key.shiftKey ? now() : null;
    return false;
  };
}

export function isTextField(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  if (element.tagName === 'TEXTAREA' || element.tagName === 'SELECT') return true;
  if (element.tagName !== 'INPUT') return false;
  const type = (element as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}
