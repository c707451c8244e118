import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { promisify } from 'node:util';
import { APP_ENTRY_URL, APP_ORIGIN } from '../../../app/electron/app-origin.ts';
import { serveAppRequest } from '../../../app/electron/app-protocol.ts';
import { serverUrl } from '../../support/databases.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const ELECTRON_VITE = join(dirname(createRequire(import.meta.url).resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');

/**
 * `electron-vite build` runs here without the Electron binary. Built into a scratch folder
 * (not out/, which other work in this tree uses), then checked for what Electron needs.
 */
describe('electron-vite build', () => {
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'hotpath-electron-build-'));
    await promisify(execFile)(process.execPath, [ELECTRON_VITE, 'build', '--outDir', out, '--logLevel', 'error'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
  }, 180_000);
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('builds the main process as an ES module that loads the preload and pages it expects', async () => {
    const main = await readFile(join(out, 'main/index.js'), 'utf8');
    expect(main).toMatch(/^import .* from "electron";$/m);
    expect(main).not.toMatch(/\brequire\("electron"\)/);
    expect(main).toContain('"../preload/index.cjs"');
    expect(main).toContain('"../renderer/"');
  });

  it("builds the plan selector's training worker beside the main bundle, and it trains there without tsx", async () => {
    // Dependencies stay external (as in the packaged app, where node_modules sits beside out/): link them in.
    await symlink(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir').catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    const workerFile = join(out, 'main/model-trainer-worker.js');
    const worker = new Worker(workerFile);
    try {
      const rows = 120;
      const featureCount = 4;
      const features = Float64Array.from({ length: rows * featureCount }, (_, i) => (i * 7919) % 13);
      const plans = Uint8Array.from({ length: rows }, (_, i) => i % 2);
      const latencyMs = Float64Array.from({ length: rows }, (_, i) => 1 + features[i * featureCount]! + (i % 2) * 5);
      const answer = new Promise<{ ok: boolean; model?: unknown; error?: string }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      worker.postMessage({ id: 1, set: { featureCount, features, plans, latencyMs }, options: { minObservations: 10 } });
      const response = await answer;
      expect(response.error).toBeUndefined();
      expect(response.ok).toBe(true);
      expect(response.model).toBeTruthy();
    } finally {
      await worker.terminate();
    }
  });

  it("builds the plan selector's thread beside the main bundle, and it answers there without tsx", async () => {
    await symlink(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir').catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    // The tests' PostgreSQL 15: the thread opens its own small pool on the stack's database.
    const connection = { connectionString: serverUrl('pg15') };
    const worker = new Worker(join(out, 'main/planner-thread-worker.js'), { workerData: { connection } });
    const reply = (id: number) =>
      new Promise<{ ok: boolean; value?: { state?: string }; error?: string }>((resolve, reject) => {
        const onMessage = (message: { kind: string; id: number; ok: boolean }) => {
          if (message.kind !== 'reply' || message.id !== id) return;
          worker.off('message', onMessage);
          resolve(message);
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
      });
    try {
      const status = reply(1);
      worker.postMessage({ id: 1, method: 'status' });
      expect(await status).toMatchObject({ ok: true, value: { state: 'off' } });
      const closed = reply(2);
      worker.postMessage({ id: 2, method: 'close' });
      expect(await closed).toMatchObject({ ok: true });
    } finally {
      await worker.terminate();
    }
  });

  it('builds the preload as one CommonJS file that requires nothing but electron (a sandboxed preload can load nothing else)', async () => {
    const preload = await readFile(join(out, 'preload/index.cjs'), 'utf8');
    const required = [...preload.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    expect(preload).not.toMatch(/\bimport\(/);
    expect(preload).toContain('exposeInMainWorld');
  });

  it('builds pages that the strict CSP allows: no inline script or style, relative asset URLs', async () => {
    const html = await readFile(join(out, 'renderer/index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\.\//);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\son[a-z]+="/);
  });

  it('every file the entry page references is served by the app protocol', async () => {
    const root = join(out, 'renderer');
    const entry = await serveAppRequest({ method: 'GET', url: APP_ENTRY_URL }, root);
    expect(entry.status).toBe(200);
    const html = await entry.text();
    const referenced = [...html.matchAll(/\b(?:src|href)="(\.\/[^"]+)"/g)].map((m) => m[1]!);
    expect(referenced.length).toBeGreaterThan(0);
    for (const ref of referenced) {
      const response = await serveAppRequest({ method: 'GET', url: new URL(ref, `${APP_ORIGIN}/`).href }, root);
      expect(response.status, ref).toBe(200);
    }
  });
});
