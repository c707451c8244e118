import { chmod, mkdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { StackError } from '../stack-errors.ts';

/** Where the local stack keeps its data when running as root (see `defaultDataDir`). */
export const ROOT_DATA_DIR = '/var/lib/hotpath';

export interface DataDirContext {
  platform: NodeJS.Platform;
  uid: number | undefined;
  env: NodeJS.ProcessEnv;
  home: string;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * The app's data folder: `%APPDATA%\Hotpath` on Windows, `~/Library/Application Support/Hotpath` on macOS,
 * `$XDG_DATA_HOME/hotpath` (default `~/.local/share/hotpath`) elsewhere. As root it is /var/lib/hotpath:
 * PostgreSQL refuses to run as root and runs as the `postgres` user, which cannot enter /root.
 */
export function defaultDataDir(context: Partial<DataDirContext> = {}): string {
  const platform = context.platform ?? process.platform;
  const uid = 'uid' in context ? context.uid : process.getuid?.();
  const env = context.env ?? process.env;
  const home = context.home ?? homedir();
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'Hotpath');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'Hotpath');
  if (uid === 0) return ROOT_DATA_DIR;
  const xdg = env.XDG_DATA_HOME;
  return path.posix.join(xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share'), 'hotpath');
}

/** The layout of a local stack's data folder. */
export interface LocalStackPaths {
  root: string;
  /** PostgreSQL's data directory (PGDATA), owned by the `postgres` user when we run as root. */
  postgres: string;
  /** Redis's working directory: config, pid file; no data (persistence is off). */
  redis: string;
  redisPidFile: string;
  redisConfig: string;
  /** Generated passwords, mode 0600. */
  credentials: string;
  /** Pid of the Hotpath process that runs the stack, to tell a running stack from an orphaned one. */
  ownerPidFile: string;
}

export function localStackPaths(root: string): LocalStackPaths {
  const redis = path.join(root, 'redis');
  return {
    root,
    postgres: path.join(root, 'postgres'),
    redis,
    redisPidFile: path.join(redis, 'redis-server.pid'),
    redisConfig: path.join(redis, 'redis.conf'),
    credentials: path.join(root, 'credentials.json'),
    ownerPidFile: path.join(root, 'hotpath-owner.pid'),
  };
}

/**
 * Every folder above the data folder must let the `postgres` user pass (x for others), or PostgreSQL cannot
 * open its data directory. Checked up front, because initdb's own error does not say which folder is at fault.
 */
async function assertReachableByPostgresUser(dir: string): Promise<void> {
  let current = path.dirname(dir);
  for (;;) {
    const info = await stat(current);
    if ((info.mode & 0o001) === 0) {
      throw new StackError(
        'data-dir-unusable',
        `PostgreSQL refuses to run as root, so it runs as the "postgres" user, and that user cannot reach ${dir}: ${current} is closed to other users.`,
        `Choose a data folder outside ${current}, e.g. ${ROOT_DATA_DIR} (the default when running as root), or open the folder for traversal with chmod o+x ${current}.`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/**
 * Creates the data folder (private to this user) and returns its real absolute path, which is what the
 * processes we start report in /proc and what orphan detection compares against.
 */
export async function prepareDataDir(dataDir: string): Promise<LocalStackPaths> {
  const absolute = path.resolve(dataDir);
  try {
    await mkdir(absolute, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StackError(
      'data-dir-unusable',
      `Cannot create the data folder ${absolute}: ${(error as Error).message}`,
      'Choose a folder this user can write to (--data-dir).',
      { cause: error },
    );
  }
  const root = await realpath(absolute);
  if (isRoot()) {
    // The postgres user must traverse (not list) our folder to reach its own PGDATA inside it.
    await chmod(root, 0o711);
    await assertReachableByPostgresUser(root);
  }
  const paths = localStackPaths(root);
  await mkdir(paths.redis, { recursive: true, mode: 0o700 });
  return paths;
}
