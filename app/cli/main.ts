/**
 * The `hotpath` command line: options, help and validation only. Each command's module is imported inside its
 * action, so `--help` and `--version` load commander and this file and none of the engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultDataDir } from '../../main/stack/index.ts';
import { DEFAULT_REPLICA_MAX_LAG_SECONDS, REPLICA_POLICIES } from '../../main/pool/index.ts';
import { DEFAULT_PROFILE_TOP, DEFAULT_SETTLE_MS, MEASUREMENT_WINDOW_S } from '../../main/workload/index.ts';
import { MAX_SAMPLE_ACTIVITY_SECONDS } from '../../main/contract/advisor.ts';
import { CAPACITY_DEFAULTS, CAPACITY_MAX_WINDOW_SECONDS } from '../../main/contract/capacity.ts';
import { PACKAGE_ROOT } from './package-root.ts';
import { parseStorageSize } from './storage-size.ts';
import { DEFAULT_CACHE_L1_MIB, DEFAULT_DEMO_CHUNKS } from './stack-flag-defaults.ts';

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive whole number, got "${value}".`);
    return n;
  };
}

function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0, got "${value}".`);
    return n;
  };
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`--port must be 0 (any free port) to 65535, got "${value}".`);
  return n;
}

function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${value}".`);
    return n;
  };
}

/** Seconds of settling: the last MEASUREMENT_WINDOW_S are measured, so less would count the state before the change. */
function atLeastTheWindow(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < MEASUREMENT_WINDOW_S) {
      throw new InvalidArgumentError(
        `${name} must be at least ${MEASUREMENT_WINDOW_S} (seconds: the last ${MEASUREMENT_WINDOW_S} s are measured), got "${value}".`,
      );
    }
    return n;
  };
}

/** A repeatable option: each use adds its value. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function sampleSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > MAX_SAMPLE_ACTIVITY_SECONDS) {
    throw new InvalidArgumentError(
      `--sample-activity must be a whole number of seconds from 1 to ${MAX_SAMPLE_ACTIVITY_SECONDS}, got "${value}".`,
    );
  }
  return n;
}

/** The measured window plus 15 s, so "before" leaves out the workload's start (cold connections, indexes loading). */
const DEFAULT_WARMUP_S = MEASUREMENT_WINDOW_S + 15;

const { version } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };

const program = new Command()
  .name('hotpath')
  .version(version, '-V, --version', "print Hotpath's version")
  .description(
    'Performance console for PostgreSQL + Redis services: live latency percentiles, caches, pool and memory, one-click optimize.',
  )
  .showHelpAfterError('(run with --help for usage)');

/**
 * `--stack FILE`: the stack's flags from a YAML/JSON file (app/cli/stack-file.ts), filled in before the action runs,
 * so the action sees one option object whichever way it was given.
 */
function withStackFile(command: Command): Command {
  return command
    .option(
      '--stack <file>',
      'the stack from a YAML/JSON file (pg, replicas, replicaPolicy, replicaMaxLagSeconds, redis, l3, l3Max, passwordFiles); flags given on the command line override its fields',
    )
    .hook('preAction', async (thisCommand) => {
      const { applyStackFile } = await import('./stack-file.ts');
      await applyStackFile(thisCommand);
    });
}

