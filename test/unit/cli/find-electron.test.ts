import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findElectronBinary } from '../../../app/cli/find-electron.ts';

describe('findElectronBinary', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotpath-find-electron-'));
    await writeFile(join(dir, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes ELECTRON_PATH when it exists, and nothing else when it does not', () => {
    expect(findElectronBinary({ ELECTRON_PATH: join(dir, 'electron') })).toBe(join(dir, 'electron'));
    expect(findElectronBinary({ ELECTRON_PATH: join(dir, 'missing') })).toBeNull();
  });

  it.skipIf(process.platform !== 'linux')(
    "finds the package's binary where its installer puts it (here: ELECTRON_OVERRIDE_DIST_PATH), without requiring the package",
    () => {
      // require('electron') would start a download when the binary is missing; the lookup must not.
      expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dir })).toBe(join(dir, 'electron'));
    },
  );
});
