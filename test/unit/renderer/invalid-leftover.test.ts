import { describe, expect, it } from 'vitest';
import type { BuildHistoryEntryPayload } from '../../../main/contract/advisor.ts';
import { dropsLeftover } from '../../../renderer/state/invalid-leftover.ts';

let next = 0;
function entry(fields: Partial<BuildHistoryEntryPayload>): BuildHistoryEntryPayload {
  next += 1;
  return {
    id: `e${next}`, name: 'hp_t_a_00000001', schema: 'public', table: 't', ddl: 'CREATE INDEX CONCURRENTLY …', reason: 'r', startedAt: next, finishedAt: next,
    status: 'failed', error: 'interrupted', durationMs: 1, sizeBytes: null, latencyBefore: null, latencyAfter: null, rolledBackAt: null, ...fields,
  };
}

// Mirrors what advisor.rollback(name) acts on (advisor/index-builder.ts): an index of that name Hotpath built and has
// not rolled back first; otherwise the newest entry of that name, if it left an invalid index.
describe('which leftover advisor.rollback would drop', () => {
  it('the newest entry of its name, when it left an invalid index and no build of that name stands', () => {
    const leftover = entry({ leftInvalid: true });
    expect(dropsLeftover([entry({ status: 'rolled-back' }), leftover], leftover)).toBe(true);
  });

  it('not an entry without leftInvalid, nor one whose flag was cleared by a drop', () => {
    const failed = entry({});
    expect(dropsLeftover([failed], failed)).toBe(false);
    const dropped = entry({ leftInvalid: false, note: 'dropped on request' });
    expect(dropsLeftover([dropped], dropped)).toBe(false);
  });

  it('not when a newer entry of the same name (in any schema) is what the engine would look at', () => {
    const leftover = entry({ leftInvalid: true });
    expect(dropsLeftover([leftover, entry({ status: 'cancelled' })], leftover)).toBe(false);
    expect(dropsLeftover([leftover, entry({ status: 'failed', schema: 'other' })], leftover)).toBe(false);
  });

  it('not while an index of that name built by Hotpath stands, even an older one in another schema (the rollback would drop that)', () => {
    const leftover = entry({ leftInvalid: true });
    expect(dropsLeftover([entry({ status: 'built', schema: 'other' }), leftover], leftover)).toBe(false);
  });

  it('yes when the older build of that name was rolled back since', () => {
    const built = entry({ status: 'built' });
    const leftover = entry({ leftInvalid: true });
    expect(dropsLeftover([{ ...built, status: 'rolled-back' }, leftover], leftover)).toBe(true);
  });

  it('entries of other names do not matter', () => {
    const leftover = entry({ leftInvalid: true });
    expect(dropsLeftover([leftover, entry({ name: 'hp_t_b_00000002', status: 'built' })], leftover)).toBe(true);
  });
});
