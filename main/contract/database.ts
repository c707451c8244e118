import { z } from 'zod';

/** One normalized statement from pg_stat_statements, as rates over the last sampling window. */
export const topStatementSchema = z.object({
  queryId: z.string(),
  query: z.string(),
  /** Calls per second over the window (0 on the first sample). */
  callsPerSecond: z.number().nonnegative(),
  calls: z.number().nonnegative(),
  /** Mean execution time per call, ms (over the window when it has calls, else since the stats reset). */
  meanMs: z.number().nonnegative(),
  totalMs: z.number().nonnegative(),
  /** This statement's share of all statements' execution time in the window, 0..1. */
  shareOfTotal: z.number().min(0).max(1),
});
export type TopStatement = z.infer<typeof topStatementSchema>;

export const topStatementsSchema = z.object({
  /** False when pg_stat_statements is missing; `reason` says how to enable it. */
  available: z.boolean(),
  reason: z.string().nullable(),
  /** Length of the window the rates are computed over, ms (0 on the first sample). */
  windowMs: z.number().nonnegative(),
  statements: z.array(topStatementSchema),
});
export type TopStatements = z.infer<typeof topStatementsSchema>;

export const activeConnectionSchema = z.object({
  pid: z.number().int(),
  user: z.string().nullable(),
  application: z.string(),
  clientAddress: z.string().nullable(),
  state: z.string().nullable(),
  waitEvent: z.string().nullable(),
  query: z.string(),
  /** How long the current query has run, ms; null when idle. */
  queryAgeMs: z.number().nullable(),
  /** The connection belongs to Hotpath itself. */
  ours: z.boolean(),
});
export type ActiveConnection = z.infer<typeof activeConnectionSchema>;

export const databaseActivitySchema = z.object({ connections: z.array(activeConnectionSchema) });
export type DatabaseActivity = z.infer<typeof databaseActivitySchema>;
