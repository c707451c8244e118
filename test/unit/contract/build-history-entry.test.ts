import { describe, expect, it } from 'vitest';
import { buildHistoryEntrySchema } from '../../../main/contract/advisor.ts';
import { commandSchemas } from '../../../main/contract/commands.ts';

// An entry as engines before the crash reconciliation sent it: no leftInvalid, no note.
const oldShaped = {
  id: 'e1',
  name: 'hp_chunks_session_id_1a2b3c4d',
  schema: 'unified',
  table: 'chunks',
  ddl: 'CREATE INDEX CONCURRENTLY "hp_chunks_session_id_1a2b3c4d" ON "unified"."chunks" USING btree ("session_id")',
  reason: 'session_timeline filters on session_id.',
  startedAt: 1_700_000_000_000,
  finishedAt: 1_700_000_001_000,
  status: 'built',
  error: null,
  durationMs: 1000,
  sizeBytes: 8192,
  latencyBefore: null,
  latencyAfter: null,
  rolledBackAt: null,
};

// A build a killed Hotpath left behind, as reconciliation records it.
const leftBehind = {
  ...oldShaped,
  id: 'e2',
  status: 'failed',
  error: 'interrupted: the process running the build stopped',
  sizeBytes: null,
  leftInvalid: true,
  note: 'The build was interrupted and left an INVALID index (it slows writes and serves no query).',
};

describe('the build history entry in the contract', () => {
  it('accepts an entry without leftInvalid and note, so an older engine still answers a newer console', () => {
    const parsed = buildHistoryEntrySchema.parse(oldShaped);
    expect(parsed.leftInvalid).toBeUndefined();
    expect(parsed.note).toBeUndefined();
  });

  it('keeps leftInvalid and note of an entry that has them', () => {
    const parsed = buildHistoryEntrySchema.parse(leftBehind);
    expect(parsed.leftInvalid).toBe(true);
    expect(parsed.note).toBe(leftBehind.note);
  });

  it('carries both shapes through advisor.status and advisor.rollback results', () => {
    const status = commandSchemas['advisor.status'].result.parse({
      readOnly: false,
      report: null,
      running: [],
      history: [oldShaped, leftBehind],
    });
    expect(status.history.map((e) => e.leftInvalid ?? null)).toEqual([null, true]);
    expect(
      commandSchemas['advisor.rollback'].result.parse({
        ...leftBehind,
        leftInvalid: undefined,
        note: 'The invalid index this build left was dropped on request.',
      }).note,
    ).toBe('The invalid index this build left was dropped on request.');
  });

  it('refuses a leftInvalid that is not a boolean and a note that is not text, naming the field', () => {
    const badFlag = buildHistoryEntrySchema.safeParse({ ...leftBehind, leftInvalid: 'yes' });
    expect(badFlag.success).toBe(false);
    expect(badFlag.error!.issues[0]!.path).toEqual(['leftInvalid']);
    const badNote = buildHistoryEntrySchema.safeParse({ ...leftBehind, note: 42 });
    expect(badNote.success).toBe(false);
    expect(badNote.error!.issues[0]!.path).toEqual(['note']);
  });
});
