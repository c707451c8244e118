import type { Redis } from 'ioredis';
import { withDeadline } from './redis-guard.ts';

/** Escapes the glob characters of SCAN's MATCH so that a prefix is matched literally. */
export function globEscape(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

export interface DeleteByPrefixResult {
  /** Keys UNLINK reported removed (a key that expired between SCAN and UNLINK is not counted). */
  deleted: number;
  /** False when a node failed part-way: some matching keys may remain; the caller may run it again. */
  complete: boolean;
  /** The first failure, when not complete. */
  error?: string;
}

/**
 * SCAN + UNLINK on one node, a batch at a time: never KEYS (it blocks the server for the whole keyspace)
 * and never DEL (freeing big values would block too; UNLINK frees them in the background). Each batch's
 * keys are unlinked one per command in a single pipeline, because in a Cluster the keys a node returns
 * may sit in different slots and a multi-key UNLINK would fail with CROSSSLOT. Each command has the deadline,
 * so a server that stops answering mid-walk ends the walk within one deadline; the walk itself is unbounded.
 */
export async function deleteByPrefixOnNode(node: Redis, prefix: string, batchSize: number, deadlineMs: number): Promise<number> {
  const pattern = `${globEscape(prefix)}*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await withDeadline(node.scan(cursor, 'MATCH', pattern, 'COUNT', batchSize), deadlineMs, 'SCAN');
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = node.pipeline();
    for (const key of keys) pipeline.unlink(key);
    const results = (await withDeadline(pipeline.exec(), deadlineMs, 'UNLINK batch')) ?? [];
    for (const [error, removed] of results) {
      if (error) throw error;
      deleted += Number(removed);
    }
  } while (cursor !== '0');
  return deleted;
}

/** Runs the per-node deletes in parallel; a failing node does not stop the others. */
export async function deleteByPrefixOnNodes(
  nodes: Redis[],
  prefix: string,
  batchSize: number,
  deadlineMs: number,
): Promise<DeleteByPrefixResult> {
  const settled = await Promise.allSettled(nodes.map((node) => deleteByPrefixOnNode(node, prefix, batchSize, deadlineMs)));
  let deleted = 0;
  let error: string | undefined;
  for (const outcome of settled) {
    if (outcome.status === 'fulfilled') deleted += outcome.value;
    else error ??= (outcome.reason as Error).message;
  }
  return error === undefined ? { deleted, complete: true } : { deleted, complete: false, error };
}