/** The stack and workload options `serve` and `start` share. */
function withStackOptions(command: Command): Command {
  return withStackFile(command)
    .option('--local', 'use the local demo stack: embedded PostgreSQL (+ a private redis-server when installed)')
    .option('--pg <url>', 'your PostgreSQL URL, e.g. postgres://user:pass@host:5432/db?sslmode=verify-full')
    .option(
      '--pg-replica <url>',
      "a read replica of --pg (repeatable: replica-1, replica-2, …): the workload's reads go there round robin; without a password it uses the primary's",
      collect,
      [],
    )
    .addOption(
      new Option(
        '--replica-policy <policy>',
        'how the reads are spread over the --pg-replica servers: round-robin, least-loaded (fewest reads in flight), or lag-bounded (round robin over those within --replica-max-lag, else the primary)',
      ).choices(REPLICA_POLICIES),
    )
    .option(
      '--replica-max-lag <seconds>',
      `lag-bounded: the most replication lag a replica may have to take reads (default ${DEFAULT_REPLICA_MAX_LAG_SECONDS})`,
      positiveNumber('--replica-max-lag'),
    )
    .option('--redis <url>', 'your Redis URL, e.g. redis://host:6379 (with --pg)')
    .option(
      '--redis-sentinels <host:port,…>',
      'your Redis behind Sentinel: the sentinels (default port 26379), with --redis-master; instead of --redis',
    )
    .option('--redis-master <name>', 'the master name the --redis-sentinels monitor (as in their "sentinel monitor NAME …")')
    .option('--redis-cluster <host:port,…>', 'your Redis Cluster: seed nodes (default port 6379); instead of --redis')
    .option(
      '--redis-tls',
      'TLS to the --redis-sentinels and their master, or to the --redis-cluster nodes (system CAs; certificate files: --redis rediss+…://…?tls_ca=FILE)',
    )
    .option(
      '--pg-password-file <file>',
      'read the PostgreSQL password from the first line of this file (also: PGPASSWORD, ~/.pgpass, PGPASSFILE, or a prompt)',
    )
    .option('--redis-password-file <file>', 'read the Redis password from the first line of this file (also: REDISCLI_AUTH)')
    .option('--data-dir <dir>', 'data folder: the local demo stack and saved connection profiles', defaultDataDir())
    .option('--port <port>', 'port on 127.0.0.1 (0 = any free port)', port, 7300)
    .option('--workload <demo|file>', 'start a workload once ready: the demo profile or a profile file (YAML/JSON)')
    .option('--rate <n>', "target requests per second of the workload (default: the profile's rate)", positiveNumber('--rate'))
    .option('--chunks <n>', 'chunks of demo data to seed', positiveInt('--chunks'), DEFAULT_DEMO_CHUNKS)
    .option('--seed', 'seed the demo schema "unified" into the --pg database (the local stack seeds itself)')
    .option('--no-local-redis', 'do not start a private redis-server for the local stack')
    .addOption(new Option('--pool-size <n>', 'connections of the workload pool').argParser(positiveInt('--pool-size')))
    .option(
      '--cache-l1 <MiB>',
      'memory budget of the L1 cache in MiB (changeable in the console)',
      positiveNumber('--cache-l1'),
      DEFAULT_CACHE_L1_MIB,
    )
    .option(
      '--cache-l3 <dir|off|s3-url>',
      'L3 object-store tier: a folder (default: cache-l3 in the data folder), off, or s3://bucket/prefix?endpoint=URL (credentials from AWS_* variables)',
    )
    .option(
      '--cache-l3-max <size>',
      'byte budget of the folder L3 tier, e.g. 2GB or 500MiB (default 1 GiB); least recently used files go first',
    )
    .option('--no-cache', 'turn the cache off: cached templates go to the database every time')
    .option(
      '--memory-budget <size>',
      'memory budget of the engine, e.g. 512MiB or 2GiB (default: a quarter of the machine, 256 MiB to 2 GiB)',
    )
    .option('--read-only', 'run no DDL at all: the index advisor proposes, never builds or rolls back');
}

