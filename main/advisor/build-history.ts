import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { ContractError } from '../contract/api.ts';
import { readJsonFile, writeJsonFileAtomic } from '../util/json-file.ts';

export const HISTORY_FILE_NAME = 'index-history.json';

/**
 * 'building' is written before CREATE INDEX CONCURRENTLY is sent, so a process killed mid-build leaves evidence that
 * the next start reconciles (build-reconcile.ts) into one of the others.
 */
export const BUILD_STATUSES = ['building', 'built', 'failed', 'cancelled', 'lock-timeout', 'rolled-back'] as const;
export type BuildStatus = (typeof BUILD_STATUSES)[number];

/** Workload template → p95 latency in ms. */
const latencySchema = z.record(z.string(), z.number());
export type LatencyByTemplate = z.infer<typeof latencySchema>;

const entrySchema = z.object({
  id: z.string().min(1),
  /** The index's name (unquoted) and where it lives. */
  name: z.string().min(1),
  schema: z.string().min(1),
  table: z.string().min(1),
  /** The CREATE INDEX CONCURRENTLY statement that was run (or would have been). */
  ddl: z.string().min(1),
  /** Why, for people: the advisor's sentence. */
  reason: z.string(),
  /** The workload templates / statements it was built for. */
  serves: z.array(z.string()).optional(),
  /** ms since the epoch. */
  startedAt: z.number(),
  finishedAt: z.number(),
  status: z.enum(BUILD_STATUSES),
  error: z.string().optional(),
  durationMs: z.number(),
  sizeBytes: z.number().optional(),
  /**
   * pg_get_indexdef() right after the build: a rollback drops the index only while the server still reports this
   * exact definition, so an index someone rebuilt differently under the same name is never touched.
   */
  definition: z.string().optional(),
  /** True when a valid index of that name was already there and the build was a no-op. */
  alreadyExisted: z.boolean().optional(),
  /** The failed build left an INVALID index that is still there (a rollback of this entry drops it). */
  leftInvalid: z.boolean().optional(),
  /** While 'building': our process and the server backend running the statement, to tell a live build from a dead one. */
  ownerPid: z.number().optional(),
  backendPid: z.number().optional(),
  /** When a start found this build finished, failed or missing after the process that ran it had gone. */
  reconciledAt: z.number().optional(),
  /** What reconciliation found, for people. */
  note: z.string().optional(),
  /** Filled in by the engine after measuring the workload before and after the build. */
  latencyBefore: latencySchema.optional(),
  latencyAfter: latencySchema.optional(),
  rolledBackAt: z.number().optional(),
});
export type HistoryEntry = z.infer<typeof entrySchema>;

const historyFileSchema = z.object({
  version: z.literal(1, 'this file was written by another version of Hotpath (expected "version": 1)'),
  entries: z.array(entrySchema),
});
type HistoryFile = z.infer<typeof historyFileSchema>;

/** BuildHistory.builtEntry over entries already read. Throws 'ambiguous-index' when the name stands in several schemas. */
export function builtEntryOf(entries: readonly HistoryEntry[], name: string, schema?: string): HistoryEntry | undefined {
  // Only builds and rollbacks change who owns an index (a failed attempt drops nothing valid), so the newest of
  // those per schema decides.
  const matches = entries.filter(
    (e) => e.name === name && (schema === undefined || e.schema === schema) && (e.status === 'built' || e.status === 'rolled-back'),
  );
  const newest = new Map<string, HistoryEntry>();
  for (const e of matches) newest.set(e.schema, e);
  const built = [...newest.values()].filter((e) => e.status === 'built');
  if (built.length > 1) {
    throw new ContractError(
      'ambiguous-index',
      `Hotpath built an index named ${name} in ${built.length} schemas (${built.map((e) => e.schema).join(', ')}).`,
      'Say which schema you mean.',
    );
  }
  return built[0];
}

/**
 * The entry whose INVALID leftover a rollback of `name` drops, or undefined when that rollback would do something
 * else (drop an index Hotpath built, or refuse). The rollback (index-builder.ts) and the history payload the
 * console reads (droppableLeftover) both ask this, so the console never offers a drop the engine would not do.
 */
