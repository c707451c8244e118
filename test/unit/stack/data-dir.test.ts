import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir, ROOT_DATA_DIR } from '../../../main/stack/local/data-dir.ts';
import { findExecutable } from '../../../main/stack/local/redis-launcher.ts';

describe('defaultDataDir', () => {
  it('uses the XDG data folder for a normal user on Linux', () => {
    expect(defaultDataDir({ platform: 'linux', uid: 1000, env: {}, home: '/home/ann' })).toBe('/home/ann/.local/share/hotpath');
    expect(defaultDataDir({ platform: 'linux', uid: 1000, env: { XDG_DATA_HOME: '/data/ann' }, home: '/home/ann' })).toBe(
      '/data/ann/hotpath',
    );
  });

  it('ignores a relative XDG_DATA_HOME, as the XDG spec requires', () => {
    expect(defaultDataDir({ platform: 'linux', uid: 1000, env: { XDG_DATA_HOME: 'rel' }, home: '/home/ann' })).toBe(
      '/home/ann/.local/share/hotpath',
    );
  });

  it('uses /var/lib/hotpath as root, where the postgres user can reach it', () => {
    expect(defaultDataDir({ platform: 'linux', uid: 0, env: {}, home: '/root' })).toBe(ROOT_DATA_DIR);
  });

  it('uses Application Support on macOS and %APPDATA% on Windows', () => {
    expect(defaultDataDir({ platform: 'darwin', uid: 501, env: {}, home: '/Users/ann' })).toBe(
      '/Users/ann/Library/Application Support/Hotpath',
    );
    expect(
      defaultDataDir({ platform: 'win32', uid: undefined, env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, home: 'C:\\Users\\ann' }),
    ).toBe('C:\\Users\\ann\\AppData\\Roaming\\Hotpath');
  });
});

describe('findExecutable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotpath-path-'));
  const bin = join(dir, 'bin');
  const empty = join(dir, 'empty');
  mkdirSync(bin);
  mkdirSync(empty);
  writeFileSync(join(bin, 'redis-server'), '#!/bin/sh\n');
  chmodSync(join(bin, 'redis-server'), 0o755);
  writeFileSync(join(bin, 'not-executable'), '');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds an executable in the listed folders, in order', () => {
    expect(findExecutable('redis-server', [empty, bin].join(':'))).toBe(join(bin, 'redis-server'));
  });

  it('returns undefined when no folder has it, or it is not executable', () => {
    expect(findExecutable('redis-server', empty)).toBeUndefined();
    expect(findExecutable('redis-server', '')).toBeUndefined();
    expect(findExecutable('not-executable', bin)).toBeUndefined();
  });
});
