import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ConnectionProfile } from '../../main/contract/profiles.ts';
import { useEngineStatus, useProfiles, useServices } from '../app/console-context.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { ConnectionForm } from '../components/connection-form.tsx';
import { EngineErrorText } from '../components/engine-error-text.tsx';
import { PasswordPromptDialog } from '../components/password-prompt-dialog.tsx';
import { ProfileList } from '../components/profile-list.tsx';
import { SecretStorageNotice } from '../components/secret-storage-notice.tsx';
import { needsPasswordPrompt } from '../state/profiles-store.ts';
import { toError } from '../state/to-error.ts';

/** Saved connection profiles: connect, edit, delete (after confirmation), and add new ones. */
export function ConnectionsPage() {
  const { profiles: store, status } = useServices();
  const profiles = useProfiles(useShallow((s) => s.profiles));
  const loadError = useProfiles((s) => s.loadError);
  const activeId = useEngineStatus((s) => (s.status?.phase === 'ready' ? s.status.profileId : null));
  const connected = useEngineStatus((s) => s.status?.phase === 'ready');

  const [editing, setEditing] = useState<ConnectionProfile | null>(null);
  const [deleting, setDeleting] = useState<ConnectionProfile | null>(null);
  const [prompting, setPrompting] = useState<ConnectionProfile | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  // Bumped after a save so the add form starts empty again.
  const [formRound, setFormRound] = useState(0);

  const run = async (profile: ConnectionProfile, work: () => Promise<unknown>): Promise<boolean> => {
    setBusyId(profile.id);
    setError(null);
    try {
      await work();
      return true;
    } catch (e) {
      setError(toError(e));
      return false;
    } finally {
      setBusyId(null);
    }
  };

  const connect = (profile: ConnectionProfile, password?: string) =>
    void run(profile, () => store.getState().connect(profile.id, password)).then((ok) => ok && setPrompting(null));
  const onConnect = (profile: ConnectionProfile) => (needsPasswordPrompt(profile) ? setPrompting(profile) : connect(profile));
  const confirmDelete = (profile: ConnectionProfile) =>
    void run(profile, () => store.getState().remove(profile.id)).then(() => {
      setDeleting(null);
      if (editing?.id === profile.id) setEditing(null);
    });
  const disconnect = () => {
    setError(null);
    status
      .getState()
      .run('stack.disconnect', {})
      .catch((e: unknown) => setError(toError(e)));
  };

  return (
    <div className="page page--connections">
      <div className="page__header">
        <h1>Connections</h1>
        {connected && (
          <button type="button" onClick={disconnect}>
            Disconnect
          </button>
        )}
      </div>
      <SecretStorageNotice />
      {loadError && <EngineErrorText error={loadError} />}
      {error && !prompting && <EngineErrorText error={error} />}
      <section className="card" aria-labelledby="saved-heading">
        <h2 id="saved-heading" className="section-title">
          Saved connections
        </h2>
        <ProfileList
          profiles={profiles}
          activeId={activeId}
          busyId={busyId}
          onConnect={onConnect}
          onEdit={setEditing}
          onDelete={setDeleting}
        />
      </section>
      <section className="card" aria-labelledby="form-heading">
        <h2 id="form-heading" className="section-title">
          {editing ? `Edit ${editing.name}` : 'Add a connection'}
        </h2>
        {/* A key per profile (and per round): switching profiles or finishing one starts a fresh form. */}
        <ConnectionForm
          key={`${editing?.id ?? 'new'}-${formRound}`}
          editing={editing}
          onDone={() => {
            setEditing(null);
            setFormRound((n) => n + 1);
          }}
          {...(editing ? { onCancel: () => setEditing(null) } : {})}
          showStorageWarning={false}
        />
      </section>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete"
          dismissLabel="Keep it"
          busy={busyId !== null}
          onConfirm={() => confirmDelete(deleting)}
          onDismiss={() => setDeleting(null)}
        >
          <p>The profile and its saved password are removed from this machine. Your database is not touched.</p>
        </ConfirmDialog>
      )}
      {prompting && (
        <PasswordPromptDialog
          profile={prompting}
          busy={busyId !== null}
          error={error}
          onSubmit={(password) => connect(prompting, password)}
          onDismiss={() => setPrompting(null)}
        />
      )}
    </div>
  );
}
