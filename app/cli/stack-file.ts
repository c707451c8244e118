import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ContractError } from '../../main/contract/api.ts';
import { objectTierUrlFields } from '../../main/cache/index.ts';
import { REPLICA_POLICIES } from '../../main/pool/index.ts';
import { parsePgUrl, redisUrlHasPassword } from '../../main/stack/index.ts';
import type { StackFlags } from './stack-startup.ts';

/**
 * `--stack FILE`: the whole stack (PostgreSQL, its read replicas, Redis in any topology, the L3 tier, password files)
 * in one YAML or JSON file, for `serve`, `start` and `optimize`. The file only fills in the option object the flags
 * make (`StackFlags`), as if the flags had been typed, so every later check, password source and connect path is the
 * flags' own: there is no second way in. A flag given on the command line wins over the file's field; the Redis field
 * is one unit (its url, sentinels and cluster forms exclude each other), so --redis, --redis-sentinels or
 * --redis-cluster replaces all of it. A command without a field's flag ignores the field (optimize reads pg and
 * passwordFiles.pg only). Relative paths (passwordFiles, an l3 folder) are relative to the file, `~/` to the home.
 *
 * A password inside a URL is refused unless only the owner can read the file (mode 0600, as libpq requires of
 * ~/.pgpass): passwordFiles, PGPASSWORD / ~/.pgpass and REDISCLI_AUTH keep it out of a file that gets shared.
 */

/** Far above any real stack file: a disk image given by mistake is refused before it is read. */
const MAX_STACK_FILE_BYTES = 64 * 1024;

/** `["s1:26379", "s2:26379"]`, or the flag's own form `"s1:26379,s2:26379"`. */
const HostList = z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]);

const RedisField = z.preprocess(
  // `redis: redis://host:6379` is short for `redis: { url: … }`.
  (value) => (typeof value === 'string' ? { url: value } : value),
  z
    .strictObject({
      url: z.string().min(1).optional(),
      sentinels: HostList.optional(),
      master: z.string().trim().min(1).optional(),
      cluster: HostList.optional(),
      tls: z.boolean().optional(),
    })
    .superRefine((redis, ctx) => {
      const forms = (['url', 'sentinels', 'cluster'] as const).filter((form) => redis[form] !== undefined);
      if (forms.length !== 1)
        ctx.addIssue({
          code: 'custom',
          path: forms.length > 1 ? [forms[1]!] : [],
          message:
            forms.length > 1
              ? `give one of url, sentinels or cluster, not ${forms.join(' and ')}`
              : 'needs url (one server), sentinels with master (Sentinel) or cluster (seed nodes)',
        });
      if (redis.sentinels !== undefined && redis.master === undefined)
        ctx.addIssue({ code: 'custom', path: [], message: 'sentinels needs master: the name the sentinels monitor the master by' });
      if (redis.master !== undefined && redis.sentinels === undefined)
        ctx.addIssue({ code: 'custom', path: ['master'], message: 'master is for sentinels: add the sentinels that watch it' });
      if (redis.tls !== undefined && redis.url !== undefined)
        ctx.addIssue({ code: 'custom', path: ['tls'], message: 'with url, say TLS in the URL: rediss://host:6379' });
    }),
);

const StackFileSchema = z.strictObject({
  pg: z.string().min(1).optional(),
  replicas: z.array(z.string().min(1)).optional(),
  replicaPolicy: z.enum(REPLICA_POLICIES).optional(),
  replicaMaxLagSeconds: z.number().positive().optional(),
  redis: RedisField.optional(),
  l3: z.string().min(1).optional(),
  l3Max: z.string().min(1).optional(),
  passwordFiles: z.strictObject({ pg: z.string().min(1).optional(), redis: z.string().min(1).optional() }).optional(),
});

export type StackFile = z.infer<typeof StackFileSchema>;

/** The options a stack file can set, keyed as commander names them (the attribute names of the flags). */
export type StackFileFlags = Pick<
  StackFlags,
  | 'pg'
  | 'pgReplica'
  | 'replicaPolicy'
  | 'replicaMaxLag'
  | 'redis'
  | 'redisSentinels'
  | 'redisMaster'
  | 'redisCluster'
  | 'redisTls'
  | 'cacheL3'
  | 'cacheL3Max'
  | 'pgPasswordFile'
  | 'redisPasswordFile'
>;

function bad(message: string, hint: string): ContractError {
  return new ContractError('bad-arguments', message, hint);
}

