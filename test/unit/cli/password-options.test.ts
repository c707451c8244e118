import { describe, expect, it } from 'vitest';
import { withPgPassword } from '../../../app/cli/password-options.ts';
import { parsePgUrl } from '../../../main/stack/pg-url.ts';

describe('withPgPassword (what --pg-password-file and the prompt add to --pg)', () => {
  it.each([
    ['postgres://me@db/app', "p'w\\:@/?#"],
    ['postgres://db/app?user=me', 'pw with spaces'],
    ['host=db dbname=app user=me', "it's \\ quoted"],
  ])('%s gets the password the server will be sent, byte for byte', (connection, password) => {
    expect(parsePgUrl(withPgPassword(connection, password)).config.password).toBe(password);
  });
});
