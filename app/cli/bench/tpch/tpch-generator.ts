import { seededRandom, randomInt, type Random } from '../../../../main/util/random.ts';
import {
  COLORS,
  CONTAINER_SYLLABLES,
  CURRENT_DATE,
  END_DATE,
  NATIONS,
  PRIORITIES,
  REGIONS,
  SEGMENTS,
  SHIP_INSTRUCTIONS,
  SHIP_MODES,
  START_DATE,
  TYPE_SYLLABLES,
  tpchRowCounts,
  type TpchTable,
} from './tpch-schema.ts';
import { TpchText } from './tpch-text.ts';

/**
 * TPC-H rows as the specification's clause 4.2.3 describes them, streamed one at a time so that scale factor 1
 * (six million lineitems) never sits in memory. Each row is an array of values already in COPY text format. Keys,
 * key ranges, the sparse order keys, the two thirds of customers that place orders, the partsupp supplier formula
 * (so every lineitem's part/supplier pair exists in partsupp), dates and the value lists follow the spec, so the
 * planner's statistics look like dbgen's; the random numbers are ours (one seeded stream per table), so the same
 * seed always gives the same rows, but not dbgen's rows.
 */

export interface TpchGeneratorOptions {
  /** Scale factor: 1 is about 1 GB of data and 6 million lineitems. */
  scale: number;
  seed: number;
}

export type TpchRow = string[];

/** One order and its lines: generated together because the order's status and total price depend on them. */
export interface TpchOrder {
  order: TpchRow;
  lines: TpchRow[];
}

const DAY_MS = 86_400_000;
const START_DAY = Date.parse(`${START_DATE}T00:00:00Z`) / DAY_MS;
const CURRENT_DAY = Date.parse(`${CURRENT_DATE}T00:00:00Z`) / DAY_MS - START_DAY;
const END_DAY = Date.parse(`${END_DATE}T00:00:00Z`) / DAY_MS - START_DAY;
/** Orders are placed in [START, END − 151]: the last one's lines still ship, commit and arrive by END. */
const LAST_ORDER_DAY = END_DAY - 151;

/** Date text by day offset from START_DATE, computed once. */
const DATES: string[] = Array.from({ length: END_DAY + 1 }, (_, day) => new Date((START_DAY + day) * DAY_MS).toISOString().slice(0, 10));

/** A salt per table, so each table has its own random stream and one table's row count does not shift another's rows. */
const SALTS: Record<TpchTable | 'text', number> = {
  text: 0x7e57,
  region: 0x1001,
  nation: 0x1002,
  supplier: 0x1003,
  customer: 0x1004,
  part: 0x1005,
  partsupp: 0x1006,
  orders: 0x1007,
  lineitem: 0x1008,
};

function streamFor(seed: number, table: TpchTable | 'text'): Random {
  return seededRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ SALTS[table]);
}

