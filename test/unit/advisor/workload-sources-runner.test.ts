import { describe, expect, it } from 'vitest';
import { planningRole, type PlanningTrust, type StatementRunner } from '../../../main/advisor/planning-roles.ts';

const trust = (over: Partial<PlanningTrust> = {}): PlanningTrust => ({
  sessionRole: 'hotpath',
  sessionSuperuser: false,
  serverVersion: 180000,
  untrustedOwners: [],
  ...over,
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
