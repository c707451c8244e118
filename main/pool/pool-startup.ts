import os from 'node:os';
import type pg from 'pg';
import { withStartupOptions, type Connection } from './connection.ts';
import { PoolError } from './pool-errors.ts';
import { describeTarget } from './pool-messages.ts';
import type { ConnectionOptions, PoolConnections } from './pool-connections.ts';
import type { PoolManagerOptions } from './pool-options.ts';
import { computePoolSize, readConnectionFacts, type PoolSize } from './pool-sizing.ts';
import { SettingsState } from './settings-state.ts';

/**
 * Opening a pool, before any caller: how its connections connect; the first connection reads the server (its connection limit and cores give the
 * size; its settings are validated), then the minimum is warmed. Apart from the pool manager because it runs once
 * and fails in its own ways, each with a message that says what to check.
 */

/** How the pool's connections connect: a read-only pool's sessions are read-only from their startup packet on. */
export function connectionConfigFor(options: PoolManagerOptions, acquireTimeoutMs: number): pg.ClientConfig {
  const startup = options.readOnly ? ['default_transaction_read_only=on'] : [];
  return {
    ...withStartupOptions(options.connection, startup),
    application_name: options.applicationName ?? options.connection.application_name ?? `hotpath-pool-${options.role ?? 'primary'}`,
    connectionTimeoutMillis: options.connection.connectionTimeoutMillis ?? Math.min(10_000, acquireTimeoutMs),
  };
}

/** How long connections live and how the read-only guard treats them. */
export function connectionOptionsFor(options: PoolManagerOptions, config: pg.ClientConfig): ConnectionOptions {
  return {
    config,
    maxLifetimeMs: options.maxLifetimeMs ?? 1_800_000,
    ...(options.readOnly !== undefined ? { readOnly: options.readOnly } : {}),
    ...(options.readOnlyTransactions !== undefined ? { readOnlyTransactions: options.readOnlyTransactions } : {}),
  };
}

/** The first connection, with the size and the session settings it read; it already has those settings. */
export async function openFirstConnection(
  lifecycle: PoolConnections,
  config: pg.ClientConfig,
  options: PoolManagerOptions,
): Promise<{ first: Connection; size: PoolSize; settings: SettingsState }> {
  const first = await lifecycle.connect().catch((error: Error) => {
    throw new PoolError(
      'server-unavailable',
      `Could not connect to PostgreSQL at ${describeTarget(config)}: ${error.message}.`,
      'Check that the server is running and that the URL, user and password are right.',
      { cause: error },
    );
  });
  try {
    const facts = await readConnectionFacts(first.client, options.cores ?? os.availableParallelism(), [first.pid]);
    const size = computePoolSize(facts, {
      ...(options.min !== undefined ? { min: options.min } : {}),
      ...(options.max !== undefined ? { max: options.max } : {}),
    });
    const settings = await SettingsState.create(first.client, config, size.max, options.sessionSettings ?? {});
    await settings.applyTo(first);
    return { first, size, settings };
  } catch (error) {
    await first.client.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Opens connections up to `min` now: a pool that says it keeps `min` open does so before the first caller arrives.
 * Returns why it could not (the pool then closes and fails to open), or undefined.
 */
export async function warmMinimum(lifecycle: PoolConnections, min: number): Promise<PoolError | undefined> {
  const warm: Promise<void>[] = [];
  for (let i = lifecycle.all.size; i < min; i++) warm.push(lifecycle.openOne());
  await Promise.all(warm);
  const lastConnectError = lifecycle.lastConnectError;
  if (lifecycle.all.size >= min || !lastConnectError) return undefined;
  return new PoolError(
    'server-unavailable',
    `Could not open the ${min} connections asked for as the pool minimum: ${lastConnectError.message}.`,
    "Lower min, or check the server's connection limit and load.",
    { cause: lastConnectError },
  );
}
