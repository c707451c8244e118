// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ConnectionProfile } from '../../../main/contract/profiles.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { profile, readyStatus } from './fixtures.ts';
import { renderConnections as renderWith } from './render-connections.ts';

afterEach(cleanup);

const storage = {
  kind: 'safeStorage' as const,
  canPersist: true,
  warning: 'Your desktop has no keyring: passwords are encrypted with a hard-coded key (basic_text).',
};
const renderConnections = (profiles: ConnectionProfile[], api = new FakeEngineApi()) => renderWith(profiles, api, storage);

describe('connections page', () => {
  it('lists saved profiles with masked URLs and shows the secret-storage warning', async () => {
    await renderConnections([
      profile(),
      profile({ id: 'p2', name: 'replica', pgDisplayUrl: 'postgres://ro:****@replica:5432/app', secretSaved: true }),
    ]);
    const list = screen.getByRole('list', { name: 'Saved connections' });
    expect(within(list).getAllByTestId('profile')).toHaveLength(2);
    expect(list.textContent).toContain('postgres://ro:****@replica:5432/app');
    expect(list.textContent).not.toMatch(/:(?!\*\*\*\*)[^/@:]+@/); // no password in clear
    expect(screen.getByTestId('secret-storage-warning').textContent).toContain('basic_text');
  });

  it('deletes a profile only after confirmation', async () => {
    const api = new FakeEngineApi().handle('profiles.delete', () => ({ profiles: [], secretStorage: storage }));
    await renderConnections([profile()], api);
    fireEvent.click(screen.getByRole('button', { name: 'Delete app on db.example.com' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete app on db.example.com?' });
    expect(api.callsOf('profiles.delete')).toEqual([]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(api.callsOf('profiles.delete')).toEqual([{ id: 'p1' }]));
    await screen.findByTestId('profiles-empty');
  });

  it('connects directly when the password is known', async () => {
    const api = new FakeEngineApi().handle('profiles.connect', () => ({ ...readyStatus(), profileId: 'p1' }));
    const { services } = await renderConnections([profile({ secretAvailable: true })], api);
    fireEvent.click(screen.getByRole('button', { name: 'Connect to app on db.example.com' }));
    await waitFor(() => expect(api.callsOf('profiles.connect')).toEqual([{ id: 'p1' }]));
    await waitFor(() => expect(services.status.getState().status?.profileId).toBe('p1'));
  });

  it('asks for a password that was not saved, and shows a wrong one’s error in the prompt', async () => {
    const api = new FakeEngineApi().fail(
      'profiles.connect',
      'auth-failed',
      'PostgreSQL rejected the password for user "me".',
      'Type the password again.',
    );
    await renderConnections([profile({ secretAvailable: false, secretSaved: false })], api);
    fireEvent.click(screen.getByRole('button', { name: 'Connect to app on db.example.com' }));
    const dialog = screen.getByRole('dialog', { name: 'Password for app on db.example.com' });
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 'guess' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Connect' }));
    await waitFor(() => expect(api.callsOf('profiles.connect')).toEqual([{ id: 'p1', password: 'guess' }]));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('Type the password again.');
  });

  it('edits a profile with the same form, keeping its id', async () => {
    const api = new FakeEngineApi().handle('profiles.save', (params) => profile({ id: params.id ?? 'x', name: params.name }));
    await renderConnections([profile()], api);
    fireEvent.click(screen.getByRole('button', { name: 'Edit app on db.example.com' }));
    const form = screen.getByRole('form', { name: 'Edit app on db.example.com' });
    fireEvent.change(within(form).getByLabelText('Profile name'), { target: { value: 'billing' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.callsOf('profiles.save')).toHaveLength(1));
    expect(api.callsOf('profiles.save')[0]).toMatchObject({ id: 'p1', name: 'billing' });
    await screen.findByRole('heading', { name: 'Add a connection' });
  });
});
