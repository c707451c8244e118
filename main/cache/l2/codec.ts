import { Packr } from 'msgpackr';

/**
 * L2 values on the wire: one format byte, then the payload. The byte lets a later release change the
 * encoding (compression, shared structures) while old entries still decode, or at worst read as misses:
 * instances of two releases share one Redis during a rolling deploy.
 *
 * Format 1 is plain MessagePack (msgpackr) with:
 * - `useRecords: false`: msgpackr's records would need structures shared between processes (or stored
 *   in every value); plain maps keep each value self-contained and readable by any MessagePack library;
 * - `useBigIntExtension` + `int64AsType: 'bigint'`: a bigint of any size round-trips as a bigint instead
 *   of throwing or losing precision; safe-integer numbers stay numbers;
 * - `moreTypes`: Sets, typed arrays and errors round-trip too.
 * Dates use MessagePack's timestamp type and come back as Dates, Buffers as Buffers. Maps come back as
 * plain objects, class instances as plain objects (no prototypes cross a cache).
 */
export const FORMAT_MSGPACK_V1 = 0x01;

const packr = new Packr({ useRecords: false, useBigIntExtension: true, int64AsType: 'bigint', moreTypes: true });

export function encodeValue(value: unknown): Buffer {
  const payload = packr.pack(value);
  const out = Buffer.allocUnsafe(payload.length + 1);
  out[0] = FORMAT_MSGPACK_V1;
  out.set(payload, 1);
  return out;
}

export type Decoded = { ok: true; value: unknown } | { ok: false; reason: string };

/** Never throws: a value this release cannot read is reported, and the tier treats it as a miss. */
export function decodeValue(bytes: Uint8Array): Decoded {
  if (bytes.length < 2) return { ok: false, reason: 'value too short' };
  const format = bytes[0];
  if (format !== FORMAT_MSGPACK_V1) return { ok: false, reason: `unknown format byte 0x${(format ?? 0).toString(16).padStart(2, '0')}` };
  try {
    return { ok: true, value: packr.unpack(bytes.subarray(1)) };
  } catch (error) {
    return { ok: false, reason: `corrupt payload: ${(error as Error).message}` };
  }
}
