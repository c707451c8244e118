import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../main/advisor/build-history.ts';
import { buildHistoryEntrySchema } from '../../../main/contract/advisor.ts';
import { toPayload } from '../../../main/engine/advisor-session.ts';

const stored: HistoryEntry = {
  id: 'e1',
  name: 'hp_chunks_session_id_1a2b3c4d',
  schema: 'unified',
  table: 'chunks',
  ddl: 'CREATE INDEX CONCURRENTLY "hp_chunks_session_id_1a2b3c4d" ON "unified"."chunks" USING btree ("session_id")',
  reason: 'session_timeline filters on session_id.',
  startedAt: 1_700_000_000_000,
  finishedAt: 1_700_000_001_000,
  status: 'built',
  durationMs: 1000,
};

describe('a history entry as the contract sends it', () => {
  it('passes leftInvalid and note through, so the console can offer the drop of an invalid leftover', () => {
    const leftover: HistoryEntry = {
      ...stored,
      status: 'failed',
      error: 'interrupted: the process running the build stopped',
      leftInvalid: true,
      note: 'left an INVALID index',
    };
    const payload = toPayload(leftover, [leftover]);
    expect(payload.leftInvalid).toBe(true);
    expect(payload.droppableLeftover).toBe(true);
    expect(payload.note).toBe('left an INVALID index');
    expect(buildHistoryEntrySchema.parse(payload)).toEqual(payload);
  });

  it('leaves both out of an entry that has neither (the shape older consoles know)', () => {
    const payload = toPayload(stored, [stored]);
    expect('leftInvalid' in payload).toBe(false);
    expect('droppableLeftover' in payload).toBe(false);
    expect('note' in payload).toBe(false);
    expect(buildHistoryEntrySchema.parse(payload)).toEqual(payload);
  });
});
