import { z } from 'zod';

export const engineErrorSchema = z.object({
  /** Stable machine-readable code, e.g. `auth-failed`, `bad-request`. */
  code: z.string(),
  message: z.string(),
  /** What the user can do next. */
  hint: z.string().optional(),
});
export type EngineErrorPayload = z.infer<typeof engineErrorSchema>;

export const noticeSchema = z.object({ code: z.string(), message: z.string(), hint: z.string() });
export type Notice = z.infer<typeof noticeSchema>;

/** One feature's privilege check at connect (main/database/privileges.ts): can the role do it, and which GRANT fixes it. */
export const privilegeCheckSchema = z.object({
  feature: z.enum(['statement-stats', 'what-if-costs', 'index-builds', 'cancel-queries', 'demo-seed']),
  ok: z.boolean(),
  detail: z.string(),
  fix: z.string().nullable(),
});
export const privilegeReportSchema = z.object({ role: z.string(), superuser: z.boolean(), checks: z.array(privilegeCheckSchema) });
export type PrivilegeReportPayload = z.infer<typeof privilegeReportSchema>;

export const stackInfoSchema = z.object({
  kind: z.enum(['local', 'remote']),
  /** The PostgreSQL URL with its password masked. */
  pgDisplayUrl: z.string(),
  redisUrl: z.string().nullable(),
  /** The read replicas the workload's reads go to, by name (`replica-1`, …) with their URLs masked; absent: none. */
  replicas: z.array(z.object({ name: z.string(), displayUrl: z.string() })).optional(),
  /** With replicas: how the workload's reads are spread over them (the connection's own, or the start-up one). */
  replicaPolicy: z.enum(['round-robin', 'least-loaded', 'lag-bounded']).optional(),
  /** With replicas and `lag-bounded`: the most lag, in seconds, a replica may have to take reads. */
  replicaMaxLagSeconds: z.number().optional(),
  /** `server_version_num`, e.g. 150019. */
  serverVersion: z.number().int(),
  pgStatStatements: z.boolean(),
  /** What the connecting role may do per feature, checked at connect; absent when the check could not run. */
  privileges: privilegeReportSchema.optional(),
});
export type StackInfo = z.infer<typeof stackInfoSchema>;

export const workloadStatusSchema = z.object({
  running: z.boolean(),
  profile: z.string().nullable(),
  templates: z.array(z.string()),
  targetRate: z.number().nonnegative(),
});
export type WorkloadStatus = z.infer<typeof workloadStatusSchema>;

/**
 * The connected stack's servers as the engine last saw them. PostgreSQL down makes the engine unready (no query
 * can be answered); Redis down only degrades it (the cache reads through to PostgreSQL while its breaker is open).
 */
export const stackHealthSchema = z.object({
  postgres: z.enum(['unknown', 'up', 'down']),
  /** `off` when the stack has no Redis (or the cache is off). */
  redis: z.enum(['up', 'down', 'off']),
  /** What is wrong, when something is: the server's or the driver's message. */
  problem: z.string().nullable(),
  /** When PostgreSQL's state last changed (ms since the epoch). */
  since: z.number(),
});
export type StackHealth = z.infer<typeof stackHealthSchema>;

export const enginePhaseSchema = z.enum(['disconnected', 'connecting', 'seeding', 'ready', 'failed', 'stopping']);
export type EnginePhase = z.infer<typeof enginePhaseSchema>;

export const engineStatusSchema = z.object({
  phase: enginePhaseSchema,
  stack: stackInfoSchema.nullable(),
  /** The saved connection profile in use, if the stack came from one. */
  profileId: z.string().nullable(),
  /** `electron` or `headless`: lets the UI word things for its host (e.g. where secrets go). */
  host: z.enum(['electron', 'headless']),
  notices: z.array(noticeSchema),
  workload: workloadStatusSchema,
  error: engineErrorSchema.nullable(),
  /** Whether the connected stack's servers answer (absent from hosts that predate it). */
  health: stackHealthSchema.optional(),
});
export type EngineStatus = z.infer<typeof engineStatusSchema>;

/** Progress of long work (stack start, seeding), for progress bars. */
export const taskProgressSchema = z.object({
  task: z.enum(['stack', 'seed', 'warm', 'optimize', 'capacity']),
  phase: z.string(),
  message: z.string(),
  done: z.number().nonnegative(),
  /** 0 when the amount of work is not known. */
  total: z.number().nonnegative(),
});
export type TaskProgress = z.infer<typeof taskProgressSchema>;

export const logEntrySchema = z.object({
  at: z.number(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});
export type LogEntry = z.infer<typeof logEntrySchema>;
