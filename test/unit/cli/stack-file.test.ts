import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError } from '../../../main/contract/api.ts';
import { REPLICA_POLICIES } from '../../../main/pool/index.ts';
import { applyStackFile, fileFlagsNotOverridden, loadStackFile, parseStackFile, stackFileFlags } from '../../../app/cli/stack-file.ts';
import { redisUrlOfFlags } from '../../../app/cli/redis-topology-options.ts';
import { errorOf } from '../../support/error-of.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hotpath-stack-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What `run` throws (undefined when it returns). */
function thrownBy(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function stackFile(name: string, text: string, mode = 0o600): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  await chmod(file, mode);
  return file;
}

const EXAMPLE = `pg: postgres://app@db1:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem
replicas: [postgres://app@db2:5432/app, postgres://app@db3:5432/app]
replicaPolicy: lag-bounded
replicaMaxLagSeconds: 5
redis: { sentinels: [s1:26379, s2:26379], master: mymaster, tls: true }
l3: s3://bucket/prefix?endpoint=https://minio:9000&forcePathStyle=true
passwordFiles: { pg: ~/.secrets/pg, redis: secrets/redis }
`;

/** The stack flags of app/cli/main.ts that a stack file can set, with the same hook, for parsing as the CLI does. */
function stackCommand(seen: (options: Record<string, unknown>) => void): Command {
  const collect = (value: string, previous: string[]) => [...previous, value];
  return new Command('serve')
    .exitOverride()
    .option('--stack <file>')
    .hook('preAction', (command) => applyStackFile(command))
    .option('--local')
    .option('--pg <url>')
    .option('--pg-replica <url>', '', collect, [])
    .addOption(new Option('--replica-policy <policy>').choices(REPLICA_POLICIES))
    .option('--replica-max-lag <seconds>', '', Number)
    .option('--redis <url>')
    .option('--redis-sentinels <list>')
    .option('--redis-master <name>')
    .option('--redis-cluster <list>')
    .option('--redis-tls')
    .option('--pg-password-file <file>')
    .option('--redis-password-file <file>')
    .option('--cache-l3 <where>')
    .option('--cache-l3-max <size>')
    .option('--port <port>', '', Number, 7300)
    .action((options: Record<string, unknown>) => seen(options));
}

async function parsed(args: string[]): Promise<Record<string, unknown>> {
  let options: Record<string, unknown> = {};
  await stackCommand((seen) => (options = seen)).parseAsync(args, { from: 'user' });
  const { stack: _stack, ...rest } = options;
  return rest;
}

describe('parseStackFile', () => {
  it('reads the example, YAML or JSON, into the fields', () => {
    const { stack } = parseStackFile(EXAMPLE, 'stack.yaml');
    expect(stack.replicas).toHaveLength(2);
    expect(stack.redis).toEqual({ sentinels: ['s1:26379', 's2:26379'], master: 'mymaster', tls: true });
    const json = parseStackFile('{"pg": "postgres://app@db/app", "redis": "redis://r:6379"}', 'stack.json').stack;
    expect(json).toEqual({ pg: 'postgres://app@db/app', redis: { url: 'redis://r:6379' } });
  });

  it('names the file, line, column and field of every problem', () => {
    const text = 'pg: postgres://app@db/app\nreplicas: [postgres://r1/app, 5]\nreplicaPolicy: fastest\ncolour: blue\n';
    const error = thrownBy(() => parseStackFile(text, 'stack.yaml'));
    expect(error).toBeInstanceOf(ContractError);
    const lines = (error as Error).message.split('\n');
    expect(lines[0]).toMatch(/^stack\.yaml:2:31: replicas\[1\]: .*expected string/);
    expect(lines[1]).toMatch(/^stack\.yaml:3:16: replicaPolicy: .*"round-robin"/);
    expect(lines[2]).toBe('stack.yaml:4:1: colour: unknown field');
    expect((error as ContractError).hint).toMatch(/Fields: pg, replicas/);
  });

  it('checks the Redis forms: one of url, sentinels (with master) or cluster; tls not with url', () => {
    const message = (redis: string) => (thrownBy(() => parseStackFile(`redis: ${redis}\n`, 's.yaml')) as Error | undefined)?.message;
    expect(message('{ sentinels: [s1:26379] }')).toMatch(/^s\.yaml:1:8: redis: sentinels needs master/);
    expect(message('{ url: "redis://r", cluster: [n1:6379] }')).toMatch(
      /^s\.yaml:1:\d+: redis\.cluster: give one of url, sentinels or cluster/,
    );
    expect(message('{ master: m }')).toMatch(/redis\.master: master is for sentinels/);
    expect(message('{ url: "redis://r", tls: true }')).toMatch(/redis\.tls: with url, say TLS in the URL/);
    expect(message('{ cluster: [n1:6379, n2:6379], tls: true }')).toBeUndefined();
  });

  it('refuses syntax errors, duplicate keys and a file that is not a mapping, with the place', () => {
    expect((thrownBy(() => parseStackFile('pg: [unclosed\n', 's.yaml')) as Error).message).toMatch(/^s\.yaml:\d+:\d+: syntax error/);
    expect((thrownBy(() => parseStackFile('pg: a\npg: b\n', 's.yaml')) as Error).message).toMatch(/^s\.yaml:2:1: syntax error/);
    expect((thrownBy(() => parseStackFile('- postgres://db/app\n', 's.yaml')) as Error).message).toMatch(/a stack file is a mapping/);
  });
});

