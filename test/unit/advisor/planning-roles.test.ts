import { describe, expect, it } from 'vitest';
import { planningRole, type PlanningTrust, type StatementRunner } from '../../../main/advisor/planning-roles.ts';

const trust = (over: Partial<PlanningTrust> = {}): PlanningTrust => ({
  sessionRole: 'hotpath',
  sessionSuperuser: false,
  serverVersion: 180000,
  untrustedOwners: [],
  ...over,
});
const runner = (name: string | null, over: Partial<StatementRunner> = {}): StatementRunner => ({
  name,
  superuser: false,
  maySet: true,
  ...over,
});

describe('planningRole: as whom a statement is planned, or why not', () => {
  it("plans the engine's templates and the connecting role's own statements as the connecting role, unguarded", () => {
    expect(planningRole(null, trust({ untrustedOwners: ['app'] }))).toEqual({ role: null, guard: false });
    expect(planningRole([runner('app'), runner('hotpath')], trust({ untrustedOwners: ['app'] }))).toEqual({ role: null, guard: false });
  });

  it("plans another role's statement as that role, guarded against functions appearing meanwhile", () => {
    expect(planningRole([runner('app')], trust())).toEqual({ role: 'app', guard: true });
  });

  it("plans a superuser's statement as that superuser only while no untrusted function exists, and guarded", () => {
    expect(planningRole([runner('app'), runner('admin', { superuser: true })], trust())).toEqual({ role: 'admin', guard: true });
  });

  it("skips a superuser's statement while functions of untrusted owners exist: an owner may have replaced one since", () => {
    const result = planningRole([runner('app'), runner('admin', { superuser: true })], trust({ untrustedOwners: ['app'] }));
    expect(result).toEqual({ skip: expect.stringContaining('run by admin, a superuser') });
    expect(result).toEqual({ skip: expect.stringContaining('(app)') });
    expect(result).toEqual({ skip: expect.stringContaining('run it as a role that is not a superuser') });
  });

  it("treats the connecting role's own statements as a superuser's when it is one; its templates stay analyzable", () => {
    const superSession = trust({ sessionSuperuser: true, untrustedOwners: ['app'] });
    expect(planningRole([runner('hotpath', { superuser: true })], superSession)).toEqual({
      skip: expect.stringContaining('run by hotpath, a superuser'),
    });
    expect(planningRole(null, superSession)).toEqual({ role: null, guard: false });
    expect(planningRole([runner('hotpath', { superuser: true })], trust({ sessionSuperuser: true }))).toEqual({ role: null, guard: true });
  });

  it('skips it while functions of untrusted owners exist, naming them and what to do instead', () => {
    const result = planningRole([runner('app')], trust({ untrustedOwners: ['a', 'b', 'c', 'd', 'e', 'f'] }));
    expect(result).toEqual({ skip: expect.stringContaining('(a, b, c, d, e, …)') });
    expect(result).toEqual({ skip: expect.stringContaining('Connect Hotpath as app') });
  });

  it("skips a role the connecting role may not SET ROLE to, with the GRANT for the server's version", () => {
    expect(planningRole([runner('app', { maySet: false })], trust())).toEqual({
      skip: expect.stringContaining('GRANT "app" TO "hotpath" WITH INHERIT FALSE, SET TRUE'),
    });
    const on15 = planningRole([runner('app', { maySet: false })], trust({ serverVersion: 150000 }));
    expect(on15).toEqual({ skip: expect.stringContaining('GRANT "app" TO "hotpath" would') });
  });

  it('skips a statement whose roles were all dropped', () => {
    expect(planningRole([runner(null)], trust())).toEqual({ skip: expect.stringMatching(/no longer exist/) });
  });
});

const unknown: StatementRunner = { name: null, superuser: false, maySet: false, unknown: true };

describe('planningRole for a statement from a file or a log (its runner unknown)', () => {
  it('plans it as the connecting role, guarded, while every function belongs to a superuser or to that role', () => {
    expect(planningRole([unknown], trust())).toEqual({ role: null, guard: true });
    expect(planningRole([unknown], trust({ sessionSuperuser: true }))).toEqual({ role: null, guard: true });
  });

  it('skips it while functions of untrusted owners exist, naming them and what would let Hotpath plan it', () => {
    for (const sessionSuperuser of [false, true]) {
      const result = planningRole([unknown], trust({ sessionSuperuser, untrustedOwners: ['app'] }));
      expect(result).toEqual({ skip: expect.stringContaining('the role that ran it is unknown') });
      expect(result).toEqual({ skip: expect.stringContaining('(app)') });
      expect(result).toEqual({ skip: expect.stringContaining('pg_stat_statements') });
    }
  });

  it('is never taken for the connecting role own statement, even beside one', () => {
    const own: StatementRunner = { name: 'hotpath', superuser: false, maySet: true };
    expect(planningRole([own, unknown], trust({ untrustedOwners: ['app'] }))).toEqual({ skip: expect.stringContaining('unknown') });
  });
});
