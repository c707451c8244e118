import { InvalidArgumentError } from 'commander';
import { parseByteSize } from '../../main/util/byte-size.ts';

/** "500MB", "1.5GB", "800MiB", "2g", "1048576" as bytes; throws InvalidArgumentError saying what to write. */
export function parseStorageSize(flag: string, text: string): number {
  const hint = 'write a number with a unit, e.g. 500MB, 1.5GB or 800MiB (KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024)';
  const size = parseByteSize(text);
  if ('problem' in size) {
    if (size.problem === 'unknown-unit') throw new InvalidArgumentError(`${flag} "${text}" has an unknown unit "${size.unit}": ${hint}.`);
    if (size.problem === 'too-large') throw new InvalidArgumentError(`${flag} "${text}" is too large to be a byte count.`);
    throw new InvalidArgumentError(`${flag} "${text}" is not a size: ${hint}.`);
  }
  const { bytes } = size;
  if (bytes <= 0) throw new InvalidArgumentError(`${flag} "${text}" is no storage at all: ${hint}.`);
  return bytes;
}
