/**
 * Relations and functions of the system catalogs and statistics views (and HypoPG's), by name as they resolve:
 * what monitoring tools and Hotpath itself read, not an application's workload. Unqualified pg_* names resolve to
 * pg_catalog first; pg_stat_statements and HypoPG live in any schema.
 */
export function isCatalogName(schema: string | null, name: string): boolean {
  if (schema === 'pg_catalog' || schema === 'information_schema') return true;
  return (schema === null && name.startsWith('pg_')) || name.startsWith('pg_stat_statements') || name.startsWith('hypopg');
}