export function droppableLeftoverOf(entries: readonly HistoryEntry[], name: string, schema?: string): HistoryEntry | undefined {
  let built: HistoryEntry | undefined;
  try {
    built = builtEntryOf(entries, name, schema);
  } catch {
    return undefined; // ambiguous: the rollback refuses
  }
  if (built) return undefined;
  const latest = entries.findLast((e) => e.name === name && (schema === undefined || e.schema === schema));
  return latest?.leftInvalid === true ? latest : undefined;
}

/**
 * What Hotpath built, when, why and with what effect: `index-history.json` in the data folder. It is also the
 * authority for rollback (only indexes recorded here as built may be dropped). Every change reads the file,
 * changes it and writes it atomically; changes from this process are serialized so none is lost.
 */
export class BuildHistory {
  readonly file: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(folder: string) {
    this.file = join(folder, HISTORY_FILE_NAME);
  }

  /** All entries, oldest first. */
  async list(): Promise<HistoryEntry[]> {
    return (await this.read()).entries;
  }

  /** Appends an entry (the id is generated) and returns it as stored. */
  async record(entry: Omit<HistoryEntry, 'id'>): Promise<HistoryEntry> {
    return await this.change((data) => {
      const stored: HistoryEntry = { id: randomUUID(), ...entry };
      data.entries.push(stored);
      return stored;
    });
  }

  /** The newest entry that says Hotpath built this index and has not rolled it back; undefined if none. */
  async builtEntry(name: string, schema?: string): Promise<HistoryEntry | undefined> {
    return builtEntryOf(await this.list(), name, schema);
  }

  /**
   * Replaces fields of an entry (e.g. a 'building' entry gets its outcome); `undefined` values remove a field.
   * The id is kept whatever the patch says.
   */
  async patch(id: string, fields: Partial<Omit<HistoryEntry, 'id'>>): Promise<HistoryEntry> {
    return await this.update(id, (entry) => {
      for (const [key, value] of Object.entries(fields) as [keyof HistoryEntry, unknown][]) {
        if (key === 'id') continue;
        if (value === undefined) delete entry[key];
        else (entry as Record<string, unknown>)[key] = value;
      }
    });
  }

  async markRolledBack(id: string, at = Date.now()): Promise<HistoryEntry> {
    return await this.update(id, (entry) => {
      entry.status = 'rolled-back';
      entry.rolledBackAt = at;
    });
  }

  /** Records the measured effect; `undefined` leaves that side as it was (before is often known long before after). */
  async setEffect(id: string, before: LatencyByTemplate | undefined, after: LatencyByTemplate | undefined): Promise<HistoryEntry> {
    return await this.update(id, (entry) => {
      if (before !== undefined) entry.latencyBefore = { ...before };
      if (after !== undefined) entry.latencyAfter = { ...after };
    });
  }

  private async update(id: string, apply: (entry: HistoryEntry) => void): Promise<HistoryEntry> {
    return await this.change((data) => {
      const entry = data.entries.find((e) => e.id === id);
      if (!entry) {
        throw new ContractError(
          'no-such-history-entry',
          `The index history in ${this.file} has no entry with id ${id}.`,
          'List the history again: the entry may have been removed from the file by hand.',
        );
      }
      apply(entry);
      return { ...entry };
    });
  }

  /** Read → change → write, one at a time within this process. */
  private change<T>(apply: (data: HistoryFile) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const data = await this.read();
      const result = apply(data);
      await this.write(data);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private damaged(detail: string): ContractError {
    return new ContractError(
      'index-history-unreadable',
      `The index build history in ${this.file} cannot be read: ${detail}.`,
      `Hotpath has not changed the file. Repair it by hand (it is JSON), or move it away (e.g. mv ${this.file} ${this.file}.bak) to start an empty history; rollback then works only for indexes built afterwards.`,
    );
  }

  private read(): Promise<HistoryFile> {
    return readJsonFile(this.file, historyFileSchema, { version: 1, entries: [] }, (detail) => this.damaged(detail));
  }

  /** Atomic, like the profiles file (util/json-file.ts): a crash leaves the old history or the new one. */
  private write(data: HistoryFile): Promise<void> {
    return writeJsonFileAtomic(
      this.file,
      data,
      (detail) =>
        new ContractError(
          'index-history-not-saved',
          `The index build history could not be saved to ${this.file}: ${detail}.`,
          'Check that the data folder exists and is writable by the user running Hotpath, and that the disk is not full.',
        ),
    );
  }
}
