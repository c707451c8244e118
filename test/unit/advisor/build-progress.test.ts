import { describe, expect, it } from 'vitest';
import { SYNTHETIC_PHASES, describePhase, type PhaseCounters } from '../../../main/advisor/build-progress.ts';

const none: PhaseCounters = { blocksDone: 0, blocksTotal: 0, tuplesDone: 0, tuplesTotal: 0, lockersDone: 0, lockersTotal: 0 };

describe('describePhase', () => {
  it('gives every phase PostgreSQL 15–18 reports for CREATE INDEX CONCURRENTLY a text and a place in the build', () => {
    const phases = [
      'initializing',
      'waiting for writers before build',
      'building index: scanning table',
      'building index: sorting live tuples',
      'building index: loading tuples in tree',
      'waiting for writers before validation',
      'index validation: scanning index',
      'index validation: sorting tuples',
      'index validation: scanning table',
      'waiting for old snapshots',
      'waiting for readers before marking dead',
      'waiting for readers before dropping',
    ];
    let previous = -1;
    for (const phase of phases) {
      const { phaseText, fraction } = describePhase(phase, none);
      expect(phaseText).not.toBe(phase);
      expect(fraction).not.toBeNull();
      // In the order a concurrent build runs them, the fraction never goes back.
      expect(fraction!).toBeGreaterThanOrEqual(previous);
      previous = fraction!;
    }
  });

  it('advances by blocks in the table scan and by tuples while loading the tree, within the phase', () => {
    const start = describePhase('building index: scanning table', { ...none, blocksTotal: 100 }).fraction!;
    const half = describePhase('building index: scanning table', { ...none, blocksTotal: 100, blocksDone: 50 }).fraction!;
    const done = describePhase('building index: scanning table', { ...none, blocksTotal: 100, blocksDone: 100 }).fraction!;
    expect(start).toBeLessThan(half);
    expect(half).toBeLessThan(done);
    expect(done).toBeLessThanOrEqual(describePhase('building index: sorting live tuples', none).fraction!);

    const loading0 = describePhase('building index: loading tuples in tree', { ...none, tuplesTotal: 1000 }).fraction!;
    const loading1 = describePhase('building index: loading tuples in tree', { ...none, tuplesTotal: 1000, tuplesDone: 900 }).fraction!;
    expect(loading1).toBeGreaterThan(loading0);
    expect(loading1).toBeLessThan(describePhase('waiting for writers before validation', none).fraction!);
  });

  it('stays within 0..1 even when the counters overshoot', () => {
    expect(describePhase('index validation: scanning table', { ...none, blocksTotal: 10, blocksDone: 15 }).fraction).toBeLessThanOrEqual(1);
    expect(describePhase('waiting for readers before dropping', { ...none, lockersTotal: 2, lockersDone: 2 }).fraction).toBe(1);
  });

  it('falls back to the parent phase for an unknown sub-phase, and to the raw text with no fraction for an unknown phase', () => {
    expect(describePhase('building index: some new access method step', none)).toEqual({
      phaseText: 'Building the index',
      fraction: expect.any(Number),
    });
    expect(describePhase('a phase from the future', none)).toEqual({ phaseText: 'a phase from the future', fraction: null });
  });

  it('describes our own phases: the wait for the table lock and the cleanup', () => {
    expect(describePhase(SYNTHETIC_PHASES.waitingForTableLock, none)).toEqual({ phaseText: expect.stringContaining('lock'), fraction: 0 });
    expect(describePhase(SYNTHETIC_PHASES.droppingInvalid, none).phaseText).toMatch(/invalid index/);
  });
});

describe('describePhase counters', () => {
  it('ignores counters a previous phase left behind (a sort does not look finished because the scan was)', () => {
    const leftover = { ...none, blocksTotal: 100, blocksDone: 100 };
    expect(describePhase('building index: sorting live tuples', leftover).fraction).toBe(
      describePhase('building index: sorting live tuples', none).fraction,
    );
    expect(describePhase('index validation: sorting tuples', { ...leftover, tuplesTotal: 10, tuplesDone: 10 }).fraction).toBe(
      describePhase('index validation: sorting tuples', none).fraction,
    );
  });

  it('advances the waits by lockers', () => {
    const half = describePhase('waiting for writers before build', { ...none, lockersTotal: 2, lockersDone: 1 }).fraction!;
    expect(half).toBeGreaterThan(describePhase('waiting for writers before build', none).fraction!);
  });
});