withStackOptions(
  program
    .command('serve')
    .description('Run the engine headless on 127.0.0.1: the console in a browser, /healthz, Prometheus /metrics, the contract WebSocket.'),
)
  .addHelpText(
    'after',
    `
Without --local or --pg the engine starts unconnected and the console offers the choice.

Examples:
  hotpath serve --local --workload demo --rate 500
  hotpath serve --pg postgres://me@127.0.0.1:5432/app --seed --workload demo
  hotpath serve --pg "host=db dbname=app user=me" --pg-password-file ~/.secrets/db
  hotpath serve --pg postgres://me@db/app --redis-sentinels s1:26379,s2:26379,s3:26379 --redis-master mymaster
  hotpath serve --pg postgres://me@db/app --redis-cluster r1:6379,r2:6379,r3:6379

Passwords, as psql takes them (first found wins): the connection string, --pg-password-file, PGPASSWORD,
the password file (passfile=, PGPASSFILE, ~/.pgpass: mode 0600), then a prompt if the server asks and
this is a terminal. Redis: the URL, --redis-password-file, then REDISCLI_AUTH.
  hotpath serve --pg postgres://me@db:5432/app --workload ./my-profile.yaml --rate 200

The console URL and the WebSocket carry a per-launch token (set HOTPATH_TOKEN to choose it).

A stack file (--stack FILE, YAML or JSON) holds the same options; a flag given on the command line
overrides the file's field (--redis, --redis-sentinels or --redis-cluster replace its whole redis):
  pg: postgres://app@db1:5432/app?sslmode=verify-full
  replicas: [postgres://app@db2:5432/app]
  replicaPolicy: lag-bounded
  replicaMaxLagSeconds: 5
  redis: { sentinels: [s1:26379, s2:26379], master: mymaster, tls: true }   # or { url: … } or { cluster: [n1:6379] }
  l3: s3://bucket/prefix?endpoint=https://minio:9000&forcePathStyle=true
  passwordFiles: { pg: ~/.secrets/pg, redis: ~/.secrets/redis }
Relative paths are relative to the file. A password inside a URL is refused unless the file is mode 0600.`,
  )
  .option('--no-dedicated-core', "Linux: let the engine's thread share the CPUs with Hotpath's other threads (see README, Find capacity)")
  .action(async (options) => {
    const { serve } = await import('./commands/serve.ts');
    await serve(options);
  });

withStackOptions(
  program
    .command('start')
    .description('Open the console: the desktop window when Electron is installed, otherwise the console in your browser.'),
).action(async (options) => {
  const { start } = await import('./commands/start.ts');
  await start(options);
});

withStackFile(
  program
    .command('optimize')
    .description('Analyze the workload and build the indexes that would help, online; print the plan, and before/after.'),
)
  .option('--pg <url>', 'your PostgreSQL URL (pg_stat_statements is where the workload is read from)')
  .option(
    '--pg-password-file <file>',
    'read the PostgreSQL password from the first line of this file (also: PGPASSWORD, ~/.pgpass, PGPASSFILE, or a prompt)',
  )
  .option('--local', 'the local demo stack instead (seeded with the demo data)')
  .option('--data-dir <dir>', 'data folder: the local stack, and the history of indexes Hotpath built', defaultDataDir())
  .option('--workload <demo|file>', 'run this workload meanwhile, to measure latency before and after on live traffic')
  .option('--rate <n>', 'target requests/s of that workload', positiveNumber('--rate'))
  .option(
    '--warmup <s>',
    `seconds the workload runs before the plan is made (its last ${MEASUREMENT_WINDOW_S} s are "before")`,
    positiveNumber('--warmup'),
    DEFAULT_WARMUP_S,
  )
  .option(
    '--settle <s>',
    `seconds (at least ${MEASUREMENT_WINDOW_S}) the workload runs on the result before "after" is read, its last ${MEASUREMENT_WINDOW_S} s counting (default ${DEFAULT_SETTLE_MS / 1000})`,
    atLeastTheWindow('--settle'),
  )
  .option(
    '--budget <size>',
    "storage for new indexes, e.g. 500MB, 1.5GB or 800MiB (default: a share of the database's size)",
    (value: string) => parseStorageSize('--budget', value),
  )
  .option('--statements <file>', 'also analyze the statements of this SQL file (repeatable)', collect, [])
  .option('--log <file>', 'also analyze the statements a server log recorded: stderr, csvlog or jsonlog (repeatable)', collect, [])
  .option(
    '--sample-activity <s>',
    `also sample the statements running in pg_stat_activity for this many seconds (at most ${MAX_SAMPLE_ACTIVITY_SECONDS})`,
    sampleSeconds,
  )
  .option('--dry-run', 'print the plan and change nothing')
  .option(
    '--json',
    'print JSON: { method, proposals: [{ table, columns, method, predicate, ddl, … }], findings, skipped, steps, applied, before, after }',
  )
  .addHelpText(
    'after',
    `
The workload is pg_stat_statements (when created in the database), the --workload's statements, and what
--statements, --log and --sample-activity add. A log's statements are found where the server logs them:
log_min_duration_statement = 0 (or log_statement = 'all'), in English (lc_messages = 'C').

Examples:
  hotpath optimize --pg postgres://me@db:5432/app --dry-run
  hotpath optimize --local --workload demo --rate 500
  hotpath optimize --pg postgres://me@db:5432/app --dry-run --json
  hotpath optimize --pg postgres://me@db:5432/app --dry-run --budget 500MB --statements queries.sql
  hotpath optimize --pg postgres://me@db:5432/app --dry-run --log /var/log/postgresql/postgresql-15-main.log
  hotpath optimize --pg postgres://me@db:5432/app --dry-run --sample-activity 60
  hotpath optimize --stack stack.yaml --dry-run   (the file's pg and passwordFiles.pg; --pg overrides)`,
  )
  .action(async (options) => {
    const { optimize } = await import('./commands/optimize.ts');
    await optimize(options);
  });

