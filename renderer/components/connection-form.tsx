import { useState, type FormEvent } from 'react';
import type { ConnectionProfile, ConnectionTest } from '../../main/contract/profiles.ts';
import { useProfiles, useServices } from '../app/console-context.ts';
import { fieldOfError, type ConnectionField } from '../forms/connection-error-field.ts';
import { suggestProfileName } from '../forms/profile-name.ts';
import { toError } from '../state/to-error.ts';
import { ConnectionFormActions, type ConnectionFormBusy } from './connection-form-actions.tsx';
import { ConnectionTestResult } from './connection-test-result.tsx';
import { EngineErrorText } from './engine-error-text.tsx';
import { RememberPasswordField } from './remember-password-field.tsx';
import { ReplicaUrlsField } from './replica-urls-field.tsx';
import { replicaText, replicaUrlsOf } from '../forms/replica-urls.ts';
import { ReplicaPolicyField } from './replica-policy-field.tsx';
import { replicaPolicyDraft, replicaPolicyParams } from '../forms/replica-policy.ts';
import { TextField } from './text-field.tsx';

interface ConnectionFormProps {
  /** The profile being edited; absent to add a new one. */
  editing?: ConnectionProfile | null;
  /** After a save (and a connect, when `connected`). */
  onDone?(profile: ConnectionProfile, connected: boolean): void;
  onCancel?(): void;
  /** False where the page already shows the host's secret-storage warning. */
  showStorageWarning?: boolean;
}

interface FieldError {
  field: ConnectionField;
  error: Error;
}

/** The URLs as the engine takes them: trimmed, an empty Redis URL left out, the replicas one per line. */
function stackUrls(pgUrl: string, redisUrl: string, replicas: string): { pgUrl: string; redisUrl?: string; replicaUrls?: string[] } {
  const redis = redisUrl.trim();
  const replicaUrls = replicaUrlsOf(replicas);
  return {
    pgUrl: pgUrl.trim(),
    ...(redis === '' ? {} : { redisUrl: redis }),
    ...(replicaUrls.length > 0 ? { replicaUrls } : {}),
  };
}

/**
 * Connect to your own database: PostgreSQL URL, optional Redis URL, a connection test
 * that changes nothing, then save the profile and connect. An engine error appears
 * next to the field it concerns, with the engine's message and hint.
 */
