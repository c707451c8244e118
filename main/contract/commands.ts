import { z } from 'zod';
import { engineStatusSchema } from './status.ts';
import { telemetrySnapshotSchema } from './telemetry.ts';

const positiveRate = z.number().positive().max(1_000_000).describe('requests per second');

export const seedReportSchema = z.object({
  chunks: z.number().int().nonnegative(),
  edges: z.number().int().nonnegative(),
  reused: z.boolean(),
  elapsedMs: z.number().nonnegative(),
});
export type SeedReportPayload = z.infer<typeof seedReportSchema>;

/**
 * Every command a host can send to the engine: its parameters and its result, both
 * validated at run time on the engine's side of every transport.
 */
export const commandSchemas = {
  'engine.status': { params: z.object({}).strict(), result: engineStatusSchema },
  'stack.startLocal': {
    params: z.object({ dataDir: z.string().min(1).optional(), redis: z.enum(['auto', 'off']).optional() }).strict(),
    result: engineStatusSchema,
  },
  'stack.connect': {
    params: z.object({ pgUrl: z.string().min(1), redisUrl: z.string().min(1).optional() }).strict(),
    result: engineStatusSchema,
  },
  'stack.disconnect': { params: z.object({}).strict(), result: engineStatusSchema },
  'demo.seed': {
    params: z.object({ chunks: z.number().int().positive().max(50_000_000), force: z.boolean().optional() }).strict(),
    result: seedReportSchema,
  },
  'workload.start': {
    params: z
      .object({
        /** `demo`, or the path of a profile file on the engine's machine. */
        profile: z.string().min(1).default('demo'),
        rate: positiveRate.optional(),
      })
      .strict(),
    result: engineStatusSchema,
  },
  'workload.stop': { params: z.object({}).strict(), result: engineStatusSchema },
  'workload.setRate': { params: z.object({ rate: positiveRate }).strict(), result: engineStatusSchema },
  'telemetry.history': {
    params: z.object({ seconds: z.number().int().min(1).max(900).default(900) }).strict(),
    result: z.array(telemetrySnapshotSchema),
  },
} as const;

export type CommandName = keyof typeof commandSchemas;
export type CommandParams<C extends CommandName> = z.input<(typeof commandSchemas)[C]['params']>;
export type CommandResult<C extends CommandName> = z.infer<(typeof commandSchemas)[C]['result']>;
export const commandNames = Object.keys(commandSchemas) as CommandName[];
