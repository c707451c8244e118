import { seededRandom, randomInt, type Random } from '../../../../main/util/random.ts';
import { COLORS, NATIONS, REGIONS, SEGMENTS, SHIP_MODES, TYPE_SYLLABLES } from './tpch-schema.ts';

/**
 * The 19 TPC-H queries of the index-selection study (Kossmann et al., VLDB 2020; platform
 * hyrise/index_selection_evaluation): Q1–Q22 without Q2, Q17 and Q20. Texts follow the TPC-H specification v3
 * (clause 2.4) in PostgreSQL syntax (`interval '3 months'` where the spec writes `interval '3' month`; `date '…'`
 * literals kept, as a user's text would have them). Substitution parameters are drawn as the spec's qgen does
 * (clause 2.4.x.3), from a seeded stream, so one seed always gives the same workload.
 *
 * Q15 is written with a view in the spec. `sql` inlines it as a CTE (one plannable statement); `viewForm` keeps
 * the spec's CREATE VIEW / SELECT / DROP VIEW triple for tools that run it as written.
 */

export interface TpchQuery {
  /** The TPC-H query number. */
  number: number;
  sql: string;
  viewForm?: { create: string; select: string; drop: string };
}

export const STUDY_QUERY_NUMBERS = [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 21, 22] as const;

export interface TpchQueryOptions {
  /** Scale factor: Q11's fraction is 0.0001 / scale. */
  scale: number;
  seed: number;
}

