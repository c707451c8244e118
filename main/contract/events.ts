import { type z } from 'zod';
import { engineStatusSchema, logEntrySchema, taskProgressSchema } from './status.ts';
import { telemetrySnapshotSchema } from './telemetry.ts';
import { buildProgressSchema } from './advisor.ts';
import { sloReportSchema } from './slo.ts';

/** Everything the engine pushes to hosts without being asked. */
export const eventSchemas = {
  /** Once a second. */
  'telemetry.snapshot': telemetrySnapshotSchema,
  'engine.status': engineStatusSchema,
  'task.progress': taskProgressSchema,
  'engine.log': logEntrySchema,
  /** An index build's progress, a few times a second while it runs (phase, counts, the blocker if any). */
  'index.progress': buildProgressSchema,
  /** Once a second, after the snapshot: the eight success metrics over the chosen window. */
  'slo.report': sloReportSchema,
} as const;

export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;
export const eventNames = Object.keys(eventSchemas) as EventName[];
