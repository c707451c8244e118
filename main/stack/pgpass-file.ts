import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The password file psql users already have: `~/.pgpass`, or the file PGPASSFILE or the `passfile` parameter
 * names. libpq's rules (src/interfaces/libpq/fe-connect.c, passwordFromFile):
 * - lines are `hostname:port:database:username:password`; `#` starts a comment line;
 * - `*` as a whole field matches anything; a backslash escapes the next character (`\:` and `\\`);
 * - the password runs to the next unescaped colon;
 * - the first matching line wins;
 * - a host given as a Unix socket directory (or no host) matches `localhost`;
 * - a file that is not a plain file, or that group or others can read, is ignored with a warning.
 * The `pgpass` npm package (a dependency of pg) reads process.env itself and writes its warning to stderr; we
 * need the file named by `passfile` and the warning as a notice, hence this small reader.
 */

export interface PgpassEntry {
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
}

export interface PgpassLookup {
  host: string;
  port: number;
  database: string;
  user: string;
}

export interface PgpassResult {
  password: string | null;
  /** The file that was consulted (whether or not it had a match). */
  file: string;
  /** Why the file was ignored, in libpq's words; null when it was read (or did not exist). */
  warning: string | null;
}

/** Splits one line into its five fields, or null for a comment, a blank line or a line with fewer fields. */
export function parsePgpassLine(line: string): PgpassEntry | null {
  const text = line.replace(/\r$/, '');
  if (text === '' || text.startsWith('#')) return null;
  const fields: string[] = [];
  let current = '';
  let i = 0;
  while (i < text.length && fields.length < 4) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += text[i + 1];
      i += 2;
    } else if (c === ':') {
      fields.push(current);
      current = '';
      i++;
    } else {
      current += c;
      i++;
    }
  }
  if (fields.length < 4) return null;
  let password = '';
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) password += text[++i];
    else if (c === ':') break;
    else password += c;
  }
  const [host = '', port = '', database = '', user = ''] = fields;
  return { host, port, database, user, password };
}

function rawFields(line: string): string[] {
  // The fields as written (escapes kept), to tell a wildcard `*` from an escaped `\*`.
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < line.length && out.length < 4; i++) {
    if (line[i] === '\\' && i + 1 < line.length) {
      current += line[i]! + line[i + 1]!;
      i++;
    } else if (line[i] === ':') {
      out.push(current);
      current = '';
    } else {
      current += line[i];
    }
  }
  return out;
}

/** The password of the first line matching `lookup`, or null. */
export function findPgpassPassword(text: string, lookup: PgpassLookup): string | null {
  const host = lookup.host === '' || lookup.host.startsWith('/') ? 'localhost' : lookup.host;
  const wanted = [host, String(lookup.port), lookup.database, lookup.user];
  for (const line of text.split('\n')) {
    const entry = parsePgpassLine(line);
    if (!entry) continue;
    const raw = rawFields(line.replace(/\r$/, ''));
    const values = [entry.host, entry.port, entry.database, entry.user];
    if (values.every((value, k) => raw[k] === '*' || value === wanted[k])) return entry.password;
  }
  return null;
}

/** libpq's choice of file: the `passfile` parameter, then PGPASSFILE, then ~/.pgpass. */
export function pgpassFileName(env: Record<string, string | undefined>, passfile?: string): string {
  return passfile ?? env.PGPASSFILE ?? join(env.HOME ?? homedir(), '.pgpass');
}

/** Looks the password up in the password file; a missing file is no password and no warning, as in libpq. */
export async function readPgpassPassword(file: string, lookup: PgpassLookup): Promise<PgpassResult> {
  let info;
  try {
    info = await stat(file);
  } catch {
    return { password: null, file, warning: null };
  }
  if (!info.isFile()) return { password: null, file, warning: `password file "${file}" is not a plain file` };
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    return {
      password: null,
      file,
      warning: `password file "${file}" has group or world access; permissions should be u=rw (0600) or less`,
    };
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { password: null, file, warning: `password file "${file}" cannot be read: ${(error as Error).message}` };
  }
  return { password: findPgpassPassword(text, lookup), file, warning: null };
}
