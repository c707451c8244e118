import { describe, expect, it } from 'vitest';
import { markerEntryId, ownershipMarker } from '../../../main/advisor/build-catalog.ts';
import { sameDefinition } from '../../../main/advisor/build-reconcile.ts';
import { createIndexDdl, type IndexSpec } from '../../../main/advisor/index-spec.ts';

const spec: IndexSpec = {
  schema: 'Sales Data',
  table: 'Order Lines',
  columns: [
    { name: 'Customer', direction: 'asc' },
    { name: 'at', direction: 'desc' },
  ],
  include: ['total'],
  method: 'btree',
  predicate: '"status" = 1',
};

describe("sameDefinition: our DDL against the server's pg_get_indexdef, by parse tree", () => {
  const ddl = createIndexDdl(spec, 'hp_order_lines_customer_at_12345678');
  // What PostgreSQL prints for that index: no CONCURRENTLY, different quoting, ASC implied, parenthesised predicate.
  const server =
    'CREATE INDEX hp_order_lines_customer_at_12345678 ON "Sales Data"."Order Lines" USING btree ("Customer", at DESC) INCLUDE (total) WHERE (status = 1)';

  it("matches the same index written the server's way", async () => {
    expect(await sameDefinition(ddl, server)).toBe(true);
  });

  it('tells apart another column order, direction, predicate, method, uniqueness, table or name', async () => {
    for (const other of [
      server.replace('("Customer", at DESC)', '(at DESC, "Customer")'),
      server.replace('at DESC', 'at'),
      server.replace('(status = 1)', '(status = 2)'),
      server.replace('USING btree', 'USING hash'),
      server.replace('CREATE INDEX', 'CREATE UNIQUE INDEX'),
      server.replace('"Order Lines"', '"Order Lines 2"'),
      server.replace('hp_order_lines_customer_at_12345678', 'hp_order_lines_customer_at_87654321'),
    ])
      expect(await sameDefinition(ddl, other), other).toBe(false);
  });

  it('is false for no definition or text that does not parse', async () => {
    expect(await sameDefinition(ddl, null)).toBe(false);
    expect(await sameDefinition(ddl, 'CREATE INDEX (')).toBe(false);
  });
});

describe('the ownership marker', () => {
  it('round-trips a history entry id, and recognises no other comment', () => {
    expect(markerEntryId(ownershipMarker('3f0c2a8e-1111-4222-8333-944445555666'))).toBe('3f0c2a8e-1111-4222-8333-944445555666');
    for (const comment of [
      null,
      '',
      'hot index',
      'Built by Hotpath, history entry .',
      'Built by Hotpath, history entry abc',
      'built by hotpath, history entry abc.',
    ]) {
      expect(markerEntryId(comment), String(comment)).toBeNull();
    }
  });
});
