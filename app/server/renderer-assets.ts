import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `vite build` puts the console UI (see vite.config.ts). */
export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

/** The policy every console page is served with; the page's own meta CSP says the same. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface StaticAsset {
  body: Buffer;
  contentType: string;
}

export function rendererIsBuilt(dir = RENDERER_DIR): boolean {
  return existsSync(join(dir, 'index.html'));
}

/**
 * Resolves a URL path to a file of the built console. Paths that would leave the folder
 * are refused; unknown paths without an extension get index.html (client-side routes).
 */
export async function readRendererAsset(urlPath: string, dir = RENDERER_DIR): Promise<StaticAsset | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const root = resolve(dir);
  const wanted = normalize(join(root, decoded === '/' ? 'index.html' : decoded));
  if (wanted !== root && !wanted.startsWith(root + sep)) return null;
  const file = extname(wanted) === '' ? join(root, 'index.html') : wanted;
  try {
    return { body: await readFile(file), contentType: TYPES[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}