type PathSegment = string | number;

/** `['replicas', 1]` → `replicas[1]`. */
function fieldName(segments: readonly PathSegment[]): string {
  return segments.reduce<string>(
    (out, segment) => (typeof segment === 'number' ? `${out}[${segment}]` : out ? `${out}.${segment}` : segment),
    '',
  );
}

/** Where a field is written: its value, else its closest written parent. */
function place(doc: Document, lines: LineCounter, segments: readonly PathSegment[], key?: string): string {
  if (key !== undefined) {
    const map = segments.length === 0 ? doc.contents : doc.getIn(segments, true);
    const pair = isMap(map) ? map.items.find((item) => isScalar(item.key) && String(item.key.value) === key) : undefined;
    if (isScalar(pair?.key) && pair.key.range) return at(lines, pair.key.range[0]);
  }
  for (let length = segments.length; length >= 0; length -= 1) {
    const node: unknown = length === 0 ? doc.contents : doc.getIn(segments.slice(0, length), true);
    if (isNode(node) && node.range) return at(lines, node.range[0]);
  }
  return '1:1';
}

const at = (lines: LineCounter, offset: number): string => {
  const { line, col } = lines.linePos(offset);
  return `${line}:${col}`;
};

/** Parses and validates a stack file's text; every problem as `source:line:column: field: message`. */
export function parseStackFile(text: string, source: string): { stack: StackFile; where: (field: PathSegment[]) => string } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const hint = 'Fields: pg, replicas, replicaPolicy, replicaMaxLagSeconds, redis, l3, l3Max, passwordFiles (see hotpath serve --help).';
  if (doc.errors.length > 0)
    throw bad(doc.errors.map((error) => `${source}:${at(lines, error.pos[0])}: syntax error: ${error.message}`).join('\n'), hint);
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw bad(`${source}:1:1: a stack file is a mapping of fields (pg: …, redis: …), got ${data === null ? 'nothing' : 'a value'}.`, hint);
  const result = StackFileSchema.safeParse(data);
  const where = (field: PathSegment[]) => `${source}:${place(doc, lines, field)}: ${fieldName(field)}`;
  if (result.success) return { stack: result.data, where };
  const problems = result.error.issues.flatMap((issue) => {
    const segments = issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => `${source}:${place(doc, lines, segments, key)}: ${fieldName([...segments, key])}: unknown field`);
    return [`${source}:${place(doc, lines, segments)}: ${fieldName(segments) || '(the file)'}: ${issue.message}`];
  });
  throw bad(problems.join('\n'), hint);
}

/** Whether a PostgreSQL connection string (URL or keyword/value) holds a password; an unparsable one is judged by its text. */
function pgHasPassword(connection: string): boolean {
  try {
    return Boolean(parsePgUrl(connection).config.password);
  } catch {
    return /:\/\/[^/@]*:[^/@]*@|\bpassword\s*=/i.test(connection);
  }
}

/**
 * Refuses what must not be in a stack file: a password in a URL when others may read the file, S3 credentials at all.
 * `mode` is the file's st_mode; on Windows there are no such bits, so only the credentials are checked.
 */
export function checkStackFileSecrets(
  stack: StackFile,
  source: string,
  mode: number,
  where: (field: PathSegment[]) => string,
  platform: NodeJS.Platform = process.platform,
): void {
  const withPassword: PathSegment[][] = [];
  if (stack.pg !== undefined && pgHasPassword(stack.pg)) withPassword.push(['pg']);
  stack.replicas?.forEach((replica, index) => pgHasPassword(replica) && withPassword.push(['replicas', index]));
  if (stack.redis?.url !== undefined && redisUrlHasPassword(stack.redis.url)) withPassword.push(['redis', 'url']);
  if (withPassword.length > 0 && platform !== 'win32' && (mode & 0o077) !== 0)
    throw bad(
      withPassword
        .map((field) => `${where(field)}: holds a password, and ${source} can be read by other users (mode ${(mode & 0o777).toString(8)})`)
        .join('\n'),
      `Move the password to passwordFiles (pg:, redis:), PGPASSWORD / ~/.pgpass or REDISCLI_AUTH, or make the file private: chmod 600 ${source} (as libpq requires of ~/.pgpass).`,
    );
  if (stack.l3?.startsWith('s3://')) {
    let fields: Record<string, unknown> = {};
    try {
      fields = objectTierUrlFields(stack.l3);
    } catch {
      // A malformed URL is --cache-l3's to report, with the same message as on the command line.
    }
    if (fields.accessKeyId !== undefined || fields.secretAccessKey !== undefined)
      throw bad(`${where(['l3'])}: holds S3 credentials.`, 'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an AWS profile) instead.');
  }
}

