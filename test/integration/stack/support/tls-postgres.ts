import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialiseCluster, startCluster } from '../../../../main/stack/local/embedded-postgres-launcher.ts';

export interface TlsPostgres {
  port: number;
  password: string;
  /** The CA that signed the server certificate. */
  caFile: string;
  /** The only name in the server certificate (never resolved: the tests connect to 127.0.0.1). */
  certificateHost: string;
  stop(): Promise<void>;
}

const CERT_HOST = 'db.hotpath.invalid';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/**
 * A real PostgreSQL with TLS on: a throwaway CA signs a server certificate for `db.hotpath.invalid` only, and
 * pg_hba accepts TCP only over TLS (hostssl), so every TLS outcome can be produced against a real server.
 */
export async function startTlsPostgres(): Promise<TlsPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'hotpath-tls-pg-'));
  // As root the server runs as `postgres`, which must traverse this folder and read its certificate and key.
  await chmod(dir, 0o711);
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Hotpath Test CA'],
    dir,
  );
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${CERT_HOST}`], dir);
  await writeFile(join(dir, 'san.ext'), `subjectAltName=DNS:${CERT_HOST}\n`);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'san.ext',
    ],
    dir,
  );
  await chmod(join(dir, 'server.key'), 0o600);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    await chown(join(dir, 'server.key'), uid, gid);
    await chown(join(dir, 'server.crt'), uid, gid);
  }

  const password = 'tls-test-pw';
  const databaseDir = join(dir, 'pg');
  await initialiseCluster({ databaseDir, password });
  const hbaFile = join(databaseDir, 'pg_hba.conf');
  const hba = await readFile(hbaFile, 'utf8');
  await writeFile(hbaFile, hba.replace(/^host(\s)/gm, 'hostssl$1'));
  const server = await startCluster({
    databaseDir,
    password,
    extraFlags: ['-c', 'ssl=on', '-c', `ssl_cert_file=${join(dir, 'server.crt')}`, '-c', `ssl_key_file=${join(dir, 'server.key')}`],
  });
  return {
    port: server.port,
    password,
    caFile: join(dir, 'ca.crt'),
    certificateHost: CERT_HOST,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
