import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { waitFor } from '../../support/wait-for.ts';
import { freePort } from './private-redis-server.ts';

/**
 * Private redis-servers that speak only TLS (`--port 0 --tls-port P`), with a CA, a server certificate (for
 * 127.0.0.1 and localhost) and a client certificate made by openssl in a temp dir; a second CA that signed nothing
 * the servers use, for the untrusted case. Servers require client certificates (redis' default tls-auth-clients
 * yes). Loopback only, no persistence; `stop()` kills every process and removes the dirs.
 */

const run = promisify(execFile);

export interface TlsFiles {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed none of the above. */
  otherCa: string;
}

async function openssl(dir: string, ...args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

/** A CA, a server and a client certificate it signs, and an unrelated CA; RSA 2048, one day. */
export async function makeTlsFiles(): Promise<TlsFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'hotpath-redis-tls-'));
  const f = (name: string) => join(dir, name);
  for (const ca of ['ca', 'other-ca']) {
    await openssl(
      dir,
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=Hotpath test ${ca}`,
      '-keyout',
      f(`${ca}.key`),
      '-out',
      f(`${ca}.pem`),
    );
  }
  await writeFile(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  await writeFile(f('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    await openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who}`, '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`));
    await openssl(
      dir,
      'x509',
      '-req',
      '-in',
      f(`${who}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      f(`${who}.ext`),
      '-out',
      f(`${who}.pem`),
    );
  }
  return {
    dir,
    ca: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
    otherCa: f('other-ca.pem'),
  };
}

/** `?tls_ca=…&tls_cert=…&tls_key=…` for these files (the client certificate included). */
export function tlsQuery(files: TlsFiles, ca = files.ca): string {
  const q = new URLSearchParams({ tls_ca: ca, tls_cert: files.clientCert, tls_key: files.clientKey });
  return `?${q.toString()}`;
}

/** The server's TLS settings as redis-server arguments (also used for the cluster bus and replication). */
function serverTlsArgs(files: TlsFiles, port: number): string[] {
  return [
    '--port',
    '0',
    '--tls-port',
    String(port),
    '--tls-cert-file',
    files.serverCert,
    '--tls-key-file',
    files.serverKey,
    '--tls-ca-cert-file',
    files.ca,
  ];
}

/** One command on a fresh TLS connection that tries once. */
export async function tlsCommand(files: TlsFiles, port: number, ...args: string[]): Promise<string> {
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    tls: {
      ca: await readFile(files.ca, 'utf8'),
      cert: await readFile(files.clientCert, 'utf8'),
      key: await readFile(files.clientKey, 'utf8'),
    },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return String(await client.call(args[0]!, ...args.slice(1)));
  } finally {
    client.disconnect();
  }
}

async function answers(files: TlsFiles, port: number): Promise<boolean> {
  try {
    return (await tlsCommand(files, port, 'PING')) === 'PONG';
  } catch {
    return false;
  }
}

export interface TlsRedis {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function launch(what: string, args: string[], dir: string, port: number, files: TlsFiles): Promise<TlsRedis> {
  const proc = spawn('redis-server', args, { cwd: dir, stdio: 'ignore' });
  const stop = async (): Promise<void> => {
    proc.kill('SIGKILL');
    await exited(proc);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      `${what} on TLS port ${port}`,
      async () => {
        if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}`);
        return (await answers(files, port)) ? true : undefined;
      },
      15_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, dir, stop };
}

/** A TLS-only redis-server (extra arguments, e.g. --replicaof, appended). */
export async function startTlsRedis(files: TlsFiles, extraArgs: string[] = [], chosenPort?: number): Promise<TlsRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'hotpath-tls-redis-'));
  const port = chosenPort ?? (await freePort());
  const args = [...serverTlsArgs(files, port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs];
  return await launch('redis-server', args, dir, port, files);
}

/** A TLS-only Sentinel (TLS to the master and replicas too: tls-replication yes) watching one master. */
export async function startTlsSentinel(files: TlsFiles, masterPort: number, masterName: string): Promise<TlsRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'hotpath-tls-sentinel-'));
  const port = await freePort();
  const config = join(dir, 'sentinel.conf');
  await writeFile(
    config,
    [
      'port 0',
      `tls-port ${port}`,
      `tls-cert-file ${files.serverCert}`,
      `tls-key-file ${files.serverKey}`,
      `tls-ca-cert-file ${files.ca}`,
      'tls-replication yes',
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 1`,
      '',
    ].join('\n'),
  );
  return await launch('redis-sentinel', [config, '--sentinel'], dir, port, files);
}

/** A master and one replica (TLS replication) and one TLS Sentinel; resolves once the sentinel names the master. */
export async function startTlsSentinelGroup(
  files: TlsFiles,
  masterName: string,
): Promise<{ master: TlsRedis; sentinel: TlsRedis; stop(): Promise<void> }> {
  const started: TlsRedis[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((s) => s.stop()));
  };
  try {
    const master = await startTlsRedis(files);
    started.push(master);
    started.push(await startTlsRedis(files, ['--tls-replication', 'yes', '--replicaof', '127.0.0.1', String(master.port)]));
    const sentinel = await startTlsSentinel(files, master.port, masterName);
    started.push(sentinel);
    await waitFor(
      'the TLS sentinel to name the master',
      async () =>
        (await tlsCommand(files, sentinel.port, 'SENTINEL', 'get-master-addr-by-name', masterName)).endsWith(String(master.port))
          ? true
          : undefined,
      15_000,
    );
    return { master, sentinel, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A free port whose cluster bus port (port + 10000) is free and valid too. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 > 65_535) continue;
    try {
      await freePort(port + 10_000);
      return port;
    } catch {
      // the bus port is taken: try another
    }
  }
}

/**
 * `masters` TLS-only Cluster masters (TLS on the cluster bus too), joined by `redis-cli --tls --cluster create`;
 * `extraArgs` go to every server (e.g. --tls-auth-clients no).
 */
export async function startTlsCluster(
  files: TlsFiles,
  masters: number,
  extraArgs: string[] = [],
): Promise<{ servers: TlsRedis[]; stop(): Promise<void> }> {
  const servers: TlsRedis[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      servers.push(
        await startTlsRedis(
          files,
          [
            '--tls-cluster',
            'yes',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '2000',
            ...extraArgs,
          ],
          await clusterPort(),
        ),
      );
    }
    await run('redis-cli', [
      '--tls',
      '--cacert',
      files.ca,
      '--cert',
      files.clientCert,
      '--key',
      files.clientKey,
      '--cluster',
      'create',
      ...servers.map((s) => `127.0.0.1:${s.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const server of servers) {
      await waitFor(
        `the TLS cluster as ${server.port} sees it`,
        async () => (/cluster_state:ok/.test(await tlsCommand(files, server.port, 'CLUSTER', 'INFO')) ? true : undefined),
        30_000,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { servers, stop };
}
