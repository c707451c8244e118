import { describe, expect, it } from 'vitest';
import { databaseNamespace } from '../../../main/engine/cache-session.ts';

describe('databaseNamespace', () => {
  it('keys a remote database by host, port and name, and the local stack by its database name alone', () => {
    const remote = databaseNamespace({ host: 'db.internal', port: 5432, database: 'shop' });
    expect(remote).toMatch(/^[0-9a-f]{10}$/);
    expect(databaseNamespace({ host: 'db.internal', port: 5433, database: 'shop' })).not.toBe(remote);
    expect(databaseNamespace({ host: 'db.internal', port: 5432, database: 'crm' })).not.toBe(remote);
    // The local stack's PostgreSQL gets a new port at every start: its history and cache keys must not follow it.
    const local = databaseNamespace({ host: '127.0.0.1', port: 42925, database: 'hotpath' }, 'local');
    expect(databaseNamespace({ host: '127.0.0.1', port: 35437, database: 'hotpath' }, 'local')).toBe(local);
    expect(databaseNamespace({ host: '127.0.0.1', port: 42925, database: 'hotpath' })).not.toBe(local);
  });
});