/** Cents as decimal text (integers only: no floating-point rounding in money). */
export function money(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function padded(prefix: string, key: number): string {
  return `${prefix}${String(key).padStart(9, '0')}`;
}

function choose<T>(random: Random, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** Phone number (clause 4.2.2.9): country code nation + 10, then three random local groups. */
function phone(random: Random, nation: number): string {
  return `${nation + 10}-${randomInt(random, 100, 999)}-${randomInt(random, 100, 999)}-${randomInt(random, 1000, 9999)}`;
}

/** Part retail price in cents (clause 4.2.3), a function of the key so lineitem can price a part without a lookup. */
export function retailPriceCents(partKey: number): number {
  return 90_000 + (Math.floor(partKey / 10) % 20_001) + 100 * (partKey % 1000);
}

/** The i-th (0–3) supplier of a part (clause 4.2.3), shared by partsupp and lineitem. */
export function partSupplier(partKey: number, i: number, suppliers: number): number {
  return ((partKey + i * (Math.floor(suppliers / 4) + Math.floor((partKey - 1) / suppliers))) % suppliers) + 1;
}

/** The sparse order key of the k-th order (1-based): only the first 8 of every 32 keys are used (clause 4.2.3). */
export function orderKey(k: number): number {
  return Math.floor((k - 1) / 8) * 32 + ((k - 1) % 8) + 1;
}

export class TpchGenerator {
  readonly counts: ReturnType<typeof tpchRowCounts>;
  private readonly text: TpchText;

  constructor(private readonly options: TpchGeneratorOptions) {
    if (!(options.scale > 0)) throw new Error(`TPC-H scale factor must be positive, not ${options.scale}`);
    this.counts = tpchRowCounts(options.scale);
    this.text = new TpchText(streamFor(options.seed, 'text'));
  }

  /** Rows of every table but orders and lineitem (those come from `orders()`). */
  rows(table: Exclude<TpchTable, 'orders' | 'lineitem'>): Iterable<TpchRow> {
    const random = streamFor(this.options.seed, table);
    switch (table) {
      case 'region':
        return REGIONS.map((name, key) => [String(key), name, this.text.comment(random, 31, 115)]);
      case 'nation':
        return NATIONS.map(({ name, region }, key) => [String(key), name, String(region), this.text.comment(random, 31, 114)]);
      case 'supplier':
        return this.suppliers(random);
      case 'customer':
        return this.customers(random);
      case 'part':
        return this.parts(random);
      case 'partsupp':
        return this.partsupps(random);
    }
  }

  private *suppliers(random: Random): Generator<TpchRow> {
    for (let key = 1; key <= this.counts.supplier; key++) {
      const nation = randomInt(random, 0, 24);
      let comment = this.text.comment(random, 25, 100);
      // Clause 4.2.3: SF × 5 suppliers' comments hold 'Customer…Complaints' and as many 'Customer…Recommends' (Q16).
      const mark = random();
      if (mark < 0.001) {
        const phrase = `Customer ${mark < 0.0005 ? 'Complaints' : 'Recommends'}`;
        const at = Math.floor(random() * Math.max(1, comment.length - phrase.length));
        comment = `${comment.slice(0, at)}${phrase}${comment.slice(at + phrase.length)}`.slice(0, 100);
      }
      yield [
        String(key),
        padded('Supplier#', key),
        this.text.vString(random, 10, 40),
        String(nation),
        phone(random, nation),
        money(randomInt(random, -99_999, 999_999)),
        comment,
      ];
    }
  }

  private *customers(random: Random): Generator<TpchRow> {
    for (let key = 1; key <= this.counts.customer; key++) {
      const nation = randomInt(random, 0, 24);
      yield [
        String(key),
        padded('Customer#', key),
        this.text.vString(random, 10, 40),
        String(nation),
        phone(random, nation),
        money(randomInt(random, -99_999, 999_999)),
        choose(random, SEGMENTS),
        this.text.comment(random, 29, 116),
      ];
    }
  }

  private *parts(random: Random): Generator<TpchRow> {
    for (let key = 1; key <= this.counts.part; key++) {
      const words = new Set<string>();
      while (words.size < 5) words.add(choose(random, COLORS));
      const manufacturer = randomInt(random, 1, 5);
      yield [
        String(key),
        [...words].join(' '),
        `Manufacturer#${manufacturer}`,
        `Brand#${manufacturer}${randomInt(random, 1, 5)}`,
        TYPE_SYLLABLES.map((list) => choose(random, list)).join(' '),
        String(randomInt(random, 1, 50)),
        CONTAINER_SYLLABLES.map((list) => choose(random, list)).join(' '),
        money(retailPriceCents(key)),
        this.text.comment(random, 5, 22),
      ];
    }
  }

  private *partsupps(random: Random): Generator<TpchRow> {
    for (let part = 1; part <= this.counts.part; part++) {
      for (let i = 0; i < 4; i++) {
        yield [
          String(part),
          String(partSupplier(part, i, this.counts.supplier)),
          String(randomInt(random, 1, 9999)),
          money(randomInt(random, 100, 100_000)),
          this.text.comment(random, 49, 198),
        ];
      }
    }
  }

  /** Orders, each with its 1–7 lineitems. */
  *orders(): Generator<TpchOrder> {
    const random = streamFor(this.options.seed, 'orders');
    const lineRandom = streamFor(this.options.seed, 'lineitem');
    const { customer: customers, part: parts, supplier: suppliers } = this.counts;
    const clerks = Math.max(1, Math.floor(this.options.scale * 1000));
    for (let k = 1; k <= this.counts.orders; k++) {
      const key = orderKey(k);
      // Customers whose key is a multiple of 3 place no orders (clause 4.2.3).
      let customer = randomInt(random, 1, customers);
      while (customer % 3 === 0 && customers > 2) customer = randomInt(random, 1, customers);
      const orderDay = randomInt(random, 0, LAST_ORDER_DAY);
      const lineCount = randomInt(lineRandom, 1, 7);
      const lines: TpchRow[] = [];
      let totalCents = 0;
      let shipped = 0;
      for (let line = 1; line <= lineCount; line++) {
        const part = randomInt(lineRandom, 1, parts);
        const quantity = randomInt(lineRandom, 1, 50);
        const discount = randomInt(lineRandom, 0, 10);
        const tax = randomInt(lineRandom, 0, 8);
        const extended = quantity * retailPriceCents(part);
        totalCents += Math.round((extended * (100 + tax) * (100 - discount)) / 10_000);
        const shipDay = orderDay + randomInt(lineRandom, 1, 121);
        const commitDay = orderDay + randomInt(lineRandom, 30, 90);
        const receiptDay = shipDay + randomInt(lineRandom, 1, 30);
        const returnFlag = receiptDay <= CURRENT_DAY ? (lineRandom() < 0.5 ? 'R' : 'A') : 'N';
        const lineStatus = shipDay > CURRENT_DAY ? 'O' : 'F';
        if (lineStatus === 'F') shipped++;
        lines.push([
          String(key),
          String(part),
          String(partSupplier(part, randomInt(lineRandom, 0, 3), suppliers)),
          String(line),
          `${quantity}.00`,
          money(extended),
          money(discount),
          money(tax),
          returnFlag,
          lineStatus,
          DATES[shipDay]!,
          DATES[commitDay]!,
          DATES[receiptDay]!,
          choose(lineRandom, SHIP_INSTRUCTIONS),
          choose(lineRandom, SHIP_MODES),
          this.text.comment(lineRandom, 10, 43),
        ]);
      }
      const status = shipped === lineCount ? 'F' : shipped === 0 ? 'O' : 'P';
      const order = [
        String(key),
        String(customer),
        status,
        money(totalCents),
        DATES[orderDay]!,
        choose(random, PRIORITIES),
        padded('Clerk#', randomInt(random, 1, clerks)),
        '0',
        this.text.comment(random, 19, 78),
      ];
      yield { order, lines };
    }
  }
}
