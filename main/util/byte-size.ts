const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/**
 * Units, case-insensitive. Binary (KiB, MiB …) are powers of 1024 and decimal (KB, MB …) powers of 1000, as IEC and
 * SI define them; the bare letters (K, M, G, T), as in Docker's and Java's flags, are binary. One convention for
 * every size Hotpath reads (memory budget, storage budget, cache tiers).
 */
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: KIB,
  kib: KIB,
  kb: 1000,
  m: MIB,
  mib: MIB,
  mb: 1000 ** 2,
  g: GIB,
  gib: GIB,
  gb: 1000 ** 3,
  t: 1024 * GIB,
  tib: 1024 * GIB,
  tb: 1000 ** 4,
};

export type ByteSize = { bytes: number } | { problem: 'not-a-size' | 'negative' | 'too-large' } | { problem: 'unknown-unit'; unit: string };

/** "536870912", "512MiB", "512 mib", "2GB", "1.5G" as bytes (rounded down), or what is wrong with the text. */
export function parseByteSize(text: string): ByteSize {
  const trimmed = text.trim();
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i.exec(trimmed);
  if (!match) return { problem: trimmed.startsWith('-') ? 'negative' : 'not-a-size' };
  const factor = UNITS[match[2]!.toLowerCase()];
  if (factor === undefined) return { problem: 'unknown-unit', unit: match[2]! };
  const bytes = Math.floor(Number(match[1]) * factor);
  return Number.isSafeInteger(bytes) ? { bytes } : { problem: 'too-large' };
}
