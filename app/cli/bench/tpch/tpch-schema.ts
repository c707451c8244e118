/**
 * The eight TPC-H tables (TPC-H specification v3, clause 1.4), with the column types of the reference DDL, row
 * counts per scale factor (clause 4.2.5), and the fixed value lists the generator and the query parameters draw
 * from (clause 4.2.2.13 and 4.2.3). No primary keys, foreign keys or indexes: the index-selection study starts from
 * none, and an index advisor's job is to find them.
 */

/** The seed the bench uses unless told otherwise (data and query parameters alike). */
export const TPCH_DEFAULT_SEED = 1;

export type TpchTable = 'region' | 'nation' | 'supplier' | 'customer' | 'part' | 'partsupp' | 'orders' | 'lineitem';

export interface TpchColumn {
  name: string;
  type: string;
}

export const TPCH_TABLES: Record<TpchTable, readonly TpchColumn[]> = {
  region: [
    { name: 'r_regionkey', type: 'integer' },
    { name: 'r_name', type: 'char(25)' },
    { name: 'r_comment', type: 'varchar(152)' },
  ],
  nation: [
    { name: 'n_nationkey', type: 'integer' },
    { name: 'n_name', type: 'char(25)' },
    { name: 'n_regionkey', type: 'integer' },
    { name: 'n_comment', type: 'varchar(152)' },
  ],
  supplier: [
    { name: 's_suppkey', type: 'integer' },
    { name: 's_name', type: 'char(25)' },
    { name: 's_address', type: 'varchar(40)' },
    { name: 's_nationkey', type: 'integer' },
    { name: 's_phone', type: 'char(15)' },
    { name: 's_acctbal', type: 'decimal(15,2)' },
    { name: 's_comment', type: 'varchar(101)' },
  ],
  customer: [
    { name: 'c_custkey', type: 'integer' },
    { name: 'c_name', type: 'varchar(25)' },
    { name: 'c_address', type: 'varchar(40)' },
    { name: 'c_nationkey', type: 'integer' },
    { name: 'c_phone', type: 'char(15)' },
    { name: 'c_acctbal', type: 'decimal(15,2)' },
    { name: 'c_mktsegment', type: 'char(10)' },
    { name: 'c_comment', type: 'varchar(117)' },
  ],
  part: [
    { name: 'p_partkey', type: 'integer' },
    { name: 'p_name', type: 'varchar(55)' },
    { name: 'p_mfgr', type: 'char(25)' },
    { name: 'p_brand', type: 'char(10)' },
    { name: 'p_type', type: 'varchar(25)' },
    { name: 'p_size', type: 'integer' },
    { name: 'p_container', type: 'char(10)' },
    { name: 'p_retailprice', type: 'decimal(15,2)' },
    { name: 'p_comment', type: 'varchar(23)' },
  ],
  partsupp: [
    { name: 'ps_partkey', type: 'integer' },
    { name: 'ps_suppkey', type: 'integer' },
    { name: 'ps_availqty', type: 'integer' },
    { name: 'ps_supplycost', type: 'decimal(15,2)' },
    { name: 'ps_comment', type: 'varchar(199)' },
  ],
  orders: [
    { name: 'o_orderkey', type: 'integer' },
    { name: 'o_custkey', type: 'integer' },
    { name: 'o_orderstatus', type: 'char(1)' },
    { name: 'o_totalprice', type: 'decimal(15,2)' },
    { name: 'o_orderdate', type: 'date' },
    { name: 'o_orderpriority', type: 'char(15)' },
    { name: 'o_clerk', type: 'char(15)' },
    { name: 'o_shippriority', type: 'integer' },
    { name: 'o_comment', type: 'varchar(79)' },
  ],
  lineitem: [
    { name: 'l_orderkey', type: 'integer' },
    { name: 'l_partkey', type: 'integer' },
    { name: 'l_suppkey', type: 'integer' },
    { name: 'l_linenumber', type: 'integer' },
    { name: 'l_quantity', type: 'decimal(15,2)' },
    { name: 'l_extendedprice', type: 'decimal(15,2)' },
    { name: 'l_discount', type: 'decimal(15,2)' },
    { name: 'l_tax', type: 'decimal(15,2)' },
    { name: 'l_returnflag', type: 'char(1)' },
    { name: 'l_linestatus', type: 'char(1)' },
    { name: 'l_shipdate', type: 'date' },
    { name: 'l_commitdate', type: 'date' },
    { name: 'l_receiptdate', type: 'date' },
    { name: 'l_shipinstruct', type: 'char(25)' },
    { name: 'l_shipmode', type: 'char(10)' },
    { name: 'l_comment', type: 'varchar(44)' },
  ],
};

export const TPCH_TABLE_NAMES = Object.keys(TPCH_TABLES) as TpchTable[];

