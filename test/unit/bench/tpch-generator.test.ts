import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  TpchGenerator,
  money,
  orderKey,
  partSupplier,
  retailPriceCents,
  type TpchOrder,
  type TpchRow,
} from '../../../app/cli/bench/tpch/tpch-generator.ts';
import { NATIONS, SEGMENTS, SHIP_MODES, TPCH_TABLES, tpchRowCounts } from '../../../app/cli/bench/tpch/tpch-schema.ts';

const SCALE = 0.01;

function all(generator: TpchGenerator) {
  const orders: TpchOrder[] = [...generator.orders()];
  return {
    region: [...generator.rows('region')],
    nation: [...generator.rows('nation')],
    supplier: [...generator.rows('supplier')],
    customer: [...generator.rows('customer')],
    part: [...generator.rows('part')],
    partsupp: [...generator.rows('partsupp')],
    orders: orders.map((o) => o.order),
    lineitem: orders.flatMap((o) => o.lines),
  };
}

function digest(rows: Iterable<TpchRow>): string {
  const hash = createHash('sha1');
  for (const row of rows) hash.update(row.join('\t')).update('\n');
  return hash.digest('hex');
}

const data = all(new TpchGenerator({ scale: SCALE, seed: 1 }));

describe('TPC-H generator', () => {
  it('produces the row counts of the specification per scale factor', () => {
    expect(tpchRowCounts(1)).toEqual({
      region: 5,
      nation: 25,
      supplier: 10_000,
      customer: 150_000,
      part: 200_000,
      partsupp: 800_000,
      orders: 1_500_000,
    });
    const counts = tpchRowCounts(SCALE);
    for (const table of ['region', 'nation', 'supplier', 'customer', 'part', 'partsupp', 'orders'] as const) {
      expect(data[table].length, table).toBe(counts[table]);
    }
    // 1–7 lines per order, 4 on average: within a few percent of 4 × orders at 15,000 orders.
    expect(data.lineitem.length / data.orders.length).toBeGreaterThan(3.9);
    expect(data.lineitem.length / data.orders.length).toBeLessThan(4.1);
  });

  it('gives every row the columns of its table', () => {
    for (const [table, rows] of Object.entries(data)) {
      const width = TPCH_TABLES[table as keyof typeof TPCH_TABLES].length;
      expect(rows.filter((row) => row.length !== width).length, table).toBe(0);
    }
  });

  it('keeps keys dense where the spec says so and order keys sparse (8 of every 32)', () => {
    expect(data.part.map((r) => Number(r[0]))).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(data.supplier.map((r) => Number(r[0]))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(data.customer.map((r) => Number(r[0]))).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
    const orderKeys = data.orders.map((r) => Number(r[0]));
    expect(orderKeys.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 33, 34]);
    expect(new Set(orderKeys).size).toBe(orderKeys.length);
    expect(Math.max(...orderKeys)).toBe(orderKey(15_000));
    expect(Math.max(...orderKeys)).toBeLessThanOrEqual(SCALE * 6_000_000);
  });

  it('holds referential integrity: orders → customers (never a multiple of 3), lineitem → orders, parts and partsupp', () => {
    const customers = new Set(data.customer.map((r) => r[0]));
    expect(data.orders.filter((order) => !customers.has(order[1]!))).toEqual([]);
    expect(data.orders.filter((order) => Number(order[1]) % 3 === 0)).toEqual([]);
    const partsupp = new Set(data.partsupp.map((r) => `${r[0]}|${r[1]}`));
    expect(partsupp.size).toBe(data.partsupp.length);
    const orders = new Set(data.orders.map((r) => r[0]));
    expect(data.lineitem.filter((line) => !orders.has(line[0]!))).toEqual([]);
    expect(data.lineitem.filter((line) => !partsupp.has(`${line[1]}|${line[2]}`))).toEqual([]);
    const nations = new Set(NATIONS.map((_, key) => String(key)));
    expect([...data.supplier, ...data.customer].filter((row) => !nations.has(row[3]!))).toEqual([]);
    expect(data.nation.map((r) => Number(r[2]))).toEqual(NATIONS.map((n) => n.region));
  });

  it('derives prices, dates, flags and statuses as the spec does', () => {
    const byKey = new Map(data.orders.map((r) => [r[0]!, r]));
    const linesOf = new Map<string, TpchRow[]>();
    for (const line of data.lineitem) {
      if (!linesOf.has(line[0]!)) linesOf.set(line[0]!, []);
      linesOf.get(line[0]!)!.push(line);
    }
    const day = (date: string) => Date.parse(date) / 86_400_000;
    const within = (n: number, min: number, max: number) => n >= min && n <= max;
    // Each rule names the rows that break it, so a failure says which and why.
    const broken: string[] = [];
    for (const [key, lines] of linesOf) {
      const order = byKey.get(key)!;
      if (lines.some((l, i) => Number(l[3]) !== i + 1)) broken.push(`order ${key}: line numbers`);
      const statuses = new Set(lines.map((l) => l[9]));
      if (order[2] !== (statuses.size === 2 ? 'P' : statuses.has('F') ? 'F' : 'O')) broken.push(`order ${key}: status`);
      let total = 0;
      for (const line of lines) {
        const extended = Number(line[4]) * retailPriceCents(Number(line[1]));
        if (line[5] !== money(extended)) broken.push(`order ${key}: extended price`);
        total += Math.round((extended * (100 + Math.round(Number(line[7]) * 100)) * (100 - Math.round(Number(line[6]) * 100))) / 10_000);
        const [ship, commit, receipt, ordered] = [line[10]!, line[11]!, line[12]!, order[4]!].map(day) as [number, number, number, number];
        if (!within(ship - ordered, 1, 121)) broken.push(`order ${key}: ship date`);
        if (!within(commit - ordered, 30, 90)) broken.push(`order ${key}: commit date`);
        if (!within(receipt - ship, 1, 30)) broken.push(`order ${key}: receipt date`);
        if (!(line[12]! <= '1995-06-17' ? /^[RA]$/ : /^N$/).test(line[8]!)) broken.push(`order ${key}: return flag`);
        if (line[9] !== (line[10]! > '1995-06-17' ? 'O' : 'F')) broken.push(`order ${key}: line status`);
        if (!(SHIP_MODES as readonly string[]).includes(line[14]!)) broken.push(`order ${key}: ship mode`);
      }
      if (order[3] !== money(total)) broken.push(`order ${key}: total price`);
      if (!(order[4]! >= '1992-01-01' && order[4]! <= '1998-08-02')) broken.push(`order ${key}: order date`);
    }
    expect(broken.slice(0, 10)).toEqual([]);
    expect(linesOf.size).toBe(data.orders.length);
    expect(data.customer.filter((c) => !(SEGMENTS as readonly string[]).includes(c[6]!))).toEqual([]);
    expect(data.part.filter((p) => !new RegExp(`^Brand#${p[2]!.slice(-1)}[1-5]$`).test(p[3]!) || p[1]!.split(' ').length !== 5)).toEqual(
      [],
    );
    // Both return flags of returned lines occur (the rule above alone would pass if only one did).
    expect(new Set(data.lineitem.map((l) => l[8]))).toEqual(new Set(['R', 'A', 'N']));
    expect(new Set(data.orders.map((o) => o[2]))).toEqual(new Set(['F', 'O', 'P']));
  });

  it('puts the 4 suppliers of a part in partsupp as the spec formula says', () => {
    for (const row of data.partsupp.slice(0, 40)) {
      const part = Number(row[0]);
      expect([0, 1, 2, 3].map((i) => String(partSupplier(part, i, 100)))).toContain(row[1]);
    }
  });

  it('writes money with two decimals from integer cents', () => {
    expect(money(0)).toBe('0.00');
    expect(money(5)).toBe('0.05');
    expect(money(-99_999)).toBe('-999.99');
    expect(money(123_456)).toBe('1234.56');
  });

  it('is deterministic from its seed, and another seed gives other rows', () => {
    const again = new TpchGenerator({ scale: SCALE, seed: 1 });
    const other = new TpchGenerator({ scale: SCALE, seed: 2 });
    for (const table of ['region', 'nation', 'supplier', 'customer', 'part', 'partsupp'] as const) {
      expect(digest(again.rows(table)), table).toBe(digest(data[table]));
      if (table !== 'region' && table !== 'nation') expect(digest(other.rows(table)), table).not.toBe(digest(data[table]));
    }
    const firstOrders = (generator: TpchGenerator) => {
      const rows: TpchRow[] = [];
      for (const { order, lines } of generator.orders()) {
        rows.push(order, ...lines);
        if (rows.length >= 5000) break;
      }
      return rows;
    };
    const expected = firstOrders(new TpchGenerator({ scale: SCALE, seed: 1 }));
    expect(digest(firstOrders(again))).toBe(digest(expected));
    expect(digest(expected.filter((row) => row.length === TPCH_TABLES.orders.length))).toBe(
      digest(data.orders.slice(0, expected.filter((row) => row.length === TPCH_TABLES.orders.length).length)),
    );
    expect(digest(firstOrders(other))).not.toBe(digest(expected));
  });

  it('rejects a scale factor that is not positive', () => {
    expect(() => new TpchGenerator({ scale: 0, seed: 1 })).toThrow(/positive/);
  });
});
