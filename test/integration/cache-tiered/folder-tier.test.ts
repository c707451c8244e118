import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderTier } from '../../../main/cache/l3/folder-tier.ts';

// Against the real filesystem, in a fresh temp folder per test.
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hotpath-l3-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('FolderTier on a real folder', () => {
  it('round-trips bytes with brotli and gzip, compressed on disk under a sha256 name', async () => {
    const value = Buffer.from('hotpath '.repeat(10_000));
    for (const compression of ['brotli', 'gzip'] as const) {
      const tier = new FolderTier({ dir: join(dir, compression), compression });
      await tier.set('report:1', value, 60_000);
      expect((await tier.get('report:1'))?.equals(value)).toBe(true);
      const path = tier.pathFor('report:1');
      expect(path).toMatch(/[0-9a-f]{2}\/[0-9a-f]{64}\.l3$/);
      expect((await readFile(path)).length).toBeLessThan(value.length / 10);
    }
    // Files written with one compression stay readable by a tier configured for the other.
    expect((await new FolderTier({ dir: join(dir, 'gzip'), compression: 'brotli' }).get('report:1'))?.equals(value)).toBe(true);
  });

  it('misses an absent key and counts hits and misses', async () => {
    const tier = new FolderTier({ dir });
    expect(await tier.get('nope')).toBeUndefined();
    await tier.set('k', Buffer.from('v'), 1000);
    await tier.get('k');
    expect(tier.stats()).toMatchObject({ hits: 1, misses: 1, sets: 1, errors: 0, hitRate: 0.5 });
  });

  it('treats an expired file as a miss and removes it', async () => {
    const time = clock();
    const tier = new FolderTier({ dir, clock: time.now });
    await tier.set('k', Buffer.from('v'), 1000);
    time.advance(999);
    expect(await tier.get('k')).toEqual(Buffer.from('v'));
    time.advance(1);
    expect(await tier.get('k')).toBeUndefined();
    await expect(readFile(tier.pathFor('k'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(tier.stats().expired).toBe(1);
  });

  it('reads a corrupt or truncated file as a miss and removes it', async () => {
    const tier = new FolderTier({ dir });
    await tier.set('garbage', Buffer.from('v'), 60_000);
    await writeFile(tier.pathFor('garbage'), 'not a cache file');
    expect(await tier.get('garbage')).toBeUndefined();
    await expect(readFile(tier.pathFor('garbage'))).rejects.toMatchObject({ code: 'ENOENT' });

    await tier.set('cut', Buffer.from('x'.repeat(50_000)), 60_000);
    const whole = await readFile(tier.pathFor('cut'));
    await writeFile(tier.pathFor('cut'), whole.subarray(0, whole.length - 10)); // header intact, payload cut
    expect(await tier.get('cut')).toBeUndefined();
    expect(tier.stats().corrupt).toBe(2);
  });

  it('never shows a partial file: readers see the old or the new value while writers replace it', async () => {
    const tier = new FolderTier({ dir, compression: 'gzip' });
    const versions = Array.from({ length: 8 }, (_, i) => Buffer.alloc(400_000, 65 + i));
    await tier.set('hot', versions[0]!, 60_000);
    const seen: Array<Buffer | undefined> = [];
    const writes = versions.map((version) => tier.set('hot', version, 60_000));
    const reads = Array.from({ length: 40 }, async () => seen.push(await tier.get('hot')));
    await Promise.all([...writes, ...reads]);
    expect(seen).toHaveLength(40);
    for (const value of seen) expect(versions.some((version) => value?.equals(version))).toBe(true);
    expect(tier.stats()).toMatchObject({ corrupt: 0, errors: 0 });
    expect(await readdir(join(dir, 'tmp'))).toEqual([]); // every temp file was renamed into place
  });

  it('ignores a temp file left by a crashed writer', async () => {
    const tier = new FolderTier({ dir });
    await mkdir(join(dir, 'tmp'), { recursive: true });
    await writeFile(join(dir, 'tmp', 'crashed.tmp'), 'half a value');
    expect(await tier.get('k')).toBeUndefined();
    expect((await tier.deleteByPrefix('')).deleted).toBe(0);
  });

  it('deletes one key, and by prefix reading the keys from the headers', async () => {
    const tier = new FolderTier({ dir });
    for (const key of ['user:1', 'user:2', 'order:1', 'order:2']) await tier.set(key, Buffer.from(key), 60_000);
    await tier.delete('order:2');
    expect(await tier.get('order:2')).toBeUndefined();
    expect(await tier.deleteByPrefix('user:')).toEqual({ deleted: 2, complete: true });
    expect(await tier.get('user:1')).toBeUndefined();
    expect(await tier.get('order:1')).toEqual(Buffer.from('order:1'));
    await mkdir(dirname(tier.pathFor('junk')), { recursive: true });
    await writeFile(tier.pathFor('junk'), 'junk');
    expect(await tier.deleteByPrefix('')).toEqual({ deleted: 2, complete: true }); // order:1 and the unreadable file
  });

  it('a broken disk is a miss and a dropped write, never an error to the caller', async () => {
    const blocked = join(dir, 'not-a-folder');
    await writeFile(blocked, 'a file where the folder should be');
    const tier = new FolderTier({ dir: blocked });
    await expect(tier.set('k', Buffer.from('v'), 1000)).resolves.toBeUndefined();
    await expect(tier.get('k')).resolves.toBeUndefined();
    await expect(tier.delete('k')).resolves.toBeUndefined();
    expect((await tier.deleteByPrefix('')).complete).toBe(false);
    expect(tier.stats().errors).toBeGreaterThan(0);
    expect(tier.stats().lastError).toBeDefined();
  });
});
