import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { ContractError } from '../contract/api.ts';
import type { SecretCipher } from './secret-cipher.ts';

/** The environment variable that holds the browser-mode key. */
export const SECRET_KEY_VARIABLE = 'HOTPATH_SECRET_KEY';

const FORMAT = 'ek1';
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// scrypt cost: 128 × N × r bytes of memory and a deliberate CPU cost, paid once per salt per process (keys are cached).
const SCRYPT = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const SHORT_KEY = 16;

const REENTER_HINT = 'Enter the password again to connect; save the profile with "save password" to store it with the current key.';

function unreadable(message: string): ContractError {
  return new ContractError('secret-unreadable', message, REENTER_HINT);
}

/**
 * The browser-mode cipher: AES-256-GCM, the key derived with scrypt from HOTPATH_SECRET_KEY. Each ciphertext
 * carries its salt and IV (`ek1:salt:iv:tag:data`, base64url), so the salt lives next to the data it protects
 * and the file needs nothing else to be decrypted with the right key. GCM's tag makes a wrong key fail loudly
 * instead of producing garbage.
 */
export class EnvKeyCipher implements SecretCipher {
  readonly kind = 'env-key' as const;
  readonly warning: string | null;
  private readonly salt = randomBytes(SALT_BYTES);
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly secretKey: string) {
    if (secretKey === '') throw new Error(`${SECRET_KEY_VARIABLE} is empty.`);
    this.warning =
      secretKey.length < SHORT_KEY
        ? `${SECRET_KEY_VARIABLE} is shorter than ${SHORT_KEY} characters, so saved passwords are easy to decrypt by guessing it. Use a long random value (openssl rand -base64 32).`
        : null;
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyFor(this.salt), iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [this.salt, iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
    return [FORMAT, ...parts].join(':');
  }

  decrypt(cipherText: string): string {
    const [format, ...parts] = cipherText.split(':');
    const [salt, iv, tag, data] = parts.map((p) => Buffer.from(p, 'base64url'));
    if (
      format !== FORMAT ||
      parts.length !== 4 ||
      !salt ||
      !iv ||
      !tag ||
      !data ||
      salt.length !== SALT_BYTES ||
      iv.length !== IV_BYTES ||
      tag.length !== TAG_BYTES
    ) {
      throw unreadable(
        `the saved password is not in ${SECRET_KEY_VARIABLE}'s format (it was saved by another host, or the file was edited); enter the password again`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', this.keyFor(salt), iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      // GCM cannot tell a wrong key from damaged bytes; a changed key is by far the likelier cause.
      throw unreadable(`the saved password was encrypted with another ${SECRET_KEY_VARIABLE}; enter the password again`);
    }
  }

  private keyFor(salt: Buffer): Buffer {
    const id = salt.toString('base64url');
    let key = this.keys.get(id);
    if (!key) {
      key = scryptSync(this.secretKey, salt, 32, SCRYPT);
      this.keys.set(id, key);
    }
    return key;
  }
}

/** The cipher of the headless host: an EnvKeyCipher when HOTPATH_SECRET_KEY is set (and not empty), else null. */
export function createHeadlessCipher(env: Record<string, string | undefined>): SecretCipher | null {
  const key = env[SECRET_KEY_VARIABLE];
  return key === undefined || key === '' ? null : new EnvKeyCipher(key);
}
