import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadTrace, openTrace, readTrace, type TraceFormat } from '../../../main/cache/sim/trace-reader.ts';

/** Splits the input into tiny chunks so that lines and int32s straddle chunk borders. */
function chunked(data: string | Buffer, size = 3): Readable {
  const buffer = Buffer.from(data);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += size) chunks.push(buffer.subarray(i, i + size));
  return Readable.from(chunks);
}

async function collect(data: string | Buffer, format: TraceFormat): Promise<[number, number][]> {
  const out: [number, number][] = [];
  const count = await readTrace(chunked(data), format, (key, size) => out.push([key, size]));
  expect(count).toBe(out.length);
  return out;
}

describe('trace readers', () => {
  it('lirs: one key per line, skipping * lines and blanks', async () => {
    expect(await collect('12\n*\n\n7\r\n  12 \n*\n99', 'lirs')).toEqual([
      [12, 1],
      [7, 1],
      [12, 1],
      [99, 1],
    ]);
  });

  it('arc: start count ignore req expands to start .. start+count-1', async () => {
    expect(await collect('100 3 0 0\n7 1 0 0\n\n', 'arc')).toEqual([
      [100, 1],
      [101, 1],
      [102, 1],
      [7, 1],
    ]);
  });

  it('cache2k: big-endian signed int32 keys', async () => {
    const buffer = Buffer.alloc(12);
    buffer.writeInt32BE(1, 0);
    buffer.writeInt32BE(-5, 4);
    buffer.writeInt32BE(0x01020304, 8);
    expect(await collect(buffer, 'cache2k')).toEqual([
      [1, 1],
      [-5, 1],
      [0x01020304, 1],
    ]);
    await expect(collect(Buffer.alloc(6), 'cache2k')).rejects.toThrow(/trailing bytes/);
  });

  it('adaptsize: time id size, the size kept with the request', async () => {
    expect(await collect('1 0 68\n2 1 7454\n3 0 68\n', 'adaptsize')).toEqual([
      [0, 68],
      [1, 7454],
      [0, 68],
    ]);
  });

  it('rejects lines that are not numbers instead of inventing keys', async () => {
    await expect(collect('12\nabc\n', 'lirs')).rejects.toThrow(/not a number/);
  });

  it('reads gzipped files as streams, with an optional request limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotpath-trace-'));
    const file = join(dir, 'sample.trace.gz');
    writeFileSync(file, gzipSync(Array.from({ length: 1000 }, (_, i) => String(i % 10)).join('\n')));
    const whole = await loadTrace(openTrace(file), 'lirs');
    expect(whole.length).toBe(1000);
    expect(whole.keys[13]).toBe(3);
    const first = await loadTrace(openTrace(file), 'lirs', 25);
    expect(first.length).toBe(25);
    expect(Array.from(first.keys.subarray(20, 25))).toEqual([0, 1, 2, 3, 4]);
  });
});
