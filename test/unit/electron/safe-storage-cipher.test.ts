import { describe, expect, it } from 'vitest';
import {
  BASIC_TEXT_WARNING,
  SafeStorageCipher,
  UNAVAILABLE_WARNING,
  type SafeStorageLike,
} from '../../../app/electron/safe-storage-cipher.ts';

/**
 * A safeStorage stand-in: "encrypts" by XOR with a per-instance key behind a magic prefix, so
 * that another instance (another machine, another keychain) cannot decrypt, like the real one.
 */
class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend: string = 'gnome_libsecret';
  backendCalls = 0;
  constructor(private readonly key = 0x5a) {}

  isEncryptionAvailable(): boolean {
    return this.available;
  }
  encryptString(plainText: string): Buffer {
    if (!this.available) throw new Error('Encryption is not available.');
    return Buffer.concat([Buffer.from([0x76, 0x31, this.key]), Buffer.from(plainText, 'utf8').map((b) => b ^ this.key)]);
  }
  decryptString(encrypted: Buffer): string {
    if (encrypted[0] !== 0x76 || encrypted[1] !== 0x31 || encrypted[2] !== this.key)
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(encrypted.subarray(3).map((b) => b ^ this.key)).toString('utf8');
  }
  getSelectedStorageBackend(): string {
    this.backendCalls++;
    return this.backend;
  }
}

describe('SafeStorageCipher', () => {
  it('round-trips a secret through safeStorage as base64 that does not contain it', () => {
    const cipher = new SafeStorageCipher(new FakeSafeStorage(), 'linux');
    const secret = 'p@ss wörd;with=odd&chars';
    const stored = cipher.encrypt(secret);
    expect(stored).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(stored).not.toContain('p@ss');
    expect(Buffer.from(stored, 'base64').toString('utf8')).not.toContain('p@ss');
    expect(cipher.decrypt(stored)).toBe(secret);
    expect(cipher.kind).toBe('safeStorage');
  });

  it('warns when Linux has no keyring and safeStorage falls back to basic_text (a hard-coded key)', () => {
    const storage = new FakeSafeStorage();
    storage.backend = 'basic_text';
    const cipher = new SafeStorageCipher(storage, 'linux');
    expect(cipher.warning).toBe(BASIC_TEXT_WARNING);
    expect(cipher.warning).toMatch(/hard-coded/);
  });

  it('has no warning with a real keyring backend', () => {
    for (const backend of ['gnome_libsecret', 'kwallet5', 'kwallet6']) {
      const storage = new FakeSafeStorage();
      storage.backend = backend;
      expect(new SafeStorageCipher(storage, 'linux').warning).toBeNull();
    }
  });

  it('asks for the backend only on Linux, where the function exists', () => {
    const storage = new FakeSafeStorage();
    storage.backend = 'basic_text';
    for (const platform of ['darwin', 'win32'] as const) expect(new SafeStorageCipher(storage, platform).warning).toBeNull();
    expect(storage.backendCalls).toBe(0);
  });

  it('reads the state at each use: the backend is only known after the app is ready', () => {
    const storage = new FakeSafeStorage();
    storage.backend = 'unknown';
    const cipher = new SafeStorageCipher(storage, 'linux');
    expect(cipher.warning).toBeNull();
    storage.backend = 'basic_text';
    expect(cipher.warning).toBe(BASIC_TEXT_WARNING);
  });

  it('warns, and refuses to encrypt or decrypt, when encryption is unavailable', () => {
    const storage = new FakeSafeStorage();
    const stored = new SafeStorageCipher(storage, 'linux').encrypt('secret');
    storage.available = false;
    const cipher = new SafeStorageCipher(storage, 'linux');
    expect(cipher.warning).toBe(UNAVAILABLE_WARNING);
    expect(() => cipher.encrypt('secret')).toThrow(/in memory for this session only/);
    expect(() => cipher.decrypt(stored)).toThrow(/in memory for this session only/);
  });

  it('says what to do when a secret was encrypted by another keychain', () => {
    const stored = new SafeStorageCipher(new FakeSafeStorage(0x11), 'linux').encrypt('secret');
    const other = new SafeStorageCipher(new FakeSafeStorage(0x22), 'linux');
    expect(() => other.decrypt(stored)).toThrow(/another user account or machine.*Enter the password again/);
  });

  it('says a damaged secret is damaged', () => {
    const cipher = new SafeStorageCipher(new FakeSafeStorage(), 'linux');
    expect(() => cipher.decrypt('not base64!')).toThrow(/damaged/);
    expect(() => cipher.decrypt('')).toThrow(/damaged/);
  });
});
