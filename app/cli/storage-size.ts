import { InvalidArgumentError } from 'commander';

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/**
 * Units, case-insensitive, as --memory-budget reads them (main/memory's parseMemoryBudget): binary (KiB, MiB, …)
 * are powers of 1024, decimal (KB, MB, …) powers of 1000, as IEC and SI define them; the bare letters are binary,
 * as in Docker's and Java's flags. One convention for every size the command line takes.
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

/** "500MB", "1.5GB", "800MiB", "2g", "1048576" as bytes; throws InvalidArgumentError saying what to write. */
export function parseStorageSize(flag: string, text: string): number {
  const hint = 'write a number with a unit, e.g. 500MB, 1.5GB or 800MiB (KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024)';
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`${flag} "${text}" is not a size: ${hint}.`);
  const factor = UNITS[match[2]!.toLowerCase()];
  if (factor === undefined) throw new InvalidArgumentError(`${flag} "${text}" has an unknown unit "${match[2]}": ${hint}.`);
  const bytes = Math.floor(Number(match[1]) * factor);
  if (bytes <= 0) throw new InvalidArgumentError(`${flag} "${text}" is no storage at all: ${hint}.`);
  if (!Number.isSafeInteger(bytes)) throw new InvalidArgumentError(`${flag} "${text}" is too large to be a byte count.`);
  return bytes;
}
