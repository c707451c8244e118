import { describe, expect, it } from 'vitest';
import { parsePgUrl } from '../../../main/stack/pg-url.ts';
import { replicaPassword } from '../../../main/stack/remote/replica-connect.ts';

const options = (clientNamed: boolean) => ({
  urlOptions: {},
  timeoutMs: 1000,
  clientNamed,
  env: {},
  primary: { user: 'app', host: 'db-primary', password: 'saved-secret' },
});

describe("a replica's password", () => {
  it("is the primary's for the same user when the command line named it (a standby has the primary's roles)", async () => {
    expect(await replicaPassword(parsePgUrl('postgres://app@db-replica/app'), options(false))).toBe('saved-secret');
  });

  it("goes to no host a console client chose: the primary's only to the primary's own host", async () => {
    expect(await replicaPassword(parsePgUrl('postgres://app@attacker.example/app'), options(true))).toBeNull();
    expect(await replicaPassword(parsePgUrl('postgres://app@db-primary:5433/app'), options(true))).toBe('saved-secret');
  });

  it('is its own when its URL has one, and none for another user', async () => {
    expect(await replicaPassword(parsePgUrl('postgres://app:own@db-replica/app'), options(true))).toBe('own');
    expect(await replicaPassword(parsePgUrl('postgres://other@db-primary/app'), options(false))).toBeNull();
  });
});