/** `~/x` → the home's x; relative → relative to the stack file's folder. */
function filePath(file: string, folder: string): string {
  if (file === '~' || file.startsWith('~/')) return path.join(os.homedir(), file.slice(1));
  return path.resolve(folder, file);
}

const joinHosts = (hosts: string | string[]): string => (Array.isArray(hosts) ? hosts.join(',') : hosts);

/** The stack file as the flags that say the same; `folder` is the file's (relative paths are relative to it). */
export function stackFileFlags(stack: StackFile, folder: string): StackFileFlags {
  const redis = stack.redis;
  const l3 = stack.l3;
  const entries: Record<keyof StackFileFlags, unknown> = {
    pg: stack.pg,
    pgReplica: stack.replicas,
    replicaPolicy: stack.replicaPolicy,
    replicaMaxLag: stack.replicaMaxLagSeconds,
    redis: redis?.url,
    redisSentinels: redis?.sentinels === undefined ? undefined : joinHosts(redis.sentinels),
    redisMaster: redis?.master,
    redisCluster: redis?.cluster === undefined ? undefined : joinHosts(redis.cluster),
    redisTls: redis?.tls,
    cacheL3: l3 === undefined || l3 === 'off' || l3.startsWith('s3://') ? l3 : filePath(l3, folder),
    cacheL3Max: stack.l3Max,
    pgPasswordFile: stack.passwordFiles?.pg === undefined ? undefined : filePath(stack.passwordFiles.pg, folder),
    redisPasswordFile: stack.passwordFiles?.redis === undefined ? undefined : filePath(stack.passwordFiles.redis, folder),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as StackFileFlags;
}

const REDIS_WHERE = ['redis', 'redisSentinels', 'redisCluster'] as const;
const REDIS_FIELDS: readonly string[] = [...REDIS_WHERE, 'redisMaster', 'redisTls'];

/**
 * The file's flags that the command line leaves to it: `given(key)` says whether that flag was typed. Redis is one
 * unit: a typed --redis, --redis-sentinels or --redis-cluster drops every Redis field of the file.
 */
export function fileFlagsNotOverridden(fromFile: StackFileFlags, given: (key: string) => boolean): StackFileFlags {
  const redisTyped = REDIS_WHERE.some(given);
  return Object.fromEntries(
    Object.entries(fromFile).filter(([key]) => !given(key) && !(redisTyped && REDIS_FIELDS.includes(key))),
  ) as StackFileFlags;
}

/** Reads, validates and checks the stack file at `file`, as the flags it stands for. */
export async function loadStackFile(file: string): Promise<StackFileFlags> {
  let text: string;
  let mode: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw bad(`--stack ${file} is not a file.`, 'Give the path of a .yaml or .json stack file.');
    if (info.size > MAX_STACK_FILE_BYTES)
      throw bad(`--stack ${file} is ${info.size} bytes: a stack file is a few lines (at most 64 KiB).`, 'Check the path.');
    mode = info.mode;
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(file));
  } catch (error) {
    if (error instanceof ContractError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : 'it is not UTF-8 text';
    throw bad(`--stack ${file} cannot be read: ${why}.`, 'Give the path of a .yaml or .json stack file.');
  }
  const { stack, where } = parseStackFile(text, file);
  checkStackFileSecrets(stack, file, mode, where);
  return stackFileFlags(stack, path.dirname(path.resolve(file)));
}

/**
 * commander's preAction hook for `--stack`: sets the file's fields the command line left alone, and that this command
 * has flags for, as if they had been typed (source 'config', so a later look at the sources still tells them apart).
 */
export async function applyStackFile(command: Command): Promise<void> {
  const file = command.opts<{ stack?: string }>().stack;
  if (file === undefined) return;
  if (command.opts<{ local?: boolean }>().local)
    throw bad('--stack names your own stack; --local is the demo stack.', 'Drop --local, or drop --stack.');
  const known = new Set(command.options.map((option) => option.attributeName()));
  const fromFile = fileFlagsNotOverridden(await loadStackFile(file), (key) => command.getOptionValueSource(key) === 'cli');
  for (const [key, value] of Object.entries(fromFile)) if (known.has(key)) command.setOptionValueWithSource(key, value, 'config');
}
