import { describe, expect, it } from 'vitest';
import { DESKTOP_OPTIONS_ENV, desktopEnvironment, pickStackFlags, readDesktopOptions } from '../../../app/cli/desktop-options.ts';
import type { StackFlags } from '../../../app/cli/stack-startup.ts';

const defaults = { dataDir: '/home/me/.local/share/hotpath' };

/** What commander hands `start` for `hotpath start --pg … --pg-password-file … --workload demo --rate 50 --read-only`. */
const commanderOptions = {
  pg: 'postgres://me@db.internal:5432/app',
  pgPasswordFile: '/run/secrets/pg',
  workload: 'demo',
  rate: 50,
  readOnly: true,
  dataDir: '/data/hotpath',
  chunks: 200_000,
  localRedis: true,
  cache: true,
  cacheL1: 64,
  cacheL3: 'off',
  memoryBudget: '1GiB',
  poolSize: 12,
  port: 7300,
};

describe('the desktop options handed from `hotpath start` to the main process', () => {
  it('arrive as the CLI parsed them, without what only serve uses (the port)', () => {
    const env = desktopEnvironment(commanderOptions, { PATH: '/usr/bin' });
    const received = readDesktopOptions(env, ['/opt/electron', '/app'], defaults);
    const { port: _port, ...stackFlags } = commanderOptions;
    expect(received).toEqual(stackFlags);
    expect(pickStackFlags(commanderOptions)).not.toHaveProperty('port');
  });

  it('travel in the environment, leave the rest of it as it was, and drop ELECTRON_RUN_AS_NODE', () => {
    const env = desktopEnvironment(commanderOptions, { PATH: '/usr/bin', PGPASSWORD: 'pw', ELECTRON_RUN_AS_NODE: '1' });
    expect(env.PATH).toBe('/usr/bin');
    expect(env.PGPASSWORD).toBe('pw');
    expect(env).not.toHaveProperty('ELECTRON_RUN_AS_NODE');
    expect(JSON.parse(env[DESKTOP_OPTIONS_ENV]!)).toMatchObject({ pg: commanderOptions.pg, readOnly: true });
  });

  it('without them, `electron . --local` gets the local demo stack with the CLI defaults, and plain `electron .` nothing', () => {
    expect(readDesktopOptions({}, ['/opt/electron', '/app', '--local'], defaults)).toEqual<StackFlags>({
      local: true,
      dataDir: defaults.dataDir,
      chunks: 200_000,
      localRedis: true,
      cache: true,
      cacheL1: 128,
    });
    expect(readDesktopOptions({}, ['/opt/electron', '/app'], defaults)).toBeNull();
    expect(readDesktopOptions({ [DESKTOP_OPTIONS_ENV]: '' }, ['/opt/electron', '/app'], defaults)).toBeNull();
  });

  it('refuses what the CLI never writes, naming the field but not echoing values', () => {
    const read = (value: string) => () => readDesktopOptions({ [DESKTOP_OPTIONS_ENV]: value }, [], defaults);
    expect(read('{not json')).toThrow(/is not JSON/);
    expect(read(JSON.stringify({ ...pickStackFlags(commanderOptions), port: 1 }))).toThrow(/port/);
    expect(read(JSON.stringify({ ...pickStackFlags(commanderOptions), rate: -5 }))).toThrow(/rate/);
    const withoutDataDir = { ...pickStackFlags(commanderOptions), dataDir: undefined, pg: 'postgres://me:hunter2@db/app' };
    expect(read(JSON.stringify(withoutDataDir))).toThrow(/dataDir/);
    expect(read(JSON.stringify(withoutDataDir))).not.toThrow(/hunter2/);
  });
});
