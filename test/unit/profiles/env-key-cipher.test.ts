import { describe, expect, it } from 'vitest';
import { createHeadlessCipher, EnvKeyCipher } from '../../../main/profiles/env-key-cipher.ts';

const KEY = 'a-long-random-test-key-0123456789';

describe('EnvKeyCipher (browser-mode secrets)', () => {
  it('round-trips a secret, with a fresh IV each time and no plain text in the output', () => {
    const cipher = new EnvKeyCipher(KEY);
    const a = cipher.encrypt('päss wörd');
    const b = cipher.encrypt('päss wörd');
    expect(a).not.toBe(b);
    expect(a).not.toContain('päss');
    expect(cipher.decrypt(a)).toBe('päss wörd');
    // Another process with the same key (its own salt) reads what this one wrote.
    expect(new EnvKeyCipher(KEY).decrypt(a)).toBe('päss wörd');
  });

  it('fails clearly when the key is another one', () => {
    const text = new EnvKeyCipher(KEY).encrypt('secret');
    expect(() => new EnvKeyCipher(`${KEY}-changed`).decrypt(text)).toThrow(
      'the saved password was encrypted with another HOTPATH_SECRET_KEY; enter the password again',
    );
  });

  it('fails clearly on damaged or foreign ciphertext', () => {
    const cipher = new EnvKeyCipher(KEY);
    expect(() => cipher.decrypt('not-a-secret')).toThrow(/not in HOTPATH_SECRET_KEY's format/);
    const text = cipher.encrypt('secret');
    const flipped = text.slice(0, -2) + (text.at(-2) === 'A' ? 'B' : 'A') + text.at(-1);
    expect(() => cipher.decrypt(flipped)).toThrow(/enter the password again/);
  });

  it('is created from HOTPATH_SECRET_KEY only when it is set, and warns about a short key', () => {
    expect(createHeadlessCipher({})).toBeNull();
    expect(createHeadlessCipher({ HOTPATH_SECRET_KEY: '' })).toBeNull();
    expect(createHeadlessCipher({ HOTPATH_SECRET_KEY: KEY })).toMatchObject({ kind: 'env-key', warning: null });
    expect(createHeadlessCipher({ HOTPATH_SECRET_KEY: 'short' })?.warning).toMatch(/shorter than 16 characters/);
  });
});
