import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPgpassPassword, parsePgpassLine, pgpassFileName, readPgpassPassword } from '../../../main/stack/pgpass-file.ts';

const lookup = { host: 'db.example.com', port: 5432, database: 'app', user: 'me' };

describe('parsePgpassLine (libpq format)', () => {
  it.each([
    ['db:5432:app:me:secret', { host: 'db', port: '5432', database: 'app', user: 'me', password: 'secret' }],
    ['db:5432:app:me:se\\:cr\\\\et', { host: 'db', port: '5432', database: 'app', user: 'me', password: 'se:cr\\et' }],
    ['db\\:x:5432:app:me:pw', { host: 'db:x', port: '5432', database: 'app', user: 'me', password: 'pw' }],
    ['db:5432:app:me:pw:ignored-after-colon', { host: 'db', port: '5432', database: 'app', user: 'me', password: 'pw' }],
    ['db:5432:app:me:pw\r', { host: 'db', port: '5432', database: 'app', user: 'me', password: 'pw' }],
    ['db:5432:app:me:', { host: 'db', port: '5432', database: 'app', user: 'me', password: '' }],
  ])('%j', (line, expected) => {
    expect(parsePgpassLine(line)).toEqual(expected);
  });

  it.each(['', '# db:5432:app:me:pw', 'db:5432:app', 'not a pgpass line'])('%j is no entry', (line) => {
    expect(parsePgpassLine(line)).toBeNull();
  });
});

describe('findPgpassPassword', () => {
  it('takes the first matching line; * matches any field, an escaped \\* only a star', () => {
    const text = [
      'other:5432:app:me:no',
      'db.example.com:5433:app:me:no',
      '\\*:*:*:*:literal-star',
      '*:5432:app:me:yes',
      '*:*:*:*:later',
    ].join('\n');
    expect(findPgpassPassword(text, lookup)).toBe('yes');
  });

  it('a Unix socket directory matches the host localhost, as in libpq', () => {
    expect(findPgpassPassword('localhost:5432:app:me:sock', { ...lookup, host: '/var/run/postgresql' })).toBe('sock');
  });

  it('no match is null', () => {
    expect(findPgpassPassword('db:1:x:y:z\n', lookup)).toBeNull();
  });
});

describe('pgpassFileName', () => {
  it('passfile, then PGPASSFILE, then ~/.pgpass', () => {
    expect(pgpassFileName({ PGPASSFILE: '/env', HOME: '/home/me' }, '/param')).toBe('/param');
    expect(pgpassFileName({ PGPASSFILE: '/env', HOME: '/home/me' })).toBe('/env');
    expect(pgpassFileName({ HOME: '/home/me' })).toBe('/home/me/.pgpass');
  });
});

describe('readPgpassPassword', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotpath-pgpass-unit-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a private file', async () => {
    const file = join(dir, 'private');
    await writeFile(file, '*:*:*:*:pw\n');
    await chmod(file, 0o600);
    expect(await readPgpassPassword(file, lookup)).toEqual({ password: 'pw', file, warning: null });
  });

  it.each([0o640, 0o604, 0o644, 0o660])("ignores a file with mode %o, with libpq's warning", async (mode) => {
    const file = join(dir, `open-${mode.toString(8)}`);
    await writeFile(file, '*:*:*:*:pw\n');
    await chmod(file, mode);
    const result = await readPgpassPassword(file, lookup);
    expect(result.password).toBeNull();
    expect(result.warning).toContain('has group or world access; permissions should be u=rw (0600) or less');
  });

  it('ignores a folder, and a missing file is no password and no warning', async () => {
    await mkdir(join(dir, 'folder'));
    expect((await readPgpassPassword(join(dir, 'folder'), lookup)).warning).toContain('is not a plain file');
    expect(await readPgpassPassword(join(dir, 'missing'), lookup)).toMatchObject({ password: null, warning: null });
  });
});
