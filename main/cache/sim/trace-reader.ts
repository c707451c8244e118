/**
 * Readers for the four research trace formats, streaming (the traces are millions of
 * requests): each request is handed to a callback instead of being yielded, because an
 * async iterator per request would cost more than the cache under test.
 *  - lirs: text, one integer key per line; `*` lines and blank lines are skipped
 *  - arc: text, `start count ignore req`; one line is the keys start .. start+count-1
 *  - cache2k: binary, big-endian signed 32-bit integer keys back to back
 *  - adaptsize: text, `time id size`; requests carry the object's size in bytes
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export type TraceFormat = 'lirs' | 'arc' | 'cache2k' | 'adaptsize';
export const TRACE_FORMATS: readonly TraceFormat[] = ['lirs', 'arc', 'cache2k', 'adaptsize'];

export type OnRequest = (key: number, size: number) => void;

/** A trace held in memory: keys, and sizes (1 per request unless the format has sizes). */
export interface Trace {
  keys: Float64Array;
  sizes: Float64Array;
  length: number;
}

/** Opens a trace file, gunzipping `.gz` files on the fly. */
export function openTrace(path: string): Readable {
  const file = createReadStream(path);
  return path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
}

/** Streams every request of a trace to `onRequest`; resolves with the number of requests. */
export async function readTrace(input: Readable, format: TraceFormat, onRequest: OnRequest, limit = Infinity): Promise<number> {
  if (format === 'cache2k') return readBinary(input, onRequest, limit);
  const parseLine = LINE_PARSERS[format];
  let count = 0;
  let rest = '';
  const emit: OnRequest = (key, size) => {
    if (count >= limit) return;
    count += 1;
    onRequest(key, size);
  };
  input.setEncoding('latin1');
  for await (const chunk of input as AsyncIterable<string>) {
    const text = rest + chunk;
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      parseLine(text.slice(start, end), emit);
      start = end + 1;
    }
    rest = text.slice(start);
    if (count >= limit) return count; // leaving the loop closes the stream
  }
  if (rest.length > 0) parseLine(rest, emit);
  return count;
}

/** Reads a whole trace into typed arrays (simulations replay it several times). */
export async function loadTrace(input: Readable, format: TraceFormat, limit = Infinity): Promise<Trace> {
  let keys: Float64Array = new Float64Array(1 << 16);
  let sizes: Float64Array = new Float64Array(1 << 16);
  let length = 0;
  const append: OnRequest = (key, size) => {
    if (length === keys.length) {
      keys = grow(keys);
      sizes = grow(sizes);
    }
    keys[length] = key;
    sizes[length] = size;
    length += 1;
  };
  await readTrace(input, format, append, limit);
  return { keys: keys.subarray(0, length), sizes: sizes.subarray(0, length), length };
}

const LINE_PARSERS: Record<Exclude<TraceFormat, 'cache2k'>, (line: string, emit: OnRequest) => void> = {
  lirs(line, emit) {
    const text = line.trim();
    if (text === '' || text.startsWith('*')) return;
    emit(toNumber(text, line), 1);
  },
  arc(line, emit) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 2 || fields[0] === '') return;
    const start = toNumber(fields[0]!, line);
    const count = toNumber(fields[1]!, line);
    for (let i = 0; i < count; i += 1) emit(start + i, 1);
  },
  adaptsize(line, emit) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields[0] === '') return;
    emit(toNumber(fields[1]!, line), toNumber(fields[2]!, line));
  },
};

async function readBinary(input: Readable, onRequest: OnRequest, limit: number): Promise<number> {
  let count = 0;
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const whole = Math.min(data.length - (data.length % 4), (limit - count) * 4);
    for (let offset = 0; offset < whole; offset += 4) onRequest(data.readInt32BE(offset), 1);
    count += whole / 4;
    if (count >= limit) return count;
    carry = data.subarray(whole);
  }
  if (carry.length > 0) throw new Error(`cache2k trace: ${carry.length} trailing bytes (not a multiple of 4)`);
  return count;
}

function toNumber(text: string, line: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`trace: not a number ${JSON.stringify(text)} in line ${JSON.stringify(line)}`);
  return value;
}

function grow(array: Float64Array): Float64Array {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
