import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APP_CSP,
  APP_SCHEME_PRIVILEGES,
  registerAppProtocol,
  resolveAppPath,
  serveAppRequest,
} from '../../../app/electron/app-protocol.ts';
import { APP_ENTRY_URL, isAppUrl } from '../../../app/electron/app-origin.ts';

let scratch: string;
let root: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hotpath-app-protocol-'));
  root = join(scratch, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Hotpath</title>');
  await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(scratch, 'secret.txt'), 'TOP SECRET');
  await symlink(join(scratch, 'secret.txt'), join(root, 'assets', 'leak.js'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const get = (url: string) => serveAppRequest({ method: 'GET', url }, root);

describe('the hotpath:// app protocol', () => {
  it('serves the entry page and assets with their content types', async () => {
    const page = await get(APP_ENTRY_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>Hotpath</title>');
    const script = await get('hotpath://app/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('serves index.html for the root and for client-side routes', async () => {
    for (const url of ['hotpath://app/', 'hotpath://app', 'hotpath://app/settings/profiles']) {
      const resolution = await resolveAppPath(url, root);
      expect(resolution).toEqual({ ok: true, file: expect.stringMatching(/renderer[/\\]index\.html$/) });
    }
  });

  it.each([
    ['an encoded slash', 'hotpath://app/..%2fsecret.txt'],
    ['an encoded slash inside a folder', 'hotpath://app/assets/..%2f..%2fsecret.txt'],
    ['backslashes', 'hotpath://app/assets/..%5c..%5csecret.txt'],
    ['a NUL byte', 'hotpath://app/index.html%00.js'],
    ['a symbolic link leading outside', 'hotpath://app/assets/leak.js'],
  ])('refuses path traversal through %s', async (_how, url) => {
    const response = await get(url);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('TOP SECRET');
  });

  it('never serves a file outside the folder, whatever the URL parser made of the dots', async () => {
    for (const url of [
      'hotpath://app/../secret.txt',
      'hotpath://app/%2e%2e/secret.txt',
      'hotpath://app/assets/../../secret.txt',
      'hotpath://app/./../secret.txt',
    ]) {
      const response = await get(url);
      expect(response.status).not.toBe(200);
      expect(await response.text()).not.toContain('TOP SECRET');
    }
  });

  it('answers 404 for missing files and for other hosts of the scheme', async () => {
    expect((await get('hotpath://app/assets/missing.js')).status).toBe(404);
    expect((await get('hotpath://other/index.html')).status).toBe(404);
  });

  it('answers only GET and HEAD', async () => {
    expect((await serveAppRequest({ method: 'POST', url: APP_ENTRY_URL }, root)).status).toBe(405);
    const head = await serveAppRequest({ method: 'HEAD', url: APP_ENTRY_URL }, root);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('sends the Content-Security-Policy with every response, errors included', async () => {
    const responses = [
      await get(APP_ENTRY_URL),
      await get('hotpath://app/assets/app.js'),
      await get('hotpath://app/assets/missing.js'),
      await get('hotpath://app/..%2fsecret.txt'),
      await serveAppRequest({ method: 'POST', url: APP_ENTRY_URL }, root),
    ];
    for (const response of responses) {
      expect(response.headers.get('content-security-policy')).toBe(APP_CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it("the policy is strict: our origin only, no inline or eval'd script, no plugins, frames or base", () => {
    const directives = new Map(
      APP_CSP.split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(APP_CSP).not.toMatch(/unsafe-(inline|eval)|\*|https?:|ws:/);
  });

  it('registers a standard, secure scheme that does not bypass the CSP, and its handler', async () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ scheme: 'hotpath', privileges: { standard: true, secure: true } });
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('bypassCSP');
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('corsEnabled');
    const handlers = new Map<string, (request: Request) => Promise<Response>>();
    registerAppProtocol({ handle: (scheme, handler) => handlers.set(scheme, handler) }, root);
    const response = await handlers.get('hotpath')!(new Request(APP_ENTRY_URL));
    expect(response.status).toBe(200);
  });

  it('recognises our pages by scheme and host only', () => {
    expect(isAppUrl('hotpath://app/index.html')).toBe(true);
    expect(isAppUrl('hotpath://app')).toBe(true);
    for (const url of [
      'hotpath://app.evil/',
      'hotpath://evil/',
      'hotpath://user@app/',
      'https://app/',
      'file:///app/index.html',
      'not a url',
      '',
      null,
      undefined,
    ]) {
      expect(isAppUrl(url)).toBe(false);
    }
  });
});