describe('stackFileFlags', () => {
  it('maps every field onto the flag it stands for; relative paths from the file, ~ from the home', () => {
    const flags = stackFileFlags(parseStackFile(EXAMPLE, 's.yaml').stack, '/etc/hotpath');
    expect(flags).toEqual({
      pg: 'postgres://app@db1:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem',
      pgReplica: ['postgres://app@db2:5432/app', 'postgres://app@db3:5432/app'],
      replicaPolicy: 'lag-bounded',
      replicaMaxLag: 5,
      redisSentinels: 's1:26379,s2:26379',
      redisMaster: 'mymaster',
      redisTls: true,
      cacheL3: 's3://bucket/prefix?endpoint=https://minio:9000&forcePathStyle=true',
      pgPasswordFile: join(homedir(), '.secrets/pg'),
      redisPasswordFile: '/etc/hotpath/secrets/redis',
    });
    expect(redisUrlOfFlags(flags)).toBe('rediss+sentinel://s1:26379,s2:26379/mymaster');
    expect(stackFileFlags({ l3: 'cache', l3Max: '2GB' }, '/srv')).toEqual({ cacheL3: '/srv/cache', cacheL3Max: '2GB' });
    expect(stackFileFlags({ l3: 'off' }, '/srv')).toEqual({ cacheL3: 'off' });
  });
});

describe('fileFlagsNotOverridden', () => {
  it('keeps the fields whose flag was not typed; any typed Redis location drops all of the file’s Redis', () => {
    const file = { pg: 'postgres://a@db/app', redisSentinels: 's1:26379', redisMaster: 'm', redisTls: true };
    expect(fileFlagsNotOverridden(file, (key) => key === 'pg')).toEqual({ redisSentinels: 's1:26379', redisMaster: 'm', redisTls: true });
    expect(fileFlagsNotOverridden(file, (key) => key === 'redis')).toEqual({ pg: 'postgres://a@db/app' });
    expect(fileFlagsNotOverridden(file, (key) => key === 'redisMaster')).toEqual({
      pg: 'postgres://a@db/app',
      redisSentinels: 's1:26379',
      redisTls: true,
    });
  });
});

