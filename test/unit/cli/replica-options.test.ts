import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../main/contract/api.ts';
import { withPgPassword } from '../../../app/cli/password-options.ts';
import { checkReplicaFlags, withReplicaPasswords } from '../../../app/cli/replica-options.ts';
import { parsePgUrl } from '../../../main/stack/pg-url.ts';

/** What `run` throws (undefined when it returns). */
function thrownBy(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const passwordOf = (url: string) => parsePgUrl(url).config.password;

describe('checkReplicaFlags (--pg-replica)', () => {
  it('accepts replicas with --pg, and no replicas at all', () => {
    expect(() => checkReplicaFlags({ pg: 'postgres://db/app', pgReplica: ['postgres://r1/app'] })).not.toThrow();
    expect(() => checkReplicaFlags({ pgReplica: [] })).not.toThrow();
    expect(() => checkReplicaFlags({})).not.toThrow();
  });

  it('refuses --pg-replica without --pg, and with --local, saying what to give instead', () => {
    const alone = thrownBy(() => checkReplicaFlags({ pgReplica: ['postgres://r1/app'] }));
    expect(alone).toBeInstanceOf(ContractError);
    expect(alone).toMatchObject({ code: 'bad-arguments', message: expect.stringContaining('--pg-replica needs --pg') });
    expect((alone as ContractError).hint).toContain('--pg URL');
    const policy = thrownBy(() => checkReplicaFlags({ pg: 'postgres://db/app', pgReplica: [], replicaPolicy: 'least-loaded' }));
    expect(policy).toMatchObject({ code: 'bad-arguments', message: expect.stringContaining('--replica-policy needs --pg-replica') });
    const local = thrownBy(() => checkReplicaFlags({ local: true, pgReplica: ['postgres://r1/app'] }));
    expect(local).toMatchObject({ code: 'bad-arguments', message: expect.stringContaining('--local') });
  });

  it('takes --replica-max-lag with lag-bounded only', () => {
    const replicas = { pg: 'postgres://db/app', pgReplica: ['postgres://r1/app'] };
    expect(() => checkReplicaFlags({ ...replicas, replicaPolicy: 'lag-bounded', replicaMaxLag: 2 })).not.toThrow();
    expect(() => checkReplicaFlags({ ...replicas, replicaPolicy: 'lag-bounded' })).not.toThrow();
    const without = thrownBy(() => checkReplicaFlags({ ...replicas, replicaPolicy: 'round-robin', replicaMaxLag: 2 }));
    expect(without).toMatchObject({
      code: 'bad-arguments',
      message: expect.stringContaining('--replica-max-lag needs --replica-policy lag-bounded'),
    });
  });
});

describe('withReplicaPasswords (the command line password sources, per replica)', () => {
  const noFile = { PGPASSFILE: '/nonexistent/hotpath-pgpass' };

  it("keeps a replica's own password, and gives PGPASSWORD (taken at start) to those without one", async () => {
    const urls = await withReplicaPasswords(
      ['postgres://me:own@r1/app', 'postgres://me@r2/app'],
      { pg: 'env-pw' },
      withPgPassword,
      () => undefined,
      noFile,
    );
    expect(urls.map(passwordOf)).toEqual(['own', 'env-pw']);
  });

  it("reads the password file for the replica's own host and port", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hotpath-replica-pgpass-'));
    try {
      const file = join(dir, 'pgpass');
      await writeFile(file, 'r1:5433:app:me:file-pw\n', { mode: 0o600 });
      const urls = await withReplicaPasswords(
        ['postgres://me@r1:5433/app', 'postgres://me@r2:5433/app'],
        {},
        withPgPassword,
        () => undefined,
        { PGPASSFILE: file },
      );
      // r2 has no line: it goes without, and the engine gives it the primary's password (same user).
      expect(urls.map(passwordOf)).toEqual(['file-pw', undefined]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
