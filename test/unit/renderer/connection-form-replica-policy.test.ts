// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { fieldOfError } from '../../../renderer/forms/connection-error-field.ts';
import { replicaPolicyParams } from '../../../renderer/forms/replica-policy.ts';
import { FakeEngineApi } from './fake-engine-api.ts';
import { profile } from './fixtures.ts';
import { renderConnections } from './render-connections.ts';

afterEach(cleanup);

describe('the read policy in the connection form', () => {
  it('sends the policy chosen, the bound only with lag-bounded, and null on an edit back to the default', () => {
    expect(replicaPolicyParams({ policy: '', maxLagSeconds: '3' }, false)).toEqual({});
    expect(replicaPolicyParams({ policy: '', maxLagSeconds: '' }, true)).toEqual({ replicaPolicy: null, replicaMaxLagSeconds: null });
    expect(replicaPolicyParams({ policy: 'least-loaded', maxLagSeconds: '3' }, false)).toEqual({ replicaPolicy: 'least-loaded' });
    expect(replicaPolicyParams({ policy: 'lag-bounded', maxLagSeconds: ' 2.5 ' }, false)).toEqual({
      replicaPolicy: 'lag-bounded',
      replicaMaxLagSeconds: 2.5,
    });
    expect(replicaPolicyParams({ policy: 'lag-bounded', maxLagSeconds: '' }, true)).toEqual({
      replicaPolicy: 'lag-bounded',
      replicaMaxLagSeconds: null,
    });
  });

  it("puts the engine's refusal of a policy or bound next to the policy's field", () => {
    const error = Object.assign(new Error("replicaMaxLagSeconds: replicaMaxLagSeconds needs replicaPolicy 'lag-bounded'"), {
      code: 'bad-request',
    });
    expect(fieldOfError(error)).toBe('replicaPolicy');
  });

  it('appears once replicas are typed, and saves lag-bounded with the maximum lag typed', async () => {
    const api = new FakeEngineApi().fail(
      'profiles.save',
      'connection-refused',
      'Read replica replica-1: nobody listens there.',
      'Start it.',
    );
    await renderConnections([], api);
    const form = await screen.findByRole('form', { name: 'Connect to my database' });
    expect(within(form).queryByLabelText('Read policy')).toBeNull();
    fireEvent.change(within(form).getByLabelText('PostgreSQL URL'), { target: { value: 'postgres://me@db/app' } });
    fireEvent.change(within(form).getByLabelText('Read replicas (optional)'), { target: { value: 'postgres://me@r1/app' } });
    const policy = within(form).getByLabelText('Read policy') as HTMLSelectElement;
    expect(policy.value).toBe('');
    expect(within(form).queryByLabelText('Maximum replica lag')).toBeNull();
    fireEvent.change(policy, { target: { value: 'lag-bounded' } });
    fireEvent.change(within(form).getByLabelText('Maximum replica lag'), { target: { value: '2.5' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save and connect' }));
    await waitFor(() => expect(api.callsOf('profiles.save')).toHaveLength(1));
    expect(api.callsOf('profiles.save')[0]).toMatchObject({
      replicaUrls: ['postgres://me@r1/app'],
      replicaPolicy: 'lag-bounded',
      replicaMaxLagSeconds: 2.5,
    });
  });

  it('shows a saved profile’s policy when editing it, and sends null when set back to the default', async () => {
    const api = new FakeEngineApi().fail('profiles.save', 'busy', 'The engine is connecting.', 'Wait.');
    const saved = profile({ replicaDisplayUrls: ['postgres://r1/app'], replicaPolicy: 'least-loaded' });
    await renderConnections([saved], api);
    fireEvent.click(screen.getByRole('button', { name: `Edit ${saved.name}` }));
    const form = screen.getByRole('form', { name: `Edit ${saved.name}` });
    const policy = within(form).getByLabelText('Read policy') as HTMLSelectElement;
    expect(policy.value).toBe('least-loaded');
    fireEvent.change(policy, { target: { value: '' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.callsOf('profiles.save')).toHaveLength(1));
    expect(api.callsOf('profiles.save')[0]).toMatchObject({ id: saved.id, replicaPolicy: null, replicaMaxLagSeconds: null });
  });
});
