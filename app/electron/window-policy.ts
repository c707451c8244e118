import { isAppUrl } from './app-origin.ts';

/**
 * What the window may do besides showing our pages. Pure functions, so they are tested
 * without Electron; window.ts wires them to the window's events.
 */

/**
 * Links the console may hand to the user's browser: plain http(s) URLs with a host and no
 * credentials. Everything else (file:, smb:, custom protocol handlers, javascript:) could
 * run or open something on this machine through `shell.openExternal`, so it is refused.
 */
export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    (parsed.protocol === 'https:' || parsed.protocol === 'http:') &&
    parsed.hostname !== '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

export type NavigationDecision = 'allow' | 'open-externally' | 'deny';

/**
 * A navigation of the window itself: within our own pages it may go ahead (a reload,
 * an in-app link); an http(s) link goes to the user's browser instead; anything else stays
 * where it is. The window never shows a page that is not ours, so no remote page ever
 * gets the preload's bridge.
 */
export function decideNavigation(url: string): NavigationDecision {
  if (isAppUrl(url)) return 'allow';
  return isSafeExternalUrl(url) ? 'open-externally' : 'deny';
}

/**
 * Permission requests (camera, microphone, notifications, geolocation, MIDI, HID …) are all
 * refused: the console needs none of them. The one exception is writing text to the
 * clipboard (a "copy" button for a query or URL), and only from our own pages.
 */
export function isPermissionAllowed(permission: string, requestingUrl: string | null | undefined): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(requestingUrl);
}
