import type { SecretStorage } from '../contract/profiles.ts';

/**
 * Encrypts the secrets of saved connection profiles (passwords). Each host brings its
 * own: Electron's safeStorage (the OS keychain), or in browser mode a key from the
 * environment. Without one, secrets are never written to disk.
 */
export interface SecretCipher {
  readonly kind: Exclude<SecretStorage['kind'], 'none'>;
  /** Something the user should know about this cipher (e.g. a weak backend), or null. */
  readonly warning: string | null;
  /** Plain text in, printable ciphertext out (e.g. base64). */
  encrypt(plain: string): string;
  /** Throws a clear error when the ciphertext was made with another key or is damaged. */
  decrypt(cipherText: string): string;
}
