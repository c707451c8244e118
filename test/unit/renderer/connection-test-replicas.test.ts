// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, render, screen, within } from '@testing-library/react';
import { ConnectionTestResult } from '../../../renderer/components/connection-test-result.tsx';

afterEach(cleanup);

describe('the connection test result with read replicas', () => {
  it('shows every replica: a standby with its version, a writable server, and one that failed with its error and hint', () => {
    render(
      createElement(ConnectionTestResult, {
        redisAsked: false,
        result: {
          serverVersion: 150019,
          pgStatStatements: true,
          redis: false,
          replicas: [
            { name: 'replica-1', displayUrl: 'postgres://r1/app', inRecovery: true, serverVersion: 150019, error: null },
            { name: 'replica-2', displayUrl: 'postgres://db/app', inRecovery: false, serverVersion: 150019, error: null },
            {
              name: 'replica-3',
              displayUrl: 'postgres://u:****@r3/app',
              inRecovery: null,
              serverVersion: null,
              error: { code: 'connection-refused', message: 'Read replica replica-3: nobody listens there.', hint: 'Start it.' },
            },
          ],
          notices: [],
        },
      }),
    );
    const list = screen.getByRole('list', { name: 'Read replicas' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]!.textContent).toBe('replica-1 (postgres://r1/app): PostgreSQL 15.19, a standby (in recovery)');
    expect(items[1]!.textContent).toContain('not in recovery');
    expect(items[2]!.textContent).toContain(
      'replica-3 (postgres://u:****@r3/app): not usable. Read replica replica-3: nobody listens there.',
    );
    expect(items[2]!.textContent).toContain('Start it.');
  });

  it('shows no replica list when none were tested', () => {
    render(
      createElement(ConnectionTestResult, {
        redisAsked: false,
        result: { serverVersion: 150019, pgStatStatements: true, redis: false, notices: [] },
      }),
    );
    expect(screen.queryByRole('list', { name: 'Read replicas' })).toBeNull();
  });
});
