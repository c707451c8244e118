import type { SecretCipher } from '../../main/profiles/index.ts';

/** The part of Electron's `safeStorage` we use (a fake in tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which password store backs the key. Absent (or throwing) elsewhere. */
  getSelectedStorageBackend?(): string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const BASIC_TEXT_WARNING =
  'No system keyring was found (Electron uses its "basic_text" backend, a key hard-coded in Electron): saved passwords are obfuscated, not protected. ' +
  'Install and unlock a keyring (GNOME Keyring / libsecret, or KWallet), or do not save passwords.';

export const UNAVAILABLE_WARNING =
  'The operating system offers no encryption for saved passwords here (no keychain or keyring is available): passwords are kept in memory for this session only.';

/**
 * Secrets of saved connection profiles, encrypted with Electron's safeStorage (the OS
 * keychain: Keychain on macOS, DPAPI on Windows, libsecret/KWallet on Linux), stored as base64.
 *
 * The state is read at each use rather than once: on Linux safeStorage only knows its
 * backend after the app's `ready` event, and the keyring can be unlocked later.
 */
export class SafeStorageCipher implements SecretCipher {
  readonly kind = 'safeStorage' as const;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  get warning(): string | null {
    if (!this.safeStorage.isEncryptionAvailable()) return UNAVAILABLE_WARNING;
    return this.backend() === 'basic_text' ? BASIC_TEXT_WARNING : null;
  }

  encrypt(plain: string): string {
    this.requireAvailable();
    return this.safeStorage.encryptString(plain).toString('base64');
  }

  decrypt(cipherText: string): string {
    this.requireAvailable();
    if (cipherText.length === 0 || !BASE64.test(cipherText)) {
      throw new Error('A saved password is damaged (it is not base64 text). Enter the password again and save the profile.');
    }
    try {
      return this.safeStorage.decryptString(Buffer.from(cipherText, 'base64'));
    } catch {
      // safeStorage's own message ("Error while decrypting the ciphertext provided") says nothing actionable.
      throw new Error(
        'A saved password could not be decrypted: it was saved by another user account or machine, or the system keychain changed. Enter the password again and save the profile.',
      );
    }
  }

  private backend(): string | null {
    if (this.platform !== 'linux' || !this.safeStorage.getSelectedStorageBackend) return null;
    try {
      return this.safeStorage.getSelectedStorageBackend();
    } catch {
      return null;
    }
  }

  private requireAvailable(): void {
    if (!this.safeStorage.isEncryptionAvailable()) throw new Error(UNAVAILABLE_WARNING);
  }
}
