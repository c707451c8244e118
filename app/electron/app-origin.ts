/**
 * Where the console's pages live inside the desktop app. A custom scheme instead of
 * `file://` (Electron's security checklist): the pages get a real origin of their own,
 * no file-system reach, and only what `app-protocol.ts` chooses to serve.
 *
 * Kept apart from app-protocol.ts (which reads files) so that the IPC host and the
 * window's navigation checks can use it without pulling in file access.
 */
export const APP_SCHEME = 'hotpath';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True when `url` is one of our pages. Compared by parts, not by `URL.origin`: Node's URL
 * parser does not know the scheme is registered as standard and reports its origin as "null".
 */
export function isAppUrl(url: string | null | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host.toLowerCase() === APP_HOST && parsed.username === '' && parsed.password === '';
}
