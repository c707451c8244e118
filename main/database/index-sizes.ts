/**
 * The largest indexes with their scans and, for B-trees, a bloat estimate of the same statistics-based kind as the
 * tables' (the idea of ioguix's btree_bloat query, written here from PostgreSQL's B-tree page layout): an index
 * tuple is an 8-byte header (and a 4-byte null bitmap where a column has nulls) and the key and INCLUDE columns' average widths from pg_stats (those of the table for
 * plain columns, those of the index for expressions), padded to 8 bytes, plus a 4-byte line pointer; a leaf page
 * holds `fillfactor` (90 by default) of the block less the 24-byte page header and the 16-byte B-tree special
 * space. The pages reltuples need, plus the metapage, against relpages: what is beyond is the bloat. Inner pages
 * are not counted, so a healthy index reads a few percent; a column without statistics (never analyzed, or a
 * column the role may not read) leaves the estimate unknown.
 *
 * `indexBytes`: the SQL expression of an index's size over `pg_class c` (exact or from relpages, see table-sizes).
 */
export const indexesSql = (indexBytes: string) => `
  WITH largest AS (
    SELECT i.indexrelid AS oid, i.indrelid, n.nspname AS schema, t.relname AS table, c.relname AS name,
           ${indexBytes}::float8 AS bytes, coalesce(s.idx_scan, 0)::float8 AS scans, i.indisunique AS unique,
           am.amname = 'btree' AS btree, c.reltuples::float8 AS reltuples, c.relpages::float8 AS pages,
           coalesce(substring(array_to_string(c.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::int, 90) AS fillfactor,
           i.indkey
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid
      JOIN pg_am am ON am.oid = c.relam
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = c.oid
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
     ORDER BY ${indexBytes} DESC, n.nspname, c.relname
     LIMIT $1
  ), columns AS (
    -- A plain column's statistics are the table's; an expression's are gathered under the index's own name.
    SELECT l.oid, k.position, st.null_frac, st.avg_width
      FROM largest l
      CROSS JOIN LATERAL unnest(l.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
      LEFT JOIN pg_attribute a ON k.attnum > 0 AND a.attrelid = l.indrelid AND a.attnum = k.attnum
      LEFT JOIN pg_attribute ia ON k.attnum = 0 AND ia.attrelid = l.oid AND ia.attnum = k.position
      LEFT JOIN pg_stats st ON st.schemaname = l.schema AND NOT st.inherited AND (
             (k.attnum > 0 AND st.tablename = l.table AND st.attname = a.attname)
          OR (k.attnum = 0 AND st.tablename = l.name AND st.attname = ia.attname))
  ), widths AS (
    SELECT oid, count(avg_width) = count(*) AS complete,
           8 + CASE WHEN max(coalesce(null_frac, 0)) > 0 THEN 4 ELSE 0 END
             + sum((1 - coalesce(null_frac, 0)) * coalesce(avg_width, 0)) AS tuple_data
      FROM columns GROUP BY oid
  )
  SELECT l.schema, l.table, l.name, l.bytes, l.scans, l.unique,
         CASE WHEN l.btree AND w.complete AND l.reltuples >= 0 AND l.pages > 0 THEN
           greatest(0, l.pages - 1 - ceil(l.reltuples * (8 * ceil(w.tuple_data / 8) + 4)
             / ((current_setting('block_size')::float8 - 24 - 16) * l.fillfactor / 100)))
           * current_setting('block_size')::float8
         END AS bloat_bytes
    FROM largest l
    LEFT JOIN widths w ON w.oid = l.oid
   ORDER BY l.bytes DESC, l.schema, l.name`;
