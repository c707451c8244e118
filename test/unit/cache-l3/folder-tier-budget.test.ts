import { randomBytes } from 'node:crypto';
import { access, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chargedBytes, FILE_BLOCK_BYTES } from '../../../main/cache/l3/folder-index.ts';
import { FolderTier } from '../../../main/cache/l3/folder-tier.ts';
import type { FolderTierOptions } from '../../../main/cache/l3/folder-tier.ts';

// The folder tier's byte budget, against a real temporary folder (no server, no filesystem fakes).
let dir: string;
const tiers: FolderTier[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hotpath-l3-budget-'));
});

afterEach(async () => {
  for (const tier of tiers.splice(0)) tier.close();
  await rm(dir, { recursive: true, force: true });
});

/** A clock that moves a second per reading, so every write and hit has its own mtime. */
function steppingClock(): { now: () => number; advance: (ms: number) => void } {
  let now = 1_700_000_000_000;
  return {
    now: () => (now += 1000),
    advance: (ms) => {
      now += ms;
    },
  };
}

function tier(options: Partial<FolderTierOptions>): FolderTier {
  const made = new FolderTier({ dir, compression: 'gzip', sweepIntervalMs: 0, ...options });
  tiers.push(made);
  return made;
}

/** A tier whose scan at open has finished, so every write enforces the budget before it resolves. */
async function opened(options: Partial<FolderTierOptions>): Promise<FolderTier> {
  const made = tier(options);
  await made.ready();
  return made;
}

/** What the files on disk cost, charged as the tier charges them. */
async function diskBytes(): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const shard of (await readdir(dir)).filter((name) => /^[0-9a-f]{2}$/.test(name))) {
    for (const name of await readdir(join(dir, shard))) {
      bytes += chargedBytes((await stat(join(dir, shard, name))).size);
      files += 1;
    }
  }
  return { bytes, files };
}

async function onDisk(folder: FolderTier, key: string): Promise<boolean> {
  return await access(folder.pathFor(key)).then(
    () => true,
    () => false,
  );
}

/** Small values: each file costs exactly one block. */
const small = (key: string): Buffer => Buffer.from(key);

describe('FolderTier byte budget', () => {
  it('evicts the least recently used files, down to the low-water mark, and keeps the total at or under the budget', async () => {
    const folder = await opened({ maxBytes: 10 * FILE_BLOCK_BYTES, clock: steppingClock().now });
    for (let i = 0; i < 10; i += 1) await folder.set(`k${i}`, small(`k${i}`), 60_000_000);
    expect(folder.stats()).toMatchObject({ bytesUsed: 10 * FILE_BLOCK_BYTES, files: 10, evictions: 0 });
    expect(await folder.get('k0')).toEqual(small('k0')); // k0 becomes the most recently used

    await folder.set('k10', small('k10'), 60_000_000);
    // Over the budget by one block: evicted down to 90 % of it, i.e. 9 blocks: k1 and k2, the least recently used.
    expect(await onDisk(folder, 'k1')).toBe(false);
    expect(await onDisk(folder, 'k2')).toBe(false);
    for (const key of ['k0', 'k3', 'k9', 'k10']) expect(await onDisk(folder, key)).toBe(true);
    const stats = folder.stats();
    expect(stats).toMatchObject({ evictions: 2, files: 9, maxBytes: 10 * FILE_BLOCK_BYTES });
    expect(stats.bytesUsed).toBeLessThanOrEqual(stats.maxBytes);
    expect(stats.bytesUsed).toBe((await diskBytes()).bytes);
  });

  it('stays within the budget over many writes of varying sizes, the total matching the disk', async () => {
    const folder = await opened({ maxBytes: 64 * FILE_BLOCK_BYTES });
    for (let i = 0; i < 60; i += 1) {
      await folder.set(`v${i}`, randomBytes(1000 + ((i * 7919) % 20_000)), 60_000_000);
      expect(folder.stats().bytesUsed).toBeLessThanOrEqual(64 * FILE_BLOCK_BYTES);
    }
    expect(folder.stats().evictions).toBeGreaterThan(0);
    expect(folder.stats().bytesUsed).toBe((await diskBytes()).bytes);
  });

  it('evicts expired files before live ones, even recently written ones', async () => {
    const clock = steppingClock();
    const folder = await opened({ maxBytes: 10 * FILE_BLOCK_BYTES, clock: clock.now });
    for (let i = 0; i < 9; i += 1) await folder.set(`live${i}`, small(`live${i}`), 60_000_000);
    await folder.set('short', small('short'), 5_000); // the most recent, but expiring
    clock.advance(10_000);
    await folder.set('next', small('next'), 60_000_000);
    // Two blocks to free: the expired file first, then one live file, the least recently used.
    expect(await onDisk(folder, 'short')).toBe(false);
    expect(await onDisk(folder, 'live0')).toBe(false);
    expect(await onDisk(folder, 'live1')).toBe(true);
    expect(folder.stats()).toMatchObject({ expired: 1, evictions: 1, files: 9 });
  });

  it('does not write a value whose file alone is over the budget', async () => {
    const folder = await opened({ maxBytes: 2 * FILE_BLOCK_BYTES });
    await folder.set('kept', small('kept'), 60_000);
    await folder.set('huge', randomBytes(3 * FILE_BLOCK_BYTES), 60_000);
    expect(await onDisk(folder, 'huge')).toBe(false);
    expect(await onDisk(folder, 'kept')).toBe(true);
    expect(folder.stats()).toMatchObject({ oversize: 1, evictions: 0, files: 1 });
  });
});