program
  .command('profile')
  .description('Workload profiles made from what your database runs.')
  .command('from-stats')
  .description(
    'Write a workload profile of the busiest reads in pg_stat_statements (weighted by calls, parameters drawn from the column statistics), to measure Optimize on your own statements.',
  )
  .requiredOption('--pg <url>', 'your PostgreSQL URL (the profile holds only the statements this role ran, and runs as it)')
  .option(
    '--pg-password-file <file>',
    'read the PostgreSQL password from the first line of this file (also: PGPASSWORD, ~/.pgpass, PGPASSFILE, or a prompt)',
  )
  .option('--top <n>', 'include at most this many statements, the busiest (total time) first', positiveInt('--top'), DEFAULT_PROFILE_TOP)
  .option('--out <file>', 'write the profile (JSON) to this file instead of standard output')
  .option('--force', 'overwrite --out when it exists')
  .option('--name <name>', "the profile's name")
  .addHelpText(
    'after',
    `
Only SELECTs are included: the workload never writes to your database. Each statement's parameters are bound to the
column they are compared to (col = $1, <, >, IN, BETWEEN, LIKE; LIMIT from the rows per call) and drawn from pg_stats;
a statement that cannot be (a parameter compared to an expression, a column never ANALYZEd, another role's statement)
is listed as skipped, with the reason.

Examples:
  hotpath profile from-stats --pg postgres://me@db:5432/app --out app-profile.json
  hotpath optimize --pg postgres://me@db:5432/app --workload app-profile.json --rate 50`,
  )
  .action(async (options) => {
    const { profileFromStatsCommand } = await import('./commands/profile.ts');
    await profileFromStatsCommand(options);
  });

