// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { fieldOfError } from '../../../renderer/forms/connection-error-field.ts';
import { replicaUrlsOf } from '../../../renderer/forms/replica-urls.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { profile } from './fixtures.ts';
import { renderConnections } from './render-connections.ts';

afterEach(cleanup);

describe('read replicas in the connection form', () => {
  it('reads one URL per line, ignoring blank lines and spaces', () => {
    expect(replicaUrlsOf('  postgres://a/db \n\n\r\npostgres://b/db\n')).toEqual(['postgres://a/db', 'postgres://b/db']);
    expect(replicaUrlsOf(' \n ')).toEqual([]);
  });

  it("puts an engine error about a replica next to the replicas' field", () => {
    const error = Object.assign(new Error('Read replica replica-2 (postgres://r2/db): connection refused'), { code: 'connection-refused' });
    expect(fieldOfError(error)).toBe('replicaUrls');
    expect(fieldOfError(Object.assign(new Error('connection refused'), { code: 'connection-refused' }))).toBe('pgUrl');
  });

  it('tests and saves the replicas typed, and shows a failing replica under its field', async () => {
    const api = new FakeEngineApi()
      .handle('stack.test', () => ({ serverVersion: 150019, pgStatStatements: true, redis: false, notices: [] }))
      .fail('profiles.save', 'connection-refused', 'Read replica replica-2 (postgres://r2/app): nobody listens there.', 'Start it.');
    await renderConnections([], api);
    const form = await screen.findByRole('form', { name: 'Connect to my database' });
    fireEvent.change(within(form).getByLabelText('PostgreSQL URL'), { target: { value: 'postgres://me@db/app' } });
    const replicas = within(form).getByLabelText('Read replicas (optional)');
    fireEvent.change(replicas, { target: { value: 'postgres://me@r1/app\npostgres://me@r2/app\n' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Test connection' }));
    await waitFor(() =>
      expect(api.callsOf('stack.test')).toEqual([
        { pgUrl: 'postgres://me@db/app', replicaUrls: ['postgres://me@r1/app', 'postgres://me@r2/app'] },
      ]),
    );
    fireEvent.click(within(form).getByRole('button', { name: 'Save and connect' }));
    await waitFor(() => expect(api.callsOf('profiles.save')).toHaveLength(1));
    expect(api.callsOf('profiles.save')[0]).toMatchObject({ replicaUrls: ['postgres://me@r1/app', 'postgres://me@r2/app'] });
    await waitFor(() => expect(replicas.getAttribute('aria-invalid')).toBe('true'));
    expect(form.textContent).toContain('Start it.');
  });

  it('shows a saved profile’s replicas, masked, one per line, when editing it', async () => {
    const api = new FakeEngineApi();
    await renderConnections([profile({ replicaDisplayUrls: ['postgres://bob:****@r1/app', 'postgres://r2/app'] })], api);
    fireEvent.click(screen.getByRole('button', { name: 'Edit app on db.example.com' }));
    const form = screen.getByRole('form', { name: 'Edit app on db.example.com' });
    expect((within(form).getByLabelText('Read replicas (optional)') as HTMLTextAreaElement).value).toBe(
      'postgres://bob:****@r1/app\npostgres://r2/app',
    );
  });
});
