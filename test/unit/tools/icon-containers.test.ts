import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { icnsFromPngs, icoFromPngs, pngSize } from '../../../tools/icon-containers.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const build = (name: string) => readFileSync(join(ROOT, 'assets/build', name));

/** The ICO directory: each entry's size (256 written as 0) and the PNG it points at. */
function readIco(ico: Buffer): { size: number; png: Buffer }[] {
  expect(ico.readUInt16LE(2)).toBe(1);
  return Array.from({ length: ico.readUInt16LE(4) }, (_, i) => {
    const entry = 6 + 16 * i;
    const length = ico.readUInt32LE(entry + 8);
    const offset = ico.readUInt32LE(entry + 12);
    return { size: ico.readUInt8(entry) || 256, png: ico.subarray(offset, offset + length) };
  });
}

/** The ICNS elements: type → PNG. */
function readIcns(icns: Buffer): Map<string, Buffer> {
  expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
  expect(icns.readUInt32BE(4)).toBe(icns.length);
  const elements = new Map<string, Buffer>();
  for (let at = 8; at < icns.length;) {
    const length = icns.readUInt32BE(at + 4);
    elements.set(icns.subarray(at, at + 4).toString('ascii'), icns.subarray(at + 8, at + length));
    at += length;
  }
  return elements;
}

describe('the app icons electron-builder reads from assets/build', () => {
  it('icon.png is a 512 × 512 PNG (Linux installers, the window icon)', () => {
    expect(pngSize(build('icon.png'))).toEqual({ width: 512, height: 512 });
  });

  it('icon.ico holds every Windows size up to 256, each a PNG of its stated size', () => {
    const entries = readIco(build('icon.ico'));
    expect(entries.map((entry) => entry.size)).toEqual([16, 24, 32, 48, 64, 128, 256]);
    for (const { size, png } of entries) expect(pngSize(png)).toEqual({ width: size, height: size });
  });

  it('icon.icns holds the macOS sizes up to 1024 (ic10), each a PNG of its size', () => {
    const elements = readIcns(build('icon.icns'));
    expect(pngSize(elements.get('ic10')!)).toEqual({ width: 1024, height: 1024 });
    expect(pngSize(elements.get('ic09')!)).toEqual({ width: 512, height: 512 });
    expect(pngSize(elements.get('icp4')!)).toEqual({ width: 16, height: 16 });
    expect([...elements.keys()].sort()).toEqual(['ic07', 'ic08', 'ic09', 'ic10', 'ic11', 'ic12', 'ic13', 'ic14', 'icp4', 'icp5', 'icp6']);
  });

  it('electron-builder.yml points at that folder and packs the window icon', () => {
    const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as {
      directories: { buildResources: string };
      files: string[];
    };
    expect(config.directories.buildResources).toBe('assets/build');
    expect(config.files).toContain('assets/build/icon.png');
  });
});

describe('icoFromPngs / icnsFromPngs', () => {
  // A PNG signature and IHDR are all pngSize reads; the containers copy the bytes as they are.
  const fakePng = (size: number) => {
    const png = Buffer.alloc(33);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png, 0);
    png.write('IHDR', 12, 'ascii');
    png.writeUInt32BE(size, 16);
    png.writeUInt32BE(size, 20);
    return png;
  };

  it('round-trip: each image comes back at its size', () => {
    const images = [16, 256].map((size) => ({ size, png: fakePng(size) }));
    expect(readIco(icoFromPngs(images)).map(({ size, png }) => [size, pngSize(png).width])).toEqual([
      [16, 16],
      [256, 256],
    ]);
    const icns = readIcns(icnsFromPngs([{ size: 32, png: fakePng(32) }]));
    expect([...icns.keys()]).toEqual(['icp5', 'ic11']);
  });

  it('refuses sizes the formats cannot hold', () => {
    expect(() => icoFromPngs([{ size: 512, png: fakePng(512) }])).toThrow(/at most 256/);
    expect(() => icnsFromPngs([{ size: 48, png: fakePng(48) }])).toThrow(/no PNG element for 48/);
  });
});
