import { promises as fs } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';

/**
 * The desktop window's Content-Security-Policy, sent with every response of the app
 * scheme. Everything comes from our own origin; the renderer reaches the engine through
 * the preload's IPC bridge, so it needs no network at all (`connect-src 'self'` only
 * covers Vite's module preloading). No inline or eval'd script, no plugins, no frames,
 * no forms, no <base>.
 */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/**
 * For `protocol.registerSchemesAsPrivileged`, which must run before the app is ready.
 * `standard` gives the pages a real origin (relative URLs, localStorage); `secure` makes
 * it a secure context. Left off on purpose: `bypassCSP`, service workers, and `corsEnabled`
 * (it would let other origins read our files; our module scripts are same-origin).
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export type AppPathResolution = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Maps an app-scheme URL to a file under `rootDir`. Refuses (403) anything that would leave
 * the folder: `..` after percent-decoding (`..%2f`), backslashes and NUL bytes, and symbolic
 * links that point outside. Extensionless paths are client-side routes and get index.html.
 *
 * In the packaged app the folder is inside app.asar; Electron patches `fs.promises` to read
 * from the archive, so its functions are looked up at each call, not bound at import.
 */
export async function resolveAppPath(url: string, rootDir: string): Promise<AppPathResolution> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host.toLowerCase() !== APP_HOST) {
    return { ok: false, status: 404, reason: `only ${APP_SCHEME}://${APP_HOST}/ is served` };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(parsed.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 403, reason: 'forbidden character in path' };
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.')) return { ok: false, status: 403, reason: 'path traversal' };

  const root = resolve(rootDir);
  const wanted =
    segments.length === 0 || extname(segments[segments.length - 1]!) === '' ? join(root, 'index.html') : join(root, ...segments);
  if (!isInside(root, wanted)) return { ok: false, status: 403, reason: 'path traversal' };

  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([fs.realpath(wanted), fs.realpath(root)]);
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
  if (!isInside(realRoot, real)) return { ok: false, status: 403, reason: 'link leads outside the app folder' };
  if (!(await fs.stat(real)).isFile()) return { ok: false, status: 404, reason: 'not a file' };
  return { ok: true, file: real };
}

/** Answers one request of the app scheme; every response, errors included, carries the CSP. */
export async function serveAppRequest(request: { method: string; url: string }, rootDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Only GET is served here.');
  const resolution = await resolveAppPath(request.url, rootDir);
  if (!resolution.ok) return plain(resolution.status, `Not served: ${resolution.reason}.`);
  const body = await fs.readFile(resolution.file);
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: headers(CONTENT_TYPES[extname(resolution.file).toLowerCase()] ?? 'application/octet-stream'),
  });
}

/** The part of Electron's `protocol` module used after ready. */
export interface ProtocolLike {
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
}

export function registerAppProtocol(protocol: ProtocolLike, rootDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rootDir));
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: headers('text/plain; charset=utf-8') });
}

function headers(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': APP_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
}
