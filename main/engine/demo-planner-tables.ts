import {
  CHUNKS_TABLE,
  type CHUNK_COLUMNS,
  DEMO_SCHEMA,
  EDGES_TABLE,
  type EDGE_COLUMNS,
  EMBEDDING_DIMENSIONS,
  SEED_STATE_TABLE,
} from '../demo/index.ts';
import type { PlannerTables } from '../planner/index.ts';

/** A column of the demo's tables: the compiler rejects a name the demo schema does not define. */
const chunkColumn = (name: (typeof CHUNK_COLUMNS)[number][0]): string => name;
const edgeColumn = (name: (typeof EDGE_COLUMNS)[number][0]): string => name;

/**
 * The demo's `unified` tables as the planner reads them: what the engine passes to the plan selector for the demo
 * workload (the planner itself knows no table names).
 */
export const DEMO_PLANNER_TABLES: PlannerTables = {
  schema: DEMO_SCHEMA,
  chunks: {
    table: CHUNKS_TABLE,
    id: chunkColumn('id'),
    embedding: chunkColumn('embedding'),
    origin: chunkColumn('system_origin'),
    kind: chunkColumn('kind'),
    createdAt: chunkColumn('created_at'),
  },
  edges: { table: EDGES_TABLE, source: edgeColumn('src'), target: edgeColumn('dst') },
  // The seed records when its timeline ends; the newest chunk may be older than that.
  dataEnd: { table: SEED_STATE_TABLE, column: 'data_end_at' },
  embeddingDimensions: EMBEDDING_DIMENSIONS,
};
