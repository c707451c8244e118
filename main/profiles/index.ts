/** Saved connection profiles and the ciphers that keep their passwords. */
export { createHeadlessCipher } from './env-key-cipher.ts';
export { ProfileStore } from './profile-store.ts';
export type { SecretCipher } from './secret-cipher.ts';
export { joinUrlSecret } from './url-secrets.ts';
