import { describe, expect, it } from 'vitest';
import { defaultMemoryBudget, formatBytes, MemoryBudgetError, parseMemoryBudget } from '../../../main/memory/memory-budget.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function failure(text: string, options?: Parameters<typeof parseMemoryBudget>[1]): MemoryBudgetError {
  try {
    parseMemoryBudget(text, options);
  } catch (error) {
    if (error instanceof MemoryBudgetError) return error;
    throw error;
  }
  throw new Error(`expected "${text}" to be refused`);
}

describe('defaultMemoryBudget', () => {
  it('is a quarter of the machine between 256 MiB and 2 GiB', () => {
    expect(defaultMemoryBudget(4 * GiB)).toBe(GiB);
    expect(defaultMemoryBudget(64 * GiB)).toBe(2 * GiB);
    expect(defaultMemoryBudget(GiB)).toBe(256 * MiB);
  });

  it('never takes more than half of a very small machine', () => {
    expect(defaultMemoryBudget(384 * MiB)).toBe(192 * MiB);
  });

  it('refuses a machine without memory', () => {
    expect(() => defaultMemoryBudget(0)).toThrow(RangeError);
  });
});

describe('parseMemoryBudget', () => {
  it.each([
    ['536870912', 512 * MiB],
    ['512MiB', 512 * MiB],
    ['512 mib', 512 * MiB],
    ['512M', 512 * MiB],
    ['2GiB', 2 * GiB],
    ['2g', 2 * GiB],
    ['1.5GiB', 1.5 * GiB],
    ['2GB', 2_000_000_000],
    ['500MB', 500_000_000],
    ['131072KiB', 128 * MiB],
    ['  1 GiB  ', GiB],
    ['104857600B', 100 * MiB],
  ])('reads %j as %d bytes', (text, bytes) => {
    expect(parseMemoryBudget(text)).toBe(bytes);
  });

  it('refuses an empty value', () => {
    expect(failure('  ').message).toBe('The memory budget is empty.');
  });

  it('refuses text that is not a number with a unit', () => {
    expect(failure('lots').message).toBe('The memory budget "lots" cannot be read: it is not a number with an optional unit.');
    expect(failure('1,5GiB').message).toMatch(/cannot be read/);
    expect(failure('5 GiB extra').message).toMatch(/cannot be read/);
  });

  it('refuses a negative value', () => {
    expect(failure('-512MiB').message).toBe('The memory budget "-512MiB" cannot be read: it is negative.');
  });

  it('names an unknown unit', () => {
    const error = failure('512 bits');
    expect(error.message).toBe('The memory budget "512 bits" has an unknown unit "bits".');
    expect(error.hint).toMatch(/512MiB, 2GiB/);
  });

  it('refuses a budget below 64 MiB, saying why', () => {
    expect(failure('32MiB').message).toBe(
      'The memory budget "32MiB" (32 MiB) is below the minimum of 64 MiB: the engine alone needs more, so it would clean up all the time.',
    );
    expect(failure('0').message).toMatch(/below the minimum/);
  });

  it("refuses a budget above the machine's memory when told the machine", () => {
    const error = failure('64GiB', { machineTotalBytes: 16 * GiB });
    expect(error.message).toBe(
      'The memory budget "64GiB" (64 GiB) is more than this machine\'s memory (16 GiB), so it would never be reached.',
    );
    expect(error.hint).toBe('Give at most 16 GiB, or leave it out to use the default (2 GiB here).');
    expect(parseMemoryBudget('64GiB')).toBe(64 * GiB);
  });

  it('refuses a byte count beyond what a number holds exactly', () => {
    expect(failure('99999999999TB').message).toMatch(/too large/);
  });
});

describe('formatBytes', () => {
  it('uses binary units with at most one decimal', () => {
    expect(formatBytes(900)).toBe('900 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(640 * MiB)).toBe('640 MiB');
    expect(formatBytes(-3 * MiB)).toBe('-3 MiB');
    expect(formatBytes(3 * GiB)).toBe('3 GiB');
  });
});