describe('FolderTier sweep of expired files', () => {
  it('removes expired files without reading them', async () => {
    const clock = steppingClock();
    const folder = await opened({ clock: clock.now });
    await folder.set('a', small('a'), 5_000);
    await folder.set('b', small('b'), 5_000);
    await folder.set('c', small('c'), 60_000_000);
    clock.advance(10_000);
    expect(await folder.sweep()).toBe(2);
    expect(await diskBytes()).toEqual({ bytes: FILE_BLOCK_BYTES, files: 1 });
    expect(await onDisk(folder, 'c')).toBe(true);
    expect(folder.stats()).toMatchObject({ expired: 2, hits: 0, misses: 0, files: 1, bytesUsed: FILE_BLOCK_BYTES });
  });

  it('sweeps on its own interval, and also files written before it opened', async () => {
    const clock = steppingClock();
    const writer = tier({ clock: clock.now });
    await writer.set('old', small('old'), 5_000);
    clock.advance(10_000);
    const folder = tier({ clock: clock.now, sweepIntervalMs: 5 });
    await vi.waitFor(async () => expect(await onDisk(folder, 'old')).toBe(false), { timeout: 30_000, interval: 10 });
    expect(folder.stats().expired).toBe(1);
  });
});

describe('FolderTier index at open', () => {
  it('rebuilds the total and the recency order from the files on disk', async () => {
    const clock = steppingClock();
    const first = tier({ clock: clock.now });
    for (let i = 0; i < 5; i += 1) await first.set(`k${i}`, randomBytes(5000 + i * 3000), 60_000_000);
    await first.get('k0'); // stamped as the most recent access in its mtime
    const written = first.stats().bytesUsed;
    first.close();

    const reopened = await opened({ clock: clock.now, maxBytes: written });
    expect(reopened.stats()).toMatchObject({ bytesUsed: written, files: 5 });
    expect(written).toBe((await diskBytes()).bytes);

    await reopened.set('new', small('new'), 60_000_000);
    // Least recently used after a restart: k1 (k0 was read last).
    expect(await onDisk(reopened, 'k1')).toBe(false);
    expect(await onDisk(reopened, 'k0')).toBe(true);
    expect(reopened.stats().bytesUsed).toBeLessThanOrEqual(written);
    expect(reopened.stats().bytesUsed).toBe((await diskBytes()).bytes);
  });

  it('reads the files of the folder found at open, and answers a key its index lacks from the index alone', async () => {
    const clock = steppingClock();
    const writer = tier({ clock: clock.now });
    await writer.set('before', small('before'), 60_000_000);
    writer.close();

    const reader = await opened({ clock: clock.now });
    expect(await reader.get('before')).toEqual(small('before'));
    // Another process's file written after the scan: not in this process's view, so a miss without reading it.
    const other = await opened({ clock: clock.now });
    await other.set('later', small('later'), 60_000_000);
    expect(await onDisk(reader, 'later')).toBe(true);
    expect(await reader.get('later')).toBeUndefined();
    expect(reader.stats()).toMatchObject({ hits: 1, misses: 1, errors: 0 });
    // The next open sees it.
    expect(await (await opened({ clock: clock.now })).get('later')).toEqual(small('later'));
  });

  it('brings a folder already over a lowered budget under it once the scan at open has finished', async () => {
    const clock = steppingClock();
    const first = await opened({ clock: clock.now });
    for (let i = 0; i < 20; i += 1) await first.set(`k${i}`, small(`k${i}`), 60_000_000);
    const reopened = tier({ clock: clock.now, maxBytes: 10 * FILE_BLOCK_BYTES });
    await reopened.set('new', small('new'), 60_000_000);
    await reopened.ready();
    expect(reopened.stats()).toMatchObject({ files: 9, evictions: 12 });
    expect(await onDisk(reopened, 'new')).toBe(true);
    expect(await onDisk(reopened, 'k19')).toBe(true);
    expect(await onDisk(reopened, 'k10')).toBe(false);
    expect(reopened.stats().bytesUsed).toBe((await diskBytes()).bytes);
  });

  it('rejects a budget that is not a positive number of bytes', () => {
    for (const maxBytes of [0, -1, Number.NaN, Infinity]) expect(() => tier({ maxBytes })).toThrow(RangeError);
  });

  it('counts writes made while the open scan runs once, not twice', async () => {
    const first = tier({});
    for (let i = 0; i < 30; i += 1) await first.set(`k${i}`, small(`k${i}`), 60_000_000);
    const reopened = tier({});
    await Promise.all(Array.from({ length: 30 }, (_, i) => reopened.set(`k${i}`, randomBytes(6000), 60_000_000)));
    await reopened.ready();
    expect(reopened.stats()).toMatchObject({ files: 30, bytesUsed: (await diskBytes()).bytes });
  });
});

describe('FolderTier concurrent writers', () => {
  it('keeps the total equal to the file on disk when writes and deletes of one key race', async () => {
    const folder = await opened({});
    const sizes = Array.from({ length: 24 }, (_, i) => 500 + ((i * 104_729) % 30_000));
    await Promise.all([
      ...sizes.map((size) => folder.set('hot', randomBytes(size), 60_000_000)),
      ...sizes.slice(0, 6).map(() => folder.delete('hot')),
    ]);
    const disk = await diskBytes();
    expect(folder.stats()).toMatchObject({ bytesUsed: disk.bytes, files: disk.files });
    await folder.set('hot', randomBytes(9000), 60_000_000);
    expect(folder.stats()).toMatchObject({ bytesUsed: (await diskBytes()).bytes, files: 1 });
  });
});
