import { describe, expect, it } from 'vitest';
import { DEFAULT_L1_TARGETS, l1FloorBytes, moderateL1Target, RestoreCeiling } from '../../../main/memory/l1-targets.ts';
import { MiB } from './fakes.ts';

const l1 = (maxBytes: number, heldBytes: number) => ({ configuredBytes: 512 * MiB, maxBytes, heldBytes });

describe('moderateL1Target', () => {
  it('is half the configured size on the first round', () => {
    expect(moderateL1Target(l1(512 * MiB, 400 * MiB), DEFAULT_L1_TARGETS, 0)).toBe(256 * MiB);
  });

  it('halves the current budget when it is already at or below that', () => {
    expect(moderateL1Target(l1(256 * MiB, 256 * MiB), DEFAULT_L1_TARGETS, 0)).toBe(128 * MiB);
  });

  it('goes lower when that is what gives back the RSS over the exit line', () => {
    expect(moderateL1Target(l1(512 * MiB, 300 * MiB), DEFAULT_L1_TARGETS, 100 * MiB)).toBe(200 * MiB);
  });

  it('never goes below the floor', () => {
    expect(moderateL1Target(l1(30 * MiB, 30 * MiB), DEFAULT_L1_TARGETS, 500 * MiB)).toBe(l1FloorBytes(l1(0, 0), DEFAULT_L1_TARGETS));
    expect(l1FloorBytes(l1(0, 0), DEFAULT_L1_TARGETS)).toBe(Math.floor(512 * MiB * 0.05));
  });
});

describe('RestoreCeiling', () => {
  it('restores to the configured size until a restore brings pressure back, then halves each round', () => {
    const ceiling = new RestoreCeiling();
    expect(ceiling.pressureReturned(8 * MiB)).toBeNull(); // pressure without a restore before it
    expect(ceiling.next(512 * MiB)).toBe(512 * MiB);
    ceiling.restored(512 * MiB);
    expect(ceiling.pressureReturned(8 * MiB)).toBe(256 * MiB);
    expect(ceiling.next(512 * MiB)).toBe(256 * MiB);
    ceiling.restored(256 * MiB);
    expect(ceiling.pressureReturned(8 * MiB)).toBe(128 * MiB);
    expect(ceiling.pressureReturned(8 * MiB)).toBeNull(); // once per restore
    expect(ceiling.next(64 * MiB)).toBe(64 * MiB); // the operator lowered the configured size
  });

  it('never goes below the floor', () => {
    const ceiling = new RestoreCeiling();
    ceiling.restored(10 * MiB);
    expect(ceiling.pressureReturned(8 * MiB)).toBe(8 * MiB);
  });
});
