import { z } from 'zod';

/** How secrets (passwords in URLs) are kept on this host. */
export const secretStorageSchema = z.object({
  /**
   * `safeStorage`: Electron's OS keychain encryption; `env-key`: AES-GCM with a key from
   * HOTPATH_SECRET_KEY (browser mode); `none`: secrets live in memory for this session only.
   */
  kind: z.enum(['safeStorage', 'env-key', 'none']),
  /** Whether a secret can be saved to disk at all (the user must still ask for it). */
  canPersist: z.boolean(),
  /** Something the user should know, e.g. Linux's `basic_text` backend uses a hard-coded key. */
  warning: z.string().nullable(),
});
export type SecretStorage = z.infer<typeof secretStorageSchema>;

/** Read replicas' PostgreSQL URLs, one per replica (`replica-1`, `replica-2`, … in this order). */
export const replicaUrlsSchema = z.array(z.string().min(1)).max(16, 'at most 16 read replicas');

/**
 * How the workload's read-only templates are spread over the read replicas (main/pool/replica-policy.ts says how
 * each works): a connection's own replaces the engine's start-up one (`--replica-policy`) for that stack.
 */
export const replicaPolicySchema = z.enum(['round-robin', 'least-loaded', 'lag-bounded']);
export type ReplicaPolicyName = z.infer<typeof replicaPolicySchema>;

/** `lag-bounded`: the most replication lag, in seconds, a replica may have to take reads (at most a day). */
export const replicaMaxLagSecondsSchema = z.number().positive().max(86_400);

/** A maximum lag is read by `lag-bounded` only: given with another policy it would be silently ignored. */
export function maxLagNeedsLagBounded(p: { replicaPolicy?: string | null | undefined; replicaMaxLagSeconds?: number | null | undefined }) {
  return p.replicaMaxLagSeconds == null || p.replicaPolicy === 'lag-bounded';
}
export const MAX_LAG_NEEDS_LAG_BOUNDED = {
  message: "replicaMaxLagSeconds needs replicaPolicy 'lag-bounded': only that policy reads the replicas' lag",
  path: ['replicaMaxLagSeconds'],
};

/**
 * The object-store tier (L3) of a connection: an absolute folder path, or
 * `s3://[ACCESS_KEY_ID:SECRET@]bucket[/prefix]?endpoint=…&region=…&forcePathStyle=true` (without credentials the
 * engine uses the AWS_* environment variables or the SDK's default chain). Absent: the engine's start-up L3.
 */
export const l3UrlSchema = z.string().trim().min(1).max(2048);

export const connectionProfileSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The URL with its password masked. */
  pgDisplayUrl: z.string(),
  redisDisplayUrl: z.string().nullable(),
  /** The read replicas' URLs with their passwords masked (absent or empty: none). */
  replicaDisplayUrls: z.array(z.string()).optional(),
  /** The object-store tier (L3) with its secret masked; absent: the engine's start-up L3. */
  l3DisplayUrl: z.string().optional(),
  /** How reads are spread over the replicas; absent: the engine's start-up policy. */
  replicaPolicy: replicaPolicySchema.optional(),
  /** `lag-bounded`'s bound in seconds; absent: the engine's start-up one. */
  replicaMaxLagSeconds: z.number().optional(),
  /** A password is stored encrypted on disk. */
  secretSaved: z.boolean(),
  /** A password is known (saved, or kept in memory this session), so connecting needs no prompt. */
  secretAvailable: z.boolean(),
  /** The URL had a password when it was saved. */
  needsSecret: z.boolean(),
  lastUsedAt: z.number().nullable(),
});
export type ConnectionProfile = z.infer<typeof connectionProfileSchema>;

export const profileListSchema = z.object({
  profiles: z.array(connectionProfileSchema),
  secretStorage: secretStorageSchema,
});
export type ProfileList = z.infer<typeof profileListSchema>;

export const saveProfileParamsSchema = z
  .object({
    /** Present to edit an existing profile. */
    id: z.string().min(1).optional(),
    name: z.string().trim().min(1, 'give the profile a name').max(100),
    /** Full URL, password included; the password is split off and kept as a secret. */
    pgUrl: z.string().min(1),
    redisUrl: z.string().min(1).optional(),
    /** Read replicas' URLs; one without a password connects with the primary's (same user). */
    replicaUrls: replicaUrlsSchema.optional(),
    /** The object-store tier (see l3UrlSchema); its secret is kept like the passwords. An empty string removes it. */
    l3Url: z.string().trim().max(2048).optional(),
    /** How reads are spread over the replicas; absent on an edit keeps the saved one, null removes it (start-up policy). */
    replicaPolicy: replicaPolicySchema.nullable().optional(),
    /** `lag-bounded` only; absent on an edit keeps the saved one, null removes it (start-up bound). */
    replicaMaxLagSeconds: replicaMaxLagSecondsSchema.nullable().optional(),
    /** Write the password to disk, encrypted. Off by default: secrets stay in memory. */
    saveSecret: z.boolean().default(false),
  })
  .strict()
  .refine(maxLagNeedsLagBounded, MAX_LAG_NEEDS_LAG_BOUNDED);

/** What a connection test found, without switching the engine to that stack. */
export const connectionTestSchema = z.object({
  serverVersion: z.number().int(),
  pgStatStatements: z.boolean(),
  redis: z.boolean(),
  /** The object store (L3) given as an S3 bucket: whether it answered a listing, and if not why. */
  l3: z.object({ location: z.string(), reachable: z.boolean(), message: z.string().nullable() }).optional(),
  /**
   * Each read replica given, in order (`replica-1`, …), the unusable ones too: in recovery (a standby) or not, its
   * version, or why it cannot be used (its URL and error with passwords masked). Absent: no replicas were given.
   */
  replicas: z
    .array(
      z.object({
        name: z.string(),
        displayUrl: z.string(),
        inRecovery: z.boolean().nullable(),
        serverVersion: z.number().int().nullable(),
        error: z.object({ code: z.string(), message: z.string(), hint: z.string() }).nullable(),
      }),
    )
    .optional(),
  notices: z.array(z.object({ code: z.string(), message: z.string(), hint: z.string() })),
});
export type ConnectionTest = z.infer<typeof connectionTestSchema>;
