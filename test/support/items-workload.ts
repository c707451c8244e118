/**
 * A workload that needs no demo data: point reads of `public.items`, a 100-row table a test creates with
 * ITEMS_TABLE_SQL. Suites that start, replace and break workloads share it.
 */
export const ITEMS_TABLE_SQL =
  'CREATE TABLE public.items (id int PRIMARY KEY, note text); INSERT INTO public.items SELECT g, md5(g::text) FROM generate_series(1, 100) g';

export function itemsProfile(name: string): string {
  return `name: ${name}
rate: 50
templates:
  - name: by_id
    weight: 1
    sql: SELECT id, note FROM public.items WHERE id = $1
    params:
      - kind: int
        min: 1
        max: 100
`;
}
