import pg from 'pg';
import type { ParsedPgUrl } from '../pg-url.ts';
import { classifyPgConnectError } from '../stack-errors.ts';

export interface VerifiedPgConnection {
  /** A connected client for the checks that follow; the caller ends it. */
  client: pg.Client;
  /** The config that worked (for prefer/allow: `ssl: false` when the server has no TLS). */
  config: pg.ClientConfig;
  /** True when sslmode prefer/allow fell back to plain text. */
  fellBackToPlain: boolean;
}

/** Stands for "no password" on a connection a client named; its message is classified as auth-failed. */
export async function refusePasswordLookup(): Promise<string> {
  throw new Error(
    'password authentication needs a password, and the connection string has none (password files are not read for connections named from the console)',
  );
}

async function connectClient(config: pg.ClientConfig, timeoutMs: number): Promise<pg.Client> {
  // query_timeout bounds the checks run on this client too; the pools get the config without it.
  const client = new pg.Client({ ...config, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // An error after connect (server restart) must not crash the process while we still hold the client.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Connects once with a bounded timeout (pg's connect timer covers TCP, TLS and authentication), applying
 * libpq's prefer/allow fallback that node-postgres lacks. Failures come out as classified StackErrors.
 */
export async function connectVerified(parsed: ParsedPgUrl, timeoutMs: number): Promise<VerifiedPgConnection> {
  const target = { ...parsed.target, timeoutMs };
  try {
    return { client: await connectClient(parsed.config, timeoutMs), config: parsed.config, fellBackToPlain: false };
  } catch (error) {
    const noTls = /does not support SSL/i.test((error as Error)?.message ?? '');
    if (!(noTls && parsed.tlsFallback)) throw classifyPgConnectError(error, target);
  }
  const plain: pg.ClientConfig = { ...parsed.config, ssl: false };
  try {
    return { client: await connectClient(plain, timeoutMs), config: plain, fellBackToPlain: true };
  } catch (error) {
    throw classifyPgConnectError(error, { ...target, sslMode: 'disable' });
  }
}
