import { describe, expect, it } from 'vitest';
import { droppableLeftoverOf, type HistoryEntry } from '../../../main/advisor/build-history.ts';
import { toPayload } from '../../../main/engine/advisor-session.ts';

let next = 0;
function entry(fields: Partial<HistoryEntry>): HistoryEntry {
  next += 1;
  return {
    id: `e${next}`,
    name: 'hp_t_a_00000001',
    schema: 'public',
    table: 't',
    ddl: 'CREATE INDEX CONCURRENTLY …',
    reason: 'r',
    startedAt: next,
    finishedAt: next,
    status: 'failed',
    error: 'interrupted',
    durationMs: 1,
    ...fields,
  };
}

/** Whether the history payload offers this entry's leftover: what advisor.rollback(name) would drop. */
const offered = (entries: HistoryEntry[], e: HistoryEntry) => toPayload(e, entries).droppableLeftover === true;

// The rule once lived in the console (renderer/state/invalid-leftover.ts); these are its cases, now asked of the
// engine's own code, which advisor.rollback (index-builder.ts) runs too.
describe('which leftover advisor.rollback would drop (droppableLeftover in the history payload)', () => {
  it('the newest entry of its name, when it left an invalid index and no build of that name stands', () => {
    const leftover = entry({ leftInvalid: true });
    const entries = [entry({ status: 'rolled-back' }), leftover];
    expect(offered(entries, leftover)).toBe(true);
    expect(droppableLeftoverOf(entries, leftover.name)).toBe(leftover);
  });

  it('not an entry without leftInvalid, nor one whose flag was cleared by a drop', () => {
    const failed = entry({});
    expect(offered([failed], failed)).toBe(false);
    const dropped = entry({ leftInvalid: false, note: 'dropped on request' });
    expect(offered([dropped], dropped)).toBe(false);
  });

  it('not when a newer entry of the same name (in any schema) is what the engine would look at', () => {
    const leftover = entry({ leftInvalid: true });
    expect(offered([leftover, entry({ status: 'cancelled' })], leftover)).toBe(false);
    expect(offered([leftover, entry({ status: 'failed', schema: 'other' })], leftover)).toBe(false);
  });

  it('not while an index of that name built by Hotpath stands, even an older one in another schema (the rollback would drop that)', () => {
    const leftover = entry({ leftInvalid: true });
    expect(offered([entry({ status: 'built', schema: 'other' }), leftover], leftover)).toBe(false);
  });

  it('not when builds of that name stand in two schemas (the rollback refuses as ambiguous)', () => {
    const leftover = entry({ leftInvalid: true, schema: 'third' });
    expect(offered([entry({ status: 'built', schema: 'a' }), entry({ status: 'built', schema: 'b' }), leftover], leftover)).toBe(false);
  });

  it('yes when the older build of that name was rolled back since', () => {
    const built = entry({ status: 'built' });
    const leftover = entry({ leftInvalid: true });
    expect(offered([{ ...built, status: 'rolled-back' }, leftover], leftover)).toBe(true);
  });

  it('entries of other names do not matter', () => {
    const leftover = entry({ leftInvalid: true });
    expect(offered([leftover, entry({ name: 'hp_t_b_00000002', status: 'built' })], leftover)).toBe(true);
  });
});
