/** The `unified` demo schema, its deterministic data generator and the seeder. */
export { DemoSchemaNotOursError } from './demo-schema-ownership.ts';
export {
  type CHUNK_COLUMNS,
  CHUNKS_TABLE,
  DEMO_SCHEMA,
  demoTable,
  type EDGE_COLUMNS,
  EDGES_TABLE,
  EMBEDDING_DIMENSIONS,
  SEED_STATE_TABLE,
} from './schema.ts';
export { describeSeedProgress } from './seed-progress-text.ts';
export { seedDemoData, type SeedReport } from './seeder.ts';
