import type pg from 'pg';
import type { Connection } from './connection.ts';
import { PoolError } from './pool-errors.ts';
import {
  checkChange,
  computeSessionSettings,
  readMemoryFacts,
  serverPairs,
  setConfigQuery,
  validateOnClient,
  validateWithServer,
  type ServerMemoryFacts,
  type SessionSettings,
  type SettingKey,
} from './session-settings.ts';

interface Version {
  overrides: Partial<SessionSettings>;
  values: SessionSettings;
  reasons: Record<SettingKey, string>;
}

/**
 * The pool's current session settings, the previous version (for revert), and a generation number: a
 * connection whose generation is older gets the current values (one `SELECT set_config(...)`) before its next
 * use. Values the operator did not set are computed, so work_mem follows the pool size; operator values stay.
 */
export class SettingsState {
  generation = 0;
  private current: Version;
  private previous: Version | undefined;
  private query: { text: string; values: string[] };

  private constructor(
    private readonly facts: ServerMemoryFacts,
    private readonly connection: pg.ClientConfig,
    poolMax: number,
    overrides: Partial<SessionSettings>,
  ) {
    this.current = this.version(overrides, poolMax);
    this.query = setConfigQuery(serverPairs(this.current.values), false);
  }

  /** Reads the server's memory and checks the initial overrides on the pool's first connection. */
  static async create(
    client: pg.Client,
    connection: pg.ClientConfig,
    poolMax: number,
    overrides: Partial<SessionSettings>,
  ): Promise<SettingsState> {
    const facts = await readMemoryFacts(client, (client as unknown as { host?: string }).host);
    checkChange(overrides, facts, poolMax);
    await validateOnClient(client, overrides);
    return new SettingsState(facts, connection, poolMax, overrides);
  }

  private version(overrides: Partial<SessionSettings>, poolMax: number): Version {
    const computed = computeSessionSettings(this.facts, poolMax, overrides);
    return { overrides, values: computed.values, reasons: computed.reasons };
  }

  async applyTo(connection: Connection): Promise<void> {
    const generation = this.generation;
    await connection.client.query(this.query);
    connection.generation = generation;
  }

  /** Our checks, then the server's (on a fresh connection, rolled back). Resolves to the values it would give. */
  async propose(change: Partial<SessionSettings>, poolMax: number): Promise<SessionSettings> {
    checkChange(change, this.facts, poolMax);
    await validateWithServer(this.connection, change);
    return this.version({ ...this.current.overrides, ...change }, poolMax).values;
  }

  async apply(change: Partial<SessionSettings>, poolMax: number): Promise<SessionSettings> {
    await this.propose(change, poolMax);
    this.install(this.version({ ...this.current.overrides, ...change }, poolMax));
    return { ...this.current.values };
  }

  /** Back to the version before the last apply (the values were valid then; the server checked them). */
  revert(): SessionSettings {
    if (this.previous) this.install(this.previous);
    return { ...this.current.values };
  }

  /** A new pool size: computed work_mem follows it; an operator's work_mem must still fit the memory budget. */
  resize(poolMax: number): void {
    try {
      checkChange(
        { ...(this.current.overrides.workMemKb !== undefined ? { workMemKb: this.current.overrides.workMemKb } : {}) },
        this.facts,
        poolMax,
      );
    } catch (error) {
      throw new PoolError(
        'invalid-size',
        `A pool of ${poolMax} connections does not fit with the operator's work_mem: ${(error as Error).message}`,
        `Lower workMemKb first (applySettings), then resize. ${(error as PoolError).hint}`,
        { cause: error },
      );
    }
    const next = this.version(this.current.overrides, poolMax);
    if (JSON.stringify(next.values) !== JSON.stringify(this.current.values)) {
      this.previous = undefined;
      this.current = next;
      this.bump();
    } else {
      this.current = next;
    }
  }

  private install(next: Version): void {
    this.previous = this.current;
    this.current = next;
    this.bump();
  }

  private bump(): void {
    this.query = setConfigQuery(serverPairs(this.current.values), false);
    this.generation += 1;
  }

  describe(): { values: SessionSettings; reasons: Record<string, string>; canRevert: boolean } {
    return { values: { ...this.current.values }, reasons: { ...this.current.reasons }, canRevert: this.previous !== undefined };
  }
}