export function ConnectionForm({ editing = null, onDone, onCancel, showStorageWarning = true }: ConnectionFormProps) {
  const { api } = useServices();
  const save = useProfiles((s) => s.save);
  const connect = useProfiles((s) => s.connect);
  const secretStorage = useProfiles((s) => s.secretStorage);

  const [name, setName] = useState(editing?.name ?? '');
  const [pgUrl, setPgUrl] = useState(editing?.pgDisplayUrl ?? '');
  const [redisUrl, setRedisUrl] = useState(editing?.redisDisplayUrl ?? '');
  const [replicas, setReplicas] = useState(replicaText(editing?.replicaDisplayUrls));
  const [readPolicy, setReadPolicy] = useState(replicaPolicyDraft(editing));
  const [l3Url, setL3Url] = useState(editing?.l3DisplayUrl ?? '');
  const [remember, setRemember] = useState(editing?.secretSaved ?? false);
  const [busy, setBusy] = useState<ConnectionFormBusy>(null);
  const [failure, setFailure] = useState<FieldError | null>(null);
  const [missingUrl, setMissingUrl] = useState(false);
  const [tested, setTested] = useState<ConnectionTest | null>(null);
  // After a save whose connect failed, retrying edits that profile instead of adding a twin.
  const [savedId, setSavedId] = useState<string | null>(editing?.id ?? null);

  const errorFor = (field: ConnectionField) => (failure?.field === field ? failure.error : null);
  const urls = stackUrls(pgUrl, redisUrl, replicas);

  const begin = (what: ConnectionFormBusy): boolean => {
    if (pgUrl.trim() === '') {
      setMissingUrl(true);
      return false;
    }
    setMissingUrl(false);
    setFailure(null);
    setBusy(what);
    return true;
  };
  const fail = (error: unknown) => {
    const e = toError(error);
    setFailure({ field: fieldOfError(e), error: e });
  };

  const test = async () => {
    if (!begin('test')) return;
    setTested(null);
    try {
      setTested(await api.call('stack.test', { ...urls, ...(l3Url.trim() === '' ? {} : { l3Url: l3Url.trim() }) }));
    } catch (error) {
      fail(error);
    } finally {
      setBusy(null);
    }
  };

  const submit = async (andConnect: boolean) => {
    if (!begin(andConnect ? 'connect' : 'save')) return;
    try {
      const profile = await save({
        ...(savedId ? { id: savedId } : {}),
        name: name.trim() || suggestProfileName(pgUrl),
        ...urls,
        // An edit that clears the field removes the replicas (absent would keep them).
        ...(savedId && !urls.replicaUrls ? { replicaUrls: [] } : {}),
        // Likewise an empty object store field removes the profile's L3 (the engine's start-up one applies).
        ...(l3Url.trim() !== '' ? { l3Url: l3Url.trim() } : savedId ? { l3Url: '' } : {}),
        ...replicaPolicyParams(readPolicy, savedId !== null),
        saveSecret: remember && (secretStorage?.canPersist ?? false),
      });
      setSavedId(profile.id);
      if (andConnect) await connect(profile.id);
      onDone?.(profile, andConnect);
    } catch (error) {
      fail(error);
    } finally {
      setBusy(null);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(true);
  };

  return (
    <form
      className="connection-form"
      onSubmit={onSubmit}
      noValidate
      aria-label={editing ? `Edit ${editing.name}` : 'Connect to my database'}
    >
      <TextField
        label="PostgreSQL URL"
        value={pgUrl}
        onChange={setPgUrl}
        placeholder="postgres://user:password@db.example.com:5432/app?sslmode=verify-full"
        help={
          editing?.needsSecret
            ? 'The password shows as ****: type it again to change it.'
            : 'TLS options as in libpq: sslmode, sslrootcert, sslcert, sslkey.'
        }
        autoComplete="off"
        spellCheck={false}
        required
        error={errorFor('pgUrl')}
        invalid={missingUrl ? 'Enter a PostgreSQL URL, e.g. postgres://user:password@host:5432/database.' : null}
      />
      <ReplicaUrlsField value={replicas} onChange={setReplicas} error={errorFor('replicaUrls')} />
      <ReplicaPolicyField replicas={replicas} value={readPolicy} onChange={setReadPolicy} error={errorFor('replicaPolicy')} />
      <TextField
        label="Redis URL (optional)"
        value={redisUrl}
        onChange={setRedisUrl}
        placeholder="redis://:password@cache.example.com:6379/0"
        help="Sentinel: redis+sentinel://:password@sentinel1:26379,sentinel2:26379/master-name. Cluster: redis+cluster://:password@node1:6379,node2:6379."
        autoComplete="off"
        spellCheck={false}
        error={errorFor('redisUrl')}
      />
      <TextField
        label="Object store (L3, optional)"
        value={l3Url}
        onChange={setL3Url}
        placeholder="s3://bucket/hotpath-cache/?endpoint=http://minio:9000&forcePathStyle=true, or /var/cache/hotpath"
        help="A folder, or an S3 bucket: credentials as s3://KEY_ID:SECRET@bucket/… (kept like the passwords), or none to use the AWS_* environment variables. Empty: the engine's own L3."
        autoComplete="off"
        spellCheck={false}
        error={errorFor('l3Url')}
      />
      <TextField
        label="Profile name"
        value={name}
        onChange={setName}
        placeholder={pgUrl.trim() ? suggestProfileName(pgUrl) : 'e.g. production replica'}
        help="Optional: the database and host are used when left empty."
        error={errorFor('name')}
      />
      <RememberPasswordField checked={remember} onChange={setRemember} secretStorage={secretStorage} showWarning={showStorageWarning} />
      {failure?.field === 'form' && <EngineErrorText error={failure.error} />}
      {tested && <ConnectionTestResult result={tested} redisAsked={urls.redisUrl !== undefined} />}
      <ConnectionFormActions
        busy={busy}
        onTest={() => void test()}
        onSave={editing ? () => void submit(false) : undefined}
        onCancel={onCancel}
      />
    </form>
  );
}