program
  .command('bench')
  .description('Run benchmarks and print each as a table with the command that reproduces it.')
  .argument(
    '[suites...]',
    'runner, seeding, cache-throughput, cache (with --trace), pool (minutes), capacity (--local or --pg: ramp the workload until a success metric fails; minutes a step), advisor (TPC-H index selection vs Extend, minutes), cpu-path (--local or --pg: CPU per request of the engine thread by part of the path, at --rate for --runs windows of --seconds), read-only (the read-only guard vs a READ ONLY transaction per request), soak (--minutes), planner (minutes), startup (--version and --help of the compiled CLI vs the tsx shim), or all (the quick ones: runner, seeding and cache-throughput)',
    ['all'],
  )
  .option('--json', 'print JSON instead of tables')
  .option(
    '--pg <url>',
    'PostgreSQL server for suites that need one (default: seeding and read-only use postgres://postgres@127.0.0.1:5432/postgres, pool a fresh local demo stack)',
  )
  .option('--chunks <n>', 'rows per seeding run; planner: demo chunks to seed', positiveInt('--chunks'), 50_000)
  .option('--runs <n>', 'runs per variant (the median is reported)', positiveInt('--runs'), 3)
  .option(
    '--seconds <n>',
    'seconds per measurement (runner; pool and read-only: per client or variant and concurrency)',
    positiveNumber('--seconds'),
    3,
  )
  .addOption(new Option('--trace <file>', 'cache trace to replay (gzip is fine)'))
  .addOption(new Option('--format <format>', "the trace's format").choices(['lirs', 'arc', 'cache2k', 'adaptsize']))
  .option('--size <n>', 'cache capacity in entries for the trace replay', positiveInt('--size'), 1000)
  .option('--all', 'cache: every trace of the folder given by --trace (default ../shared/traces) at its README reference sizes, one table')
  .option(
    '--hash-seeds <n>',
    'cache --all: run the L1 and fixed-window TinyLFU with this many key hashes and report their means (the L1 with its range)',
    positiveInt('--hash-seeds'),
    1,
  )
  .option('--minutes <n>', 'soak: minutes of the demo workload with the cache on', positiveNumber('--minutes'), 10)
  .option('--rate <n>', 'soak, cpu-path: target requests/s', positiveNumber('--rate'), 200)
  .option('--warmup <n>', 'planner: hybrid queries answered (the selector learning) before measuring', positiveInt('--warmup'), 1500)
  .option('--queries <n>', 'planner: hybrid queries measured with every plan', positiveInt('--queries'), 400)
  .option('--scale <sf>', 'advisor: TPC-H scale factor (1 ≈ 1 GB, 6 million lineitems)', positiveNumber('--scale'), 1)
  .option('--from-stat-statements', 'advisor: also run the queries and analyze from pg_stat_statements alone (needs it preloaded)')
  .option('--local', 'capacity, cpu-path: the local demo stack in --data-dir (the one `hotpath serve --local` runs)')
  .option('--data-dir <dir>', 'capacity, cpu-path: data folder of the local demo stack', defaultDataDir())
  .option('--profile-dir <dir>', "cpu-path: write each window's V8 profile there (.cpuprofile, for a flame graph)")
  .option('--workload <demo|file>', 'capacity: the workload to ramp (default demo)')
  .addOption(new Option('--pool-size <n>', 'capacity: connections of the workload pool').argParser(positiveInt('--pool-size')))
  .option('--no-dedicated-core', "capacity (Linux): let the engine's thread share the CPUs with Hotpath's other threads")
  .option(
    '--start-rate <n>',
    `capacity: the first step's requests/s (default ${CAPACITY_DEFAULTS.startRate})`,
    positiveNumber('--start-rate'),
  )
  .option('--step <n>', `capacity: requests/s added each step (default ${CAPACITY_DEFAULTS.step})`, positiveNumber('--step'))
  .option(
    '--max-rate <n>',
    `capacity: the last step's requests/s at most (default ${CAPACITY_DEFAULTS.maxRate})`,
    positiveNumber('--max-rate'),
  )
  .option(
    '--window-seconds <n>',
    `capacity: seconds all eight metrics must hold for a step to pass (default ${CAPACITY_DEFAULTS.windowSeconds}, at most ${CAPACITY_MAX_WINDOW_SECONDS})`,
    positiveInt('--window-seconds'),
  )
  .option(
    '--settle-seconds <n>',
    `capacity: seconds after each rate change that are not judged (default ${CAPACITY_DEFAULTS.settleSeconds}); cpu-path: seconds of workload before the first window (default 20)`,
    nonNegativeInt('--settle-seconds'),
  )
  .option(
    '--warmup-max-seconds <n>',
    `capacity: longest the cache warms at the start rate before the first step, until its hit rate is steady; 0 skips it (default ${CAPACITY_DEFAULTS.warmupMaxSeconds})`,
    nonNegativeInt('--warmup-max-seconds'),
  )
  .action(async (suites: string[], options) => {
    const { bench } = await import('./commands/bench.ts');
    await bench(suites, options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const { ContractError } = await import('../../main/contract/api.ts');
  const { maskSecretsInText } = await import('../../main/stack/index.ts');
  // ContractError and the engine's other user-facing errors (e.g. MemoryBudgetError) carry a next step.
  const hintText = error instanceof ContractError ? error.hint : (error as { hint?: unknown } | null)?.hint;
  const hint = typeof hintText === 'string' && hintText ? `\n${hintText}` : '';
  // Whatever failed may quote a connection string (commander echoes option values): never print a password.
  process.stderr.write(maskSecretsInText(`hotpath: ${error instanceof Error ? error.message : String(error)}${hint}`) + '\n');
  process.exitCode = 1;
}
