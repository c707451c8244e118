// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { fieldOfError } from '../../../renderer/forms/connection-error-field.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { profile } from './fixtures.ts';
import { renderConnections } from './render-connections.ts';

afterEach(cleanup);

const FIELD = 'Object store (L3, optional)';

describe('the object store (L3) in the connection form', () => {
  it('puts an invalid object store error next to its field', () => {
    expect(fieldOfError(Object.assign(new Error('The object store (L3) is not valid: …'), { code: 'l3-config-invalid' }))).toBe('l3Url');
    expect(fieldOfError(Object.assign(new Error('l3Url: Too big'), { code: 'bad-request' }))).toBe('l3Url');
  });

  it('tests and saves the s3:// URL typed, and shows a refusal under the field', async () => {
    const api = new FakeEngineApi()
      .handle('stack.test', () => ({
        serverVersion: 150019,
        pgStatStatements: true,
        redis: false,
        l3: { location: 's3://cache/team/ at http://minio:9000', reachable: false, message: 'The specified bucket does not exist' },
        notices: [],
      }))
      .fail('profiles.save', 'l3-config-invalid', 'The object store (L3) is not valid: bucket: must be a bucket name.', 'Give a bucket.');
    await renderConnections([], api);
    const form = await screen.findByRole('form', { name: 'Connect to my database' });
    fireEvent.change(within(form).getByLabelText('PostgreSQL URL'), { target: { value: 'postgres://me@db/app' } });
    const l3 = within(form).getByLabelText(FIELD);
    fireEvent.change(l3, { target: { value: ' s3://cache/team/?endpoint=http://minio:9000 ' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Test connection' }));
    await waitFor(() =>
      expect(api.callsOf('stack.test')).toEqual([{ pgUrl: 'postgres://me@db/app', l3Url: 's3://cache/team/?endpoint=http://minio:9000' }]),
    );
    const result = await within(form).findByTestId('connection-test-result');
    expect(result.textContent).toContain('object store not reachable');
    expect(result.textContent).toContain('s3://cache/team/ at http://minio:9000: The specified bucket does not exist');
    fireEvent.click(within(form).getByRole('button', { name: 'Save and connect' }));
    await waitFor(() => expect(api.callsOf('profiles.save')).toHaveLength(1));
    expect(api.callsOf('profiles.save')[0]).toMatchObject({ l3Url: 's3://cache/team/?endpoint=http://minio:9000' });
    await waitFor(() => expect(l3.getAttribute('aria-invalid')).toBe('true'));
    expect(form.textContent).toContain('Give a bucket.');
  });

  it('shows a saved profile’s object store with its secret masked, and clearing it on an edit removes it', async () => {
    const api = new FakeEngineApi().handle('profiles.save', (p) => profile({ name: p.name }));
    await renderConnections([profile({ l3DisplayUrl: 's3://AKID:****@cache/team/' })], api);
    fireEvent.click(screen.getByRole('button', { name: 'Edit app on db.example.com' }));
    const form = screen.getByRole('form', { name: 'Edit app on db.example.com' });
    const l3 = within(form).getByLabelText(FIELD) as HTMLInputElement;
    expect(l3.value).toBe('s3://AKID:****@cache/team/');
    fireEvent.change(l3, { target: { value: '' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.callsOf('profiles.save')).toHaveLength(1));
    expect(api.callsOf('profiles.save')[0]).toMatchObject({ l3Url: '' });
  });
});
