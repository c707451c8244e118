/**
 * Rewrites of SQL text at the offsets PostgreSQL's lexer and parse tree report, which count UTF-8 bytes (not
 * JavaScript's UTF-16 units): each edit replaces the bytes [start, end) with its text. Edits must not overlap.
 */
export interface ByteEdit {
  start: number;
  end: number;
  text: string;
}

export function applyByteEdits(sql: string, edits: readonly ByteEdit[]): string {
  const bytes = Buffer.from(sql, 'utf8');
  let out = '';
  let copiedUpTo = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    if (edit.start < copiedUpTo) throw new Error('Overlapping SQL text edits.');
    out += bytes.toString('utf8', copiedUpTo, edit.start) + edit.text;
    copiedUpTo = edit.end;
  }
  return out + bytes.toString('utf8', copiedUpTo);
}
