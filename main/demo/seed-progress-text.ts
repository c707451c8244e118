import type { SeedProgress } from './seeder.ts';

/** One line a person can read for each seeding progress event, with units. */
export function describeSeedProgress(p: SeedProgress): string {
  const n = (value: number) => Math.round(value).toLocaleString('en');
  switch (p.phase) {
    case 'schema':
      return p.done < p.total ? 'Creating the demo schema "unified"' : 'Demo schema ready';
    case 'chunks':
    case 'edges':
      return `Seeding ${p.phase}: ${n(p.done)} of ${n(p.total)} rows (${n(p.rowsPerSecond)} rows/s, batches of ${n(p.batchSize)})`;
    case 'analyze':
      return p.done < p.total ? 'Analyzing the demo tables' : 'Statistics up to date';
    case 'done':
      return `Demo data ready: ${n(p.total)} rows`;
  }
}