describe('loadStackFile: passwords and credentials', () => {
  it('refuses a password in a URL when others can read the file, naming field, line and mode', async () => {
    const text = 'pg: postgres://app@db/app\nreplicas:\n  - postgres://app:secret@r1/app\nredis: redis://:secret@r:6379\n';
    const file = await stackFile('open.yaml', text, 0o644);
    const error = await errorOf(loadStackFile(file));
    expect(error).toBeInstanceOf(ContractError);
    expect((error as Error).message).toContain(
      `${file}:3:5: replicas[0]: holds a password, and ${file} can be read by other users (mode 644)`,
    );
    expect((error as Error).message).toContain(`${file}:4:8: redis.url: holds a password`);
    expect((error as Error).message).not.toContain('secret');
    expect((error as ContractError).hint).toMatch(/passwordFiles .*chmod 600/);
  });

  it('refuses a keyword/value password too, and accepts passwords in a 0600 file', async () => {
    const text = 'pg: host=db dbname=app user=app password=secret\n';
    expect(await errorOf(loadStackFile(await stackFile('kv.yaml', text, 0o640)))).toBeInstanceOf(ContractError);
    expect((await loadStackFile(await stackFile('private.yaml', text, 0o600))).pg).toBe('host=db dbname=app user=app password=secret');
  });

  it('accepts a readable file without passwords', async () => {
    const flags = await loadStackFile(await stackFile('shared.yaml', EXAMPLE, 0o644));
    expect(flags.redisMaster).toBe('mymaster');
  });

  it('refuses S3 credentials in l3 whatever the mode', async () => {
    const file = await stackFile('s3.yaml', 'l3: s3://AK:SK@bucket/p?endpoint=http://m:9000\n');
    expect(((await errorOf(loadStackFile(file))) as Error).message).toMatch(/s3\.yaml:1:5: l3: holds S3 credentials/);
  });

  it('refuses a missing file and a folder', async () => {
    expect(((await errorOf(loadStackFile(join(dir, 'none.yaml')))) as Error).message).toMatch(/cannot be read: it does not exist/);
    expect(((await errorOf(loadStackFile(dir))) as Error).message).toMatch(/is not a file/);
  });
});

describe('--stack through commander (the preAction hook)', () => {
  it('gives the action the same option object as the equivalent flags', async () => {
    const file = await stackFile('same.yaml', EXAMPLE.replace('secrets/redis', '/run/secrets/redis'));
    const fromFile = await parsed(['--stack', file]);
    const fromFlags = await parsed([
      ...['--pg', 'postgres://app@db1:5432/app?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem'],
      ...['--pg-replica', 'postgres://app@db2:5432/app', '--pg-replica', 'postgres://app@db3:5432/app'],
      ...['--replica-policy', 'lag-bounded', '--replica-max-lag', '5'],
      ...['--redis-sentinels', 's1:26379,s2:26379', '--redis-master', 'mymaster', '--redis-tls'],
      ...['--cache-l3', 's3://bucket/prefix?endpoint=https://minio:9000&forcePathStyle=true'],
      ...['--pg-password-file', join(homedir(), '.secrets/pg'), '--redis-password-file', '/run/secrets/redis'],
    ]);
    expect(fromFile).toEqual(fromFlags);
  });

  it('lets flags on the command line override the file, a typed --redis replacing its whole redis', async () => {
    const file = await stackFile('override.yaml', EXAMPLE);
    const options = await parsed(['--stack', file, '--pg', 'postgres://me@other/app', '--redis', 'redis://r:6379', '--port', '0']);
    expect(options.pg).toBe('postgres://me@other/app');
    expect(options.redis).toBe('redis://r:6379');
    expect(options.redisSentinels).toBeUndefined();
    expect(options.redisMaster).toBeUndefined();
    expect(options.redisTls).toBeUndefined();
    expect(options.pgReplica).toHaveLength(2);
    expect(options.port).toBe(0);
    const replicas = await parsed(['--stack', file, '--pg-replica', 'postgres://app@db9/app']);
    expect(replicas.pgReplica).toEqual(['postgres://app@db9/app']);
  });

  it('ignores fields the command has no flag for (optimize takes pg and its password file only)', async () => {
    let options: Record<string, unknown> = {};
    const optimize = new Command('optimize')
      .exitOverride()
      .option('--stack <file>')
      .hook('preAction', (command) => applyStackFile(command))
      .option('--pg <url>')
      .option('--pg-password-file <file>')
      .action((seen: Record<string, unknown>) => {
        options = seen;
      });
    await optimize.parseAsync(['--stack', await stackFile('optimize.yaml', EXAMPLE)], { from: 'user' });
    expect(Object.keys(options).sort()).toEqual(['pg', 'pgPasswordFile', 'stack']);
  });

  it('refuses --stack with --local', async () => {
    const file = await stackFile('local.yaml', EXAMPLE);
    const error = await errorOf(parsed(['--stack', file, '--local']));
    expect((error as Error).message).toMatch(/--stack names your own stack; --local is the demo stack/);
  });
});
