// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { cleanup, screen } from '@testing-library/react';
import { AppHeader } from '../../../renderer/components/app-header.tsx';
import type { PrivilegeReportPayload } from '../../../main/contract/status.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { readyStatus } from './fixtures.ts';
import { consoleServices, renderInConsole } from './render-console.ts';

afterEach(cleanup);

function headerWith(privileges: PrivilegeReportPayload | undefined) {
  const services = consoleServices(new FakeEngineApi());
  const status = readyStatus();
  services.status.getState().apply({ ...status, stack: { ...status.stack!, ...(privileges ? { privileges } : {}) } });
  renderInConsole(createElement(AppHeader), services);
}

describe("the header's privilege warning", () => {
  it('lists what the connected role may not do, with the statement that fixes each', () => {
    headerWith({
      role: 'monitor',
      superuser: false,
      checks: [
        { feature: 'statement-stats', ok: false, detail: 'monitor sees only its own statements.', fix: 'GRANT pg_monitor TO "monitor"' },
        { feature: 'cancel-queries', ok: true, detail: "May cancel other roles' queries.", fix: null },
        { feature: 'index-builds', ok: false, detail: 'monitor owns 0 of the 3 tables.', fix: 'GRANT "app" TO "monitor"' },
      ],
    });
    const warning = screen.getByTestId('privilege-warning');
    expect(warning.textContent).toContain('2 features are limited for monitor');
    expect(warning.textContent).toContain('GRANT pg_monitor TO "monitor";');
    expect(warning.textContent).toContain('GRANT "app" TO "monitor";');
    expect(warning.textContent).not.toContain('cancel-queries');
  });

  it('shows nothing when every check passed or none ran', () => {
    headerWith({
      role: 'postgres',
      superuser: true,
      checks: [{ feature: 'statement-stats', ok: true, detail: "Reads every role's statements.", fix: null }],
    });
    expect(screen.queryByTestId('privilege-warning')).toBeNull();
    cleanup();
    headerWith(undefined);
    expect(screen.queryByTestId('privilege-warning')).toBeNull();
  });
});
