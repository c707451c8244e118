import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_CSP, readRendererAsset, rendererIsBuilt } from '../../../app/server/renderer-assets.ts';

describe('renderer assets', () => {
  let dir: string;
  beforeAll(async () => {
    const parent = await mkdtemp(join(tmpdir(), 'hotpath-assets-'));
    dir = join(parent, 'renderer');
    await mkdir(join(dir, 'assets'), { recursive: true });
    await writeFile(join(dir, 'index.html'), '<html>console</html>');
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(parent, 'secret.txt'), 'not for the web');
  });
  afterAll(async () => {
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('serves index.html at / and for client-side routes, files with their type', async () => {
    expect((await readRendererAsset('/', dir))!.body.toString()).toContain('console');
    expect((await readRendererAsset('/overview', dir))!.contentType).toMatch(/text\/html/);
    expect(await readRendererAsset('/assets/app.js', dir)).toMatchObject({ contentType: expect.stringMatching(/javascript/) });
    expect(rendererIsBuilt(dir)).toBe(true);
  });

  it.each(['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/a%00.js', '/%E0%A4%A'])(
    'refuses %s',
    async (path) => {
      expect(await readRendererAsset(path, dir)).toBeNull();
    },
  );

  it('returns null for a missing file with an extension', async () => {
    expect(await readRendererAsset('/assets/missing.js', dir)).toBeNull();
  });

  it('has a CSP that allows no inline script and no foreign connections', () => {
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
  });
});