/** Rows per table at a scale factor (clause 4.2.5); lineitem's is the expected count (1–7 lines per order). */
export function tpchRowCounts(scale: number): Record<Exclude<TpchTable, 'lineitem'>, number> {
  return {
    region: 5,
    nation: 25,
    supplier: Math.max(1, Math.floor(10_000 * scale)),
    customer: Math.max(1, Math.floor(150_000 * scale)),
    part: Math.max(1, Math.floor(200_000 * scale)),
    partsupp: 4 * Math.max(1, Math.floor(200_000 * scale)),
    orders: Math.max(1, Math.floor(1_500_000 * scale)),
  };
}

/** Regions in key order (clause 4.2.3). */
export const REGIONS = ['AFRICA', 'AMERICA', 'ASIA', 'EUROPE', 'MIDDLE EAST'] as const;

/** Nations in key order with their region key (clause 4.2.3). */
export const NATIONS: readonly { name: string; region: number }[] = [
  { name: 'ALGERIA', region: 0 },
  { name: 'ARGENTINA', region: 1 },
  { name: 'BRAZIL', region: 1 },
  { name: 'CANADA', region: 1 },
  { name: 'EGYPT', region: 4 },
  { name: 'ETHIOPIA', region: 0 },
  { name: 'FRANCE', region: 3 },
  { name: 'GERMANY', region: 3 },
  { name: 'INDIA', region: 2 },
  { name: 'INDONESIA', region: 2 },
  { name: 'IRAN', region: 4 },
  { name: 'IRAQ', region: 4 },
  { name: 'JAPAN', region: 2 },
  { name: 'JORDAN', region: 4 },
  { name: 'KENYA', region: 0 },
  { name: 'MOROCCO', region: 0 },
  { name: 'MOZAMBIQUE', region: 0 },
  { name: 'PERU', region: 1 },
  { name: 'CHINA', region: 2 },
  { name: 'ROMANIA', region: 3 },
  { name: 'SAUDI ARABIA', region: 4 },
  { name: 'VIETNAM', region: 2 },
  { name: 'RUSSIA', region: 3 },
  { name: 'UNITED KINGDOM', region: 3 },
  { name: 'UNITED STATES', region: 1 },
];

export const SEGMENTS = ['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'MACHINERY', 'HOUSEHOLD'] as const;
export const PRIORITIES = ['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'] as const;
export const SHIP_INSTRUCTIONS = ['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'] as const;
export const SHIP_MODES = ['REG AIR', 'AIR', 'RAIL', 'SHIP', 'TRUCK', 'MAIL', 'FOB'] as const;

/** p_type is one word of each syllable list (150 types). */
export const TYPE_SYLLABLES = [
  ['STANDARD', 'SMALL', 'MEDIUM', 'LARGE', 'ECONOMY', 'PROMO'],
  ['ANODIZED', 'BURNISHED', 'PLATED', 'POLISHED', 'BRUSHED'],
  ['TIN', 'NICKEL', 'BRASS', 'STEEL', 'COPPER'],
] as const;

/** p_container is one word of each syllable list (40 containers). */
export const CONTAINER_SYLLABLES = [
  ['SM', 'LG', 'MED', 'JUMBO', 'WRAP'],
  ['CASE', 'BOX', 'BAG', 'JAR', 'PKG', 'PACK', 'CAN', 'DRUM'],
] as const;

/** p_name is five distinct words of this list (92 colours). */
// prettier-ignore
export const COLORS = [
  'almond', 'antique', 'aquamarine', 'azure', 'beige', 'bisque', 'black', 'blanched', 'blue', 'blush', 'brown',
  'burlywood', 'burnished', 'chartreuse', 'chiffon', 'chocolate', 'coral', 'cornflower', 'cornsilk', 'cream', 'cyan',
  'dark', 'deep', 'dim', 'dodger', 'drab', 'firebrick', 'floral', 'forest', 'frosted', 'gainsboro', 'ghost',
  'goldenrod', 'green', 'grey', 'honeydew', 'hot', 'indian', 'ivory', 'khaki', 'lace', 'lavender', 'lawn', 'lemon',
  'light', 'lime', 'linen', 'magenta', 'maroon', 'medium', 'metallic', 'midnight', 'mint', 'misty', 'moccasin',
  'navajo', 'navy', 'olive', 'orange', 'orchid', 'pale', 'papaya', 'peach', 'peru', 'pink', 'plum', 'powder', 'puff',
  'purple', 'red', 'rose', 'rosy', 'royal', 'saddle', 'salmon', 'sandy', 'seashell', 'sienna', 'sky', 'slate', 'smoke',
  'snow', 'spring', 'steel', 'tan', 'thistle', 'tomato', 'turquoise', 'violet', 'wheat', 'white', 'yellow',
] as const;

/** Dates of the order window (clause 4.2.3): orders fall in [START, END − 151 days]; CURRENT splits returned from open. */
export const START_DATE = '1992-01-01';
export const CURRENT_DATE = '1995-06-17';
export const END_DATE = '1998-12-31';
