import { describe, expect, it } from 'vitest';
import { isKeywordDsn, keywordDsnToUrl, parseKeywordDsn } from '../../../main/stack/pg-keyword-dsn.ts';
import { parsePgUrl } from '../../../main/stack/pg-url.ts';

const values = (text: string) => Object.fromEntries(parseKeywordDsn(text).map((p) => [p.key, p.value]));

describe('keyword/value connection strings (libpq grammar)', () => {
  it('reads plain, quoted and escaped values, with spaces around =', () => {
    expect(values(`host=db  port = 5433 dbname='my app' user=me password='it\\'s a \\\\ secret' application_name=a\\ b`)).toEqual({
      host: 'db',
      port: '5433',
      dbname: 'my app',
      user: 'me',
      password: "it's a \\ secret",
      application_name: 'a b',
    });
  });

  it('an empty quoted value is empty; a later keyword wins', () => {
    expect(values(`host=a password='' host=b`)).toEqual({ host: 'b', password: '' });
  });

  it('tells the forms apart as libpq does', () => {
    expect(isKeywordDsn('host=db dbname=app')).toBe(true);
    expect(isKeywordDsn('postgres://db/app?sslmode=disable')).toBe(false);
    expect(isKeywordDsn('db.example.com')).toBe(false);
  });

  it('parses into the same config as the URL form', () => {
    const dsn = parsePgUrl(`host=db.example.com port=5433 dbname=app user=me password='p w' sslmode=disable`);
    const url = parsePgUrl('postgres://me:p%20w@db.example.com:5433/app?sslmode=disable');
    expect(dsn.config).toEqual(url.config);
    expect(dsn.displayUrl).toBe('host=db.example.com port=5433 dbname=app user=me password=**** sslmode=disable');
    expect(keywordDsnToUrl('host=db dbname=app')).toBe('postgres://?host=db&dbname=app');
  });

  it.each([
    ['host=db dbname', '"dbname" is not followed by ='],
    ['host=db =app', 'an = has no keyword before it'],
    [`host=db password='unterminated`, 'the quoted value of "password" has no closing quote'],
    ['dbname=app user=me', 'names no host'],
    ['host=db user=me', 'names no database'],
    ['host=db dbname=app port=99999', 'port "99999"'],
    ['host=db dbname=app sslmode=maybe', 'sslmode=maybe is not one of'],
  ])('%j is refused, naming the problem and not the password', (text, expected) => {
    expect(() => parsePgUrl(text)).toThrow(expect.objectContaining({ code: 'malformed-url', message: expect.stringContaining(expected) }));
  });

  it('an unterminated quoted password is not echoed in the error', () => {
    expect(() => parseKeywordDsn(`host=db password='s3cret-value`)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret-value') }),
    );
  });
});