function choose<T>(random: Random, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** `count` distinct values of `list`, in drawing order. */
function distinct<T>(random: Random, list: readonly T[], count: number): T[] {
  const chosen = new Set<T>();
  while (chosen.size < count) chosen.add(choose(random, list));
  return [...chosen];
}

function isoDate(year: number, month: number, day = 1): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The first day of a month drawn uniformly from [fromYear-fromMonth, toYear-toMonth]. */
function firstOfMonth(random: Random, fromYear: number, fromMonth: number, toYear: number, toMonth: number): string {
  const index = randomInt(random, fromYear * 12 + fromMonth - 1, toYear * 12 + toMonth - 1);
  return isoDate(Math.floor(index / 12), (index % 12) + 1);
}

function brand(random: Random): string {
  return `Brand#${randomInt(random, 1, 5)}${randomInt(random, 1, 5)}`;
}

function list(values: readonly (string | number)[]): string {
  return values.map((value) => (typeof value === 'number' ? String(value) : `'${value}'`)).join(', ');
}

/** Each builder draws its parameters from `random` and returns the query text (Q15 also its view form). */
const BUILDERS: Record<
  (typeof STUDY_QUERY_NUMBERS)[number],
  (random: Random, options: TpchQueryOptions) => string | Omit<TpchQuery, 'number'>
> = {
  1: (random) => `select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty, sum(l_extendedprice) as sum_base_price,
  sum(l_extendedprice * (1 - l_discount)) as sum_disc_price, sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
  avg(l_quantity) as avg_qty, avg(l_extendedprice) as avg_price, avg(l_discount) as avg_disc, count(*) as count_order
from lineitem
where l_shipdate <= date '1998-12-01' - interval '${randomInt(random, 60, 120)} days'
group by l_returnflag, l_linestatus
order by l_returnflag, l_linestatus`,

  3: (random) => {
    const segment = choose(random, SEGMENTS);
    const date = isoDate(1995, 3, randomInt(random, 1, 31));
    return `select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as revenue, o_orderdate, o_shippriority
from customer, orders, lineitem
where c_mktsegment = '${segment}' and c_custkey = o_custkey and l_orderkey = o_orderkey
  and o_orderdate < date '${date}' and l_shipdate > date '${date}'
group by l_orderkey, o_orderdate, o_shippriority
order by revenue desc, o_orderdate
limit 10`;
  },

  4: (random) => {
    const date = firstOfMonth(random, 1993, 1, 1997, 10);
    return `select o_orderpriority, count(*) as order_count
from orders
where o_orderdate >= date '${date}' and o_orderdate < date '${date}' + interval '3 months'
  and exists (select * from lineitem where l_orderkey = o_orderkey and l_commitdate < l_receiptdate)
group by o_orderpriority
order by o_orderpriority`;
  },

  5: (random) => {
    const region = choose(random, REGIONS);
    const date = isoDate(randomInt(random, 1993, 1997), 1);
    return `select n_name, sum(l_extendedprice * (1 - l_discount)) as revenue
from customer, orders, lineitem, supplier, nation, region
where c_custkey = o_custkey and l_orderkey = o_orderkey and l_suppkey = s_suppkey and c_nationkey = s_nationkey
  and s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = '${region}'
  and o_orderdate >= date '${date}' and o_orderdate < date '${date}' + interval '1 year'
group by n_name
order by revenue desc`;
  },

  6: (random) => {
    const date = isoDate(randomInt(random, 1993, 1997), 1);
    const discount = (randomInt(random, 2, 9) / 100).toFixed(2);
    const quantity = randomInt(random, 24, 25);
    return `select sum(l_extendedprice * l_discount) as revenue
from lineitem
where l_shipdate >= date '${date}' and l_shipdate < date '${date}' + interval '1 year'
  and l_discount between ${discount} - 0.01 and ${discount} + 0.01 and l_quantity < ${quantity}`;
  },

  7: (random) => {
    const [nation1, nation2] = distinct(random, NATIONS, 2).map((nation) => nation.name);
    return `select supp_nation, cust_nation, l_year, sum(volume) as revenue
from (
  select n1.n_name as supp_nation, n2.n_name as cust_nation, extract(year from l_shipdate) as l_year,
    l_extendedprice * (1 - l_discount) as volume
  from supplier, lineitem, orders, customer, nation n1, nation n2
  where s_suppkey = l_suppkey and o_orderkey = l_orderkey and c_custkey = o_custkey
    and s_nationkey = n1.n_nationkey and c_nationkey = n2.n_nationkey
    and ((n1.n_name = '${nation1}' and n2.n_name = '${nation2}') or (n1.n_name = '${nation2}' and n2.n_name = '${nation1}'))
    and l_shipdate between date '1995-01-01' and date '1996-12-31'
) as shipping
group by supp_nation, cust_nation, l_year
order by supp_nation, cust_nation, l_year`;
  },

  8: (random) => {
    const nation = choose(random, NATIONS);
    const type = TYPE_SYLLABLES.map((syllables) => choose(random, syllables)).join(' ');
    return `select o_year, sum(case when nation = '${nation.name}' then volume else 0 end) / sum(volume) as mkt_share
from (
  select extract(year from o_orderdate) as o_year, l_extendedprice * (1 - l_discount) as volume, n2.n_name as nation
  from part, supplier, lineitem, orders, customer, nation n1, nation n2, region
  where p_partkey = l_partkey and s_suppkey = l_suppkey and l_orderkey = o_orderkey and o_custkey = c_custkey
    and c_nationkey = n1.n_nationkey and n1.n_regionkey = r_regionkey and r_name = '${REGIONS[nation.region]!}'
    and s_nationkey = n2.n_nationkey and o_orderdate between date '1995-01-01' and date '1996-12-31'
    and p_type = '${type}'
) as all_nations
group by o_year
order by o_year`;
  },

  9: (random) => `select nation, o_year, sum(amount) as sum_profit
from (
  select n_name as nation, extract(year from o_orderdate) as o_year,
    l_extendedprice * (1 - l_discount) - ps_supplycost * l_quantity as amount
  from part, supplier, lineitem, partsupp, orders, nation
  where s_suppkey = l_suppkey and ps_suppkey = l_suppkey and ps_partkey = l_partkey and p_partkey = l_partkey
    and o_orderkey = l_orderkey and s_nationkey = n_nationkey and p_name like '%${choose(random, COLORS)}%'
) as profit
group by nation, o_year
order by nation, o_year desc`,

  10: (random) => {
    const date = firstOfMonth(random, 1993, 2, 1995, 1);
    return `select c_custkey, c_name, sum(l_extendedprice * (1 - l_discount)) as revenue, c_acctbal, n_name, c_address, c_phone, c_comment
from customer, orders, lineitem, nation
where c_custkey = o_custkey and l_orderkey = o_orderkey
  and o_orderdate >= date '${date}' and o_orderdate < date '${date}' + interval '3 months'
  and l_returnflag = 'R' and c_nationkey = n_nationkey
group by c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment
order by revenue desc
limit 20`;
  },

  11: (random, options) => {
    const nation = choose(random, NATIONS).name;
    const fraction = String(0.0001 / options.scale);
    return `select ps_partkey, sum(ps_supplycost * ps_availqty) as value
from partsupp, supplier, nation
where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = '${nation}'
group by ps_partkey
having sum(ps_supplycost * ps_availqty) > (
  select sum(ps_supplycost * ps_availqty) * ${fraction}
  from partsupp, supplier, nation
  where ps_suppkey = s_suppkey and s_nationkey = n_nationkey and n_name = '${nation}'
)
order by value desc`;
  },

  12: (random) => {
    const [mode1, mode2] = distinct(random, SHIP_MODES, 2);
    const date = isoDate(randomInt(random, 1993, 1997), 1);
    return `select l_shipmode,
  sum(case when o_orderpriority = '1-URGENT' or o_orderpriority = '2-HIGH' then 1 else 0 end) as high_line_count,
  sum(case when o_orderpriority <> '1-URGENT' and o_orderpriority <> '2-HIGH' then 1 else 0 end) as low_line_count
from orders, lineitem
where o_orderkey = l_orderkey and l_shipmode in (${list([mode1!, mode2!])})
  and l_commitdate < l_receiptdate and l_shipdate < l_commitdate
  and l_receiptdate >= date '${date}' and l_receiptdate < date '${date}' + interval '1 year'
group by l_shipmode
order by l_shipmode`;
  },

  13: (random) => {
    const word1 = choose(random, ['special', 'pending', 'unusual', 'express']);
    const word2 = choose(random, ['packages', 'requests', 'accounts', 'deposits']);
    return `select c_count, count(*) as custdist
from (
  select c_custkey, count(o_orderkey)
  from customer left outer join orders on c_custkey = o_custkey and o_comment not like '%${word1}%${word2}%'
  group by c_custkey
) as c_orders (c_custkey, c_count)
group by c_count
order by custdist desc, c_count desc`;
  },

  14: (random) => {
    const date = firstOfMonth(random, 1993, 1, 1997, 12);
    return `select 100.00 * sum(case when p_type like 'PROMO%' then l_extendedprice * (1 - l_discount) else 0 end)
  / sum(l_extendedprice * (1 - l_discount)) as promo_revenue
from lineitem, part
where l_partkey = p_partkey and l_shipdate >= date '${date}' and l_shipdate < date '${date}' + interval '1 month'`;
  },

  15: (random) => {
    const view = revenueView(firstOfMonth(random, 1993, 1, 1997, 10));
    return {
      sql: `with revenue0 (supplier_no, total_revenue) as (\n  ${view}\n)\n${Q15_SELECT}`,
      viewForm: { create: `create view revenue0 (supplier_no, total_revenue) as\n${view}`, select: Q15_SELECT, drop: 'drop view revenue0' },
    };
  },

  16: (random) => {
    const excluded = brand(random);
    const type = TYPE_SYLLABLES.slice(0, 2)
      .map((syllables) => choose(random, syllables))
      .join(' ');
    const sizes = distinct(
      random,
      Array.from({ length: 50 }, (_, i) => i + 1),
      8,
    );
    return `select p_brand, p_type, p_size, count(distinct ps_suppkey) as supplier_cnt
from partsupp, part
where p_partkey = ps_partkey and p_brand <> '${excluded}' and p_type not like '${type}%' and p_size in (${list(sizes)})
  and ps_suppkey not in (select s_suppkey from supplier where s_comment like '%Customer%Complaints%')
group by p_brand, p_type, p_size
order by supplier_cnt desc, p_brand, p_type, p_size`;
  },

  18: (random) => `select c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice, sum(l_quantity)
from customer, orders, lineitem
where o_orderkey in (select l_orderkey from lineitem group by l_orderkey having sum(l_quantity) > ${randomInt(random, 312, 315)})
  and c_custkey = o_custkey and o_orderkey = l_orderkey
group by c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice
order by o_totalprice desc, o_orderdate
limit 100`,

  19: (random) => {
    const quantities = [randomInt(random, 1, 10), randomInt(random, 10, 20), randomInt(random, 20, 30)];
    const brands = [brand(random), brand(random), brand(random)];
    const branch = (i: number, containers: string[], maxSize: number) => `(
    p_partkey = l_partkey and p_brand = '${brands[i]!}' and p_container in (${list(containers)})
    and l_quantity >= ${quantities[i]!} and l_quantity <= ${quantities[i]!} + 10 and p_size between 1 and ${maxSize}
    and l_shipmode in ('AIR', 'AIR REG') and l_shipinstruct = 'DELIVER IN PERSON'
  )`;
    return `select sum(l_extendedprice * (1 - l_discount)) as revenue
from lineitem, part
where ${branch(0, ['SM CASE', 'SM BOX', 'SM PACK', 'SM PKG'], 5)}
  or ${branch(1, ['MED BAG', 'MED BOX', 'MED PKG', 'MED PACK'], 10)}
  or ${branch(2, ['LG CASE', 'LG BOX', 'LG PACK', 'LG PKG'], 15)}`;
  },

  21: (random) => `select s_name, count(*) as numwait
from supplier, lineitem l1, orders, nation
where s_suppkey = l1.l_suppkey and o_orderkey = l1.l_orderkey and o_orderstatus = 'F'
  and l1.l_receiptdate > l1.l_commitdate
  and exists (select * from lineitem l2 where l2.l_orderkey = l1.l_orderkey and l2.l_suppkey <> l1.l_suppkey)
  and not exists (
    select * from lineitem l3
    where l3.l_orderkey = l1.l_orderkey and l3.l_suppkey <> l1.l_suppkey and l3.l_receiptdate > l3.l_commitdate
  )
  and s_nationkey = n_nationkey and n_name = '${choose(random, NATIONS).name}'
group by s_name
order by numwait desc, s_name
limit 100`,

  22: (random) => {
    const codes = list(
      distinct(
        random,
        NATIONS.map((_, key) => String(key + 10)),
        7,
      ),
    );
    return `select cntrycode, count(*) as numcust, sum(c_acctbal) as totacctbal
from (
  select substring(c_phone from 1 for 2) as cntrycode, c_acctbal
  from customer
  where substring(c_phone from 1 for 2) in (${codes})
    and c_acctbal > (
      select avg(c_acctbal) from customer
      where c_acctbal > 0.00 and substring(c_phone from 1 for 2) in (${codes})
    )
    and not exists (select * from orders where o_custkey = c_custkey)
) as custsale
group by cntrycode
order by cntrycode`;
  },
};

function revenueView(date: string): string {
  return `select l_suppkey, sum(l_extendedprice * (1 - l_discount))
  from lineitem
  where l_shipdate >= date '${date}' and l_shipdate < date '${date}' + interval '3 months'
  group by l_suppkey`;
}

const Q15_SELECT = `select s_suppkey, s_name, s_address, s_phone, total_revenue
from supplier, revenue0
where s_suppkey = supplier_no and total_revenue = (select max(total_revenue) from revenue0)
order by s_suppkey`;

/** The study's 19 queries with parameters drawn from `seed`, in query-number order. */
export function tpchQueries(options: TpchQueryOptions): TpchQuery[] {
  const random = seededRandom(options.seed);
  return STUDY_QUERY_NUMBERS.map((number) => {
    const built = BUILDERS[number](random, options);
    return typeof built === 'string' ? { number, sql: built } : { number, ...built };
  });
}

/** The queries as one SQL script: one statement each, separated by `;`. */
export function tpchQueriesScript(queries: readonly TpchQuery[]): string {
  return `${queries.map((query) => query.sql).join(';\n\n')};\n`;
}
